"""Minutes exports: PDF (tagged, A4, fetching nothing), DOCX, Markdown and JSON, and the
download view (permissions per role and state, headers, rate limit, missing Pango)."""

from __future__ import annotations

import ctypes
import html.parser
import http.server
import io
import json
import re
import sys
import threading
import zlib
from typing import Any, ClassVar
from unittest import mock

import docx
import pypdfium2  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]
from django.core.cache import cache
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from minka.core.testing import RoleTestCase
from minka.core.visibility import Visibility
from minka.meetings.minutes import export_views, exports, pdf_store
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.models import Minutes
from minka.meetings.tests.factories_exports import AGREEMENTS, minutes_with, sample_content


def pdf_text(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    return [page.get_textpage().get_text_range() for page in document]


def pdf_language(data: bytes) -> str:
    """The document's /Lang entry, read by PDFium."""
    document = pypdfium2.PdfDocument(data)
    size = pdfium_c.FPDFCatalog_GetLanguage(document, None, 0)
    buffer = (ctypes.c_ushort * (size // 2))()
    pdfium_c.FPDFCatalog_GetLanguage(document, buffer, size)
    return bytes(buffer).decode("utf-16-le").rstrip("\x00")


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for section in document.sections:
        lines += [p.text for p in section.header.paragraphs]
    return "\n".join(lines)


class _Tags(html.parser.HTMLParser):
    """The elements and URL attributes of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)
        self.urls += [v or "" for k, v in attrs if k in {"src", "href", "data", "srcset"}]


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _CountingServer(http.server.ThreadingHTTPServer):
    connections = 0

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.connections += 1
        return True


def start_server() -> tuple[_CountingServer, str]:
    server = _CountingServer(("127.0.0.1", 0), _CountingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class ExportContentTests(RoleTestCase):
    """What each format contains: header, status, every section and agreement, errata.
    Labels are asserted in English (translations come later); dates in Spanish are checked
    in ``test_spanish_exports_say_es_pe_and_date_in_lima``."""

    minutes: Minutes

    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.minutes = minutes_with(
            status=Minutes.Status.PUBLISHED,
            approved_by=cls.coord,
            errata=["Se corrigió la fecha del acuerdo 2"],
            number=3,
            place="Auditorio de la PUCP",
            online_url="https://meet.example.org/secreto-enlace",
        )

    def _export(self, fmt: str) -> bytes:
        assert self.minutes.current_revision is not None
        return exports.render(self.minutes, self.minutes.current_revision, fmt)

    def test_pdf_text_has_header_every_agreement_accents_and_page_numbers(self) -> None:
        pages = pdf_text(self._export("pdf"))
        text = "\n".join(pages)
        for agreement in AGREEMENTS:
            self.assertIn(agreement, text)
        self.assertIn("Desarrollo de las TIC en el Perú: aportes desde la sociedad civil", text)
        self.assertIn("Meeting 3: Reunión de prueba", text)
        self.assertIn("Saturday, Nov. 28, 2026, 10 a.m.", text)
        self.assertIn("Auditorio de la PUCP", text)
        self.assertIn("Minutes approved on Dec. 19, 2026 by Coordinación.", text)
        self.assertIn("ñandú y acción", text)
        self.assertIn("Se corrigió la fecha del acuerdo 2", text)
        self.assertNotIn("secreto-enlace", text)
        for number, page in enumerate(pages, start=1):
            self.assertIn(f"Page {number} of {len(pages)}", page)

    def test_pdf_is_a4_tagged_pdf_ua_with_language_and_title(self) -> None:
        data = self._export("pdf")
        document = pypdfium2.PdfDocument(data)
        self.assertIs(bool(pdfium_c.FPDFCatalog_IsTagged(document)), True)
        width, height = document[0].get_size()
        self.assertAlmostEqual(width, 595.28, delta=1)
        self.assertAlmostEqual(height, 841.89, delta=1)
        title = f"Meeting 3: {self.minutes.meeting.title}"
        self.assertEqual(document.get_metadata_dict()["Title"], title)

    def test_pdf_is_written_as_pdf_ua_1(self) -> None:
        assert self.minutes.current_revision is not None
        weasyprint = exports._weasyprint()
        with mock.patch.object(weasyprint.HTML, "write_pdf", autospec=True) as write:
            write.return_value = b"%PDF"
            exports.to_pdf(self.minutes, self.minutes.current_revision)
        self.assertEqual(write.call_args.kwargs, {"pdf_variant": "pdf/ua-1"})
        inflated = _inflate(self._export("pdf"))
        self.assertIn(b"pdfuaid:part", inflated)
        self.assertIn(b"/StructTreeRoot", inflated)
        self.assertIn(b"/MarkInfo", inflated)

    def test_spanish_exports_say_es_pe_and_date_in_lima(self) -> None:
        """In Spanish (the default): /Lang es-PE, weekday and date in America/Lima."""
        revision = self.minutes.current_revision
        assert revision is not None
        with translation.override("es"):
            pdf = self._export("pdf")
            docx_data = self._export("docx")
            markdown = self._export("md").decode()
            html = exports.to_html(self.minutes, revision)
        when = "Sábado, 28 de noviembre de 2026, 10:00"
        self.assertEqual(pdf_language(pdf), "es-PE")
        self.assertIn(when, "\n".join(pdf_text(pdf)))
        self.assertEqual(docx.Document(io.BytesIO(docx_data)).core_properties.language, "es-PE")
        self.assertIn(when, docx_text(docx_data))
        self.assertIn(when, markdown)
        self.assertIn('<html lang="es-PE">', html)

    def test_docx_has_headings_numbered_agreements_properties_and_page_field(self) -> None:
        data = self._export("docx")
        document = docx.Document(io.BytesIO(data))
        text = docx_text(data)
        for agreement in AGREEMENTS:
            self.assertIn(agreement, text)
        self.assertIn("Desarrollo de las TIC en el Perú", text)
        self.assertIn("ñandú y acción", text)
        styles = [p.style.name for p in document.paragraphs if p.style is not None]
        self.assertEqual(styles.count("Heading 1"), 1)
        self.assertGreaterEqual(styles.count("Heading 2"), 6)
        self.assertEqual(styles.count("List Number"), len(AGREEMENTS))
        self.assertEqual(document.core_properties.language, "en")
        self.assertEqual(document.core_properties.title, f"Meeting 3: {self.minutes.meeting}")
        footer = document.sections[0].footer.paragraphs[0]._p.xml
        self.assertIn("PAGE", footer)
        self.assertIn("NUMPAGES", footer)
        self.assertIn("Page", document.sections[0].footer.paragraphs[0].text)
        self.assertNotIn("secreto-enlace", text)

    def test_markdown_lists_the_sections_in_order_and_numbers_the_agreements(self) -> None:
        text = self._export("md").decode()
        self.assertTrue(text.startswith(f"# Meeting 3: {self.minutes.meeting}\n"))
        headings = [line for line in text.splitlines() if line.startswith("## ")]
        self.assertEqual(
            headings,
            [
                "## Summary",
                "## Presentations",
                "## Interventions",
                "## Agreements",
                "## Next meeting",
                "## Notes",
                "## Errata",
            ],
        )
        for number, agreement in enumerate(AGREEMENTS, start=1):
            self.assertIn(f"{number}. {agreement}", text)
        self.assertNotIn("secreto-enlace", text)

    def test_json_has_meeting_minutes_and_errata_without_contact_data(self) -> None:
        document = json.loads(self._export("json"))
        self.assertEqual(set(document), {"meeting", "minutes", "errata"})
        self.assertEqual(document["meeting"]["starts_at"], "2026-11-28T10:00:00-05:00")
        self.assertEqual(document["meeting"]["number"], 3)
        self.assertEqual(document["minutes"]["status"], "published")
        self.assertEqual(document["minutes"]["revision"], 2)
        self.assertEqual(document["minutes"]["approved_by"], "Coordinación")
        self.assertEqual(
            [a["text"] for a in document["minutes"]["content"]["agreements"]], AGREEMENTS
        )
        self.assertEqual(document["errata"][0]["reason"], "Se corrigió la fecha del acuerdo 2")
        raw = self._export("json").decode()
        for private in ("secreto-enlace", self.coord.email, "online_url", "@"):
            self.assertNotIn(private, raw)

    def test_draft_and_review_say_they_are_not_approved(self) -> None:
        for status, line in (
            (Minutes.Status.DRAFT, "Draft: these minutes have not been approved."),
            (Minutes.Status.REVIEW, "Draft in review: these minutes have not been approved yet."),
        ):
            minutes = minutes_with(status=status, number=10 if status == "draft" else 11)
            assert minutes.current_revision is not None
            for fmt in ("md", "docx"):
                data = exports.render(minutes, minutes.current_revision, fmt)
                text = data.decode() if fmt == "md" else docx_text(data)
                self.assertIn(line, text)
            self.assertIn(line, exports.to_html(minutes, minutes.current_revision))

    def test_empty_minutes_export_a_header_only(self) -> None:
        minutes = minutes_with(content=MinutesContent(), number=12)
        assert minutes.current_revision is not None
        for fmt in exports.FORMATS:
            self.assertTrue(exports.render(minutes, minutes.current_revision, fmt))
        self.assertNotIn("## ", exports.to_markdown(minutes, minutes.current_revision))


PAYLOADS = (
    '<script>alert("x")</script> <img src="http://169.254.169.254/"> ![x](file:///etc/passwd)'
)


class ExportEscapingTests(RoleTestCase):
    """User text is data in every format: no markup, no images, no fetches."""

    def test_html_fed_to_weasyprint_escapes_markup_and_drops_images(self) -> None:
        minutes = minutes_with(content=sample_content(payload=" " + PAYLOADS), number=20)
        assert minutes.current_revision is not None
        html = exports.to_html(minutes, minutes.current_revision)
        tags = _Tags()
        tags.feed(html)
        self.assertEqual(tags.seen & {"script", "img", "link", "iframe", "object"}, set())
        self.assertEqual([u for u in tags.urls if "passwd" in u or "169.254" in u], [])
        self.assertIn("&lt;script&gt;", html)

    def test_pdf_does_not_contain_local_files(self) -> None:
        minutes = minutes_with(content=sample_content(payload=" " + PAYLOADS), number=21)
        assert minutes.current_revision is not None
        text = "\n".join(pdf_text(exports.to_pdf(minutes, minutes.current_revision)))
        self.assertNotIn("root:x:0:0", text)
        self.assertIn('<script>alert("x")</script>', text)  # shown as text, not run

    def test_docx_keeps_payloads_as_text(self) -> None:
        minutes = minutes_with(content=sample_content(payload=" " + PAYLOADS), number=22)
        assert minutes.current_revision is not None
        text = docx_text(exports.to_docx(minutes, minutes.current_revision))
        self.assertIn('<script>alert("x")</script>', text)
        self.assertNotIn("root:x:0:0", text)

    def test_single_line_fields_cannot_add_markdown_headings(self) -> None:
        content = sample_content()
        content.presentations[0].title = "Título\n# Inyectado"
        minutes = minutes_with(content=content, number=23)
        assert minutes.current_revision is not None
        text = exports.to_markdown(minutes, minutes.current_revision)
        self.assertNotIn("\n# Inyectado", text)


class PdfFetchesNothingTests(RoleTestCase):
    """SECURITY.md 1.6: the PDF renderer reaches neither file:// nor the network."""

    server: _CountingServer
    base: str

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.server, cls.base = start_server()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.shutdown()
        cls.server.server_close()
        super().tearDownClass()

    def _payloads(self) -> str:
        return (
            f' ![x](file:///etc/passwd) ![y]({self.base}/md.png) <img src="{self.base}/img">'
            f' <img src="http://169.254.169.254/latest/meta-data/"> [enlace]({self.base}/link)'
            f' <link rel=stylesheet href="{self.base}/x.css">'
        )

    def test_minutes_with_urls_in_every_field_fetch_nothing(self) -> None:
        minutes = minutes_with(content=sample_content(payload=self._payloads()), number=30)
        assert minutes.current_revision is not None
        spy = exports.RefusingFetcher()
        pdf = exports.to_pdf(minutes, minutes.current_revision, url_fetcher=spy)
        self.assertTrue(pdf.startswith(b"%PDF"))
        exports.to_pdf(minutes, minutes.current_revision)  # the default fetcher too
        self.assertEqual(spy.refused, [])
        self.assertEqual(self.server.connections, 0)
        self.assertEqual(_CountingHandler.hits, [])

    def test_the_fetcher_refuses_what_weasyprint_asks_for(self) -> None:
        """Positive control: markup that does ask for URLs reaches the fetcher, which
        refuses every one, so even a sanitizer bug could not make the renderer fetch."""
        weasyprint = exports._weasyprint()
        spy = exports.RefusingFetcher()
        html = (
            f'<html><head><link rel="stylesheet" href="{self.base}/a.css"></head><body>'
            f'<img src="{self.base}/b.png"><img src="file:///etc/passwd"></body></html>'
        )
        weasyprint.HTML(string=html, base_url=None, url_fetcher=spy).write_pdf()
        self.assertEqual(
            sorted(spy.refused), sorted([f"{self.base}/a.css", f"{self.base}/b.png", "file:///etc/passwd"])
        )  # fmt: skip
        self.assertEqual(self.server.connections, 0)


class ExportViewTests(RoleTestCase):
    """``meetings:minutes-export``: who may download what, and how."""

    drafted: Minutes
    reviewed: Minutes
    public: Minutes
    members: Minutes

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.drafted = minutes_with(status=Minutes.Status.DRAFT, number=3)
        cls.reviewed = minutes_with(status=Minutes.Status.REVIEW, number=4)
        cls.public = minutes_with(status=Minutes.Status.PUBLISHED, approved_by=cls.coord, number=5)
        cls.members = minutes_with(
            status=Minutes.Status.PUBLISHED,
            visibility=Visibility.MEMBERS,
            approved_by=cls.coord,
            number=6,
        )

    def setUp(self) -> None:
        cache.clear()

    @staticmethod
    def url(minutes: Minutes, fmt: str) -> str:
        return reverse("meetings:minutes-export", args=[minutes.meeting.public_id, fmt])

    def _statuses(self, minutes: Minutes, fmt: str = "md") -> dict[str, int]:
        personas = ("anon", "reg", "mem_a", "mem_b", "coord", "admin")
        return {p: self.as_(p).get(self.url(minutes, fmt)).status_code for p in personas}

    def test_draft_minutes_are_for_coordinators_only(self) -> None:
        self.assertEqual(
            self._statuses(self.drafted),
            {"anon": 404, "reg": 404, "mem_a": 404, "mem_b": 404, "coord": 200, "admin": 200},
        )

    def test_minutes_in_review_are_for_members(self) -> None:
        self.assertEqual(
            self._statuses(self.reviewed, "json"),
            {"anon": 404, "reg": 404, "mem_a": 200, "mem_b": 200, "coord": 200, "admin": 200},
        )

    def test_published_public_minutes_are_for_everyone(self) -> None:
        self.assertEqual(set(self._statuses(self.public, "docx").values()), {200})

    def test_published_members_minutes_are_for_members(self) -> None:
        self.assertEqual(
            self._statuses(self.members),
            {"anon": 404, "reg": 404, "mem_a": 200, "mem_b": 200, "coord": 200, "admin": 200},
        )

    def test_members_only_meeting_hides_its_public_minutes_from_visitors(self) -> None:
        minutes = minutes_with(
            status=Minutes.Status.PUBLISHED, number=7, visibility=Visibility.PUBLIC
        )
        minutes.meeting.visibility = Visibility.MEMBERS
        minutes.meeting.save(update_fields=["visibility"])
        self.assertEqual(self.as_("anon").get(self.url(minutes, "md")).status_code, 404)
        response = self.as_("mem_a").get(self.url(minutes, "md"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_unknown_format_meeting_or_missing_revision_answer_404(self) -> None:
        coord = self.as_("coord")
        for fmt in ("html", "PDF", "pdf.exe", "txt"):
            self.assertEqual(coord.get(self.url(self.public, fmt)).status_code, 404)
        unknown = "/reuniones/00000000-0000-4000-8000-000000000000/acta.pdf"
        self.assertEqual(coord.get(unknown).status_code, 404)
        Minutes.objects.filter(pk=self.drafted.pk).update(current_revision=None)
        self.assertEqual(coord.get(self.url(self.drafted, "md")).status_code, 404)

    def test_only_get_is_allowed(self) -> None:
        coord = self.as_("coord")
        self.assertEqual(coord.post(self.url(self.public, "pdf")).status_code, 405)
        self.assertEqual(coord.delete(self.url(self.public, "md")).status_code, 405)

    def test_pdf_download_headers(self) -> None:
        response = self.as_("anon").get(self.url(self.public, "pdf"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.getvalue().startswith(b"%PDF"))
        self.assertEqual(
            response["Content-Disposition"],
            'attachment; filename="acta-reunion-5-2026-11-28.pdf"; '
            "filename*=UTF-8''acta-reunion-5-2026-11-28.pdf",
        )
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("sandbox", response["Content-Security-Policy"])
        self.assertEqual(response["Cache-Control"], "private, max-age=300")

    def test_text_formats_carry_a_charset_and_private_answers_are_not_stored(self) -> None:
        member = self.as_("mem_a")
        md = member.get(self.url(self.members, "md"))
        self.assertEqual(md["Content-Type"], "text/markdown; charset=utf-8")
        self.assertEqual(md["Cache-Control"], "private, no-store")
        self.assertIn("attachment;", md["Content-Disposition"])
        js = member.get(self.url(self.reviewed, "json"))
        self.assertEqual(js["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(js["Cache-Control"], "private, no-store")
        self.assertEqual(json.loads(js.content)["minutes"]["status"], "review")
        docx_answer = member.get(self.url(self.reviewed, "docx"))
        self.assertEqual(docx_answer["Content-Type"], exports.CONTENT_TYPES["docx"])
        self.assertTrue(docx_answer["Content-Disposition"].endswith(".docx"))

    @override_settings(LANGUAGE_CODE="en")
    def test_without_pango_the_pdf_link_names_the_packages_to_install(self) -> None:
        """Importing WeasyPrint fails where Pango is missing: a 503 page, not a 500."""
        with mock.patch.dict(sys.modules, {"weasyprint": None}):
            response = self.as_("anon").get(self.url(self.public, "pdf"))
            other = self.as_("anon").get(self.url(self.public, "md"))
        self.assertEqual(response.status_code, 503)
        self.assertContains(response, "libpango-1.0-0 libpangoft2-1.0-0", status_code=503)
        self.assertContains(response, self.url(self.public, "docx"), status_code=503)
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertEqual(other.status_code, 200)

    def test_loader_turns_a_missing_library_into_pdf_unavailable(self) -> None:
        with (
            mock.patch.dict(sys.modules, {"weasyprint": None}),
            self.assertRaises(exports.PdfUnavailable),
        ):
            exports._weasyprint()

    def test_pdf_generation_is_rate_limited_per_client(self) -> None:
        url = self.url(self.public, "pdf")
        anon = self.as_("anon")
        with (
            mock.patch.object(export_views, "PDF_RATE_LIMIT", 2),
            mock.patch.object(exports, "html_to_pdf", return_value=b"%PDF-1.7 test"),
            mock.patch.object(pdf_store, "exists", return_value=False),  # every answer renders
        ):
            statuses = [anon.get(url).status_code for _ in range(3)]
            member = self.as_("mem_a").get(url).status_code
            markdown = [anon.get(self.url(self.public, "md")).status_code for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        self.assertEqual(member, 200)  # another client
        self.assertEqual(markdown, [200, 200, 200])  # cheap formats are not limited

    def test_a_stored_pdf_is_served_without_rendering_or_counting(self) -> None:
        url = self.url(self.public, "pdf")
        anon = self.as_("anon")
        with (
            mock.patch.object(export_views, "PDF_RATE_LIMIT", 2),
            mock.patch.object(exports, "html_to_pdf", return_value=b"%PDF-1.7 stored") as layout,
        ):
            answers = [anon.get(url) for _ in range(5)]
        self.assertEqual([a.status_code for a in answers], [200] * 5)
        self.assertEqual(layout.call_count, 1)
        self.assertEqual({a.getvalue() for a in answers}, {b"%PDF-1.7 stored"})

    def test_query_count_is_fixed(self) -> None:
        """Session, user, the minutes with meeting/series/revision/approver, the errata.
        (The first request of a session also records its activity: not counted here.)"""
        client = self.as_("mem_a")
        client.get(self.url(self.members, "json"))
        with self.assertNumQueries(4):
            response = client.get(self.url(self.members, "md"))
        self.assertEqual(response.status_code, 200)
        anon = self.as_("anon")
        with self.assertNumQueries(2):
            response = anon.get(self.url(self.public, "json"))
        self.assertEqual(response.status_code, 200)


def _inflate(data: bytes) -> bytes:
    """The PDF with its Flate streams decompressed, to look for catalog and XMP entries."""
    out = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(out)


class FilenameTests(SimpleTestCase):
    def test_filename_without_a_number(self) -> None:
        minutes = mock.Mock()
        minutes.meeting.number = None
        minutes.meeting.starts_at = timezone.now().replace(year=2026, month=5, day=2)
        self.assertTrue(exports.filename(minutes, "md").startswith("acta-reunion-2026-05-0"))
