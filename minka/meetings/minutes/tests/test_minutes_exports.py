"""Minutes exports: what PDF (tagged, A4), DOCX, Markdown and JSON contain, in English and
in Spanish, and the files' names."""

from __future__ import annotations

import ctypes
import io
import json
import re
import zlib
from unittest import mock

import docx
import pypdfium2
import pypdfium2.raw as pdfium_c
from django.test import SimpleTestCase
from django.utils import timezone, translation

from minka.core.tests.base import RoleTestCase
from minka.meetings.minutes import exports
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.exports import pdf as pdf_export
from minka.meetings.minutes.models import Minutes
from minka.meetings.minutes.tests.factories import AGREEMENTS, minutes_with
from minka.meetings.minutes.tests.readers_exports import docx_text, pdf_text


def pdf_language(data: bytes) -> str:
    """The document's /Lang entry, read by PDFium."""
    document = pypdfium2.PdfDocument(data)
    size = pdfium_c.FPDFCatalog_GetLanguage(document, None, 0)
    buffer = (ctypes.c_ushort * (size // 2))()
    pdfium_c.FPDFCatalog_GetLanguage(document, buffer, size)
    return bytes(buffer).decode("utf-16-le").rstrip("\x00")


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
        weasyprint = pdf_export._weasyprint()
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
