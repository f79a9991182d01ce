"""Minutes exports hold user text as data: no markup, no images, and a PDF renderer that
fetches nothing, neither ``file://`` nor the network (SECURITY.md 1.6)."""

from __future__ import annotations

import html.parser
import http.server
import threading
from typing import Any, ClassVar

from minka.core.tests.base import RoleTestCase
from minka.meetings.minutes import exports
from minka.meetings.minutes.exports import pdf as pdf_export
from minka.meetings.minutes.tests.factories import export_content, minutes_with
from minka.meetings.minutes.tests.readers_exports import docx_text, pdf_text


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


PAYLOADS = (
    '<script>alert("x")</script> <img src="http://169.254.169.254/"> ![x](file:///etc/passwd)'
)


class ExportEscapingTests(RoleTestCase):
    """User text is data in every format: no markup, no images, no fetches."""

    def test_html_fed_to_weasyprint_escapes_markup_and_drops_images(self) -> None:
        minutes = minutes_with(content=export_content(payload=" " + PAYLOADS), number=20)
        assert minutes.current_revision is not None
        html = exports.to_html(minutes, minutes.current_revision)
        tags = _Tags()
        tags.feed(html)
        self.assertEqual(tags.seen & {"script", "img", "link", "iframe", "object"}, set())
        self.assertEqual([u for u in tags.urls if "passwd" in u or "169.254" in u], [])
        self.assertIn("&lt;script&gt;", html)

    def test_pdf_does_not_contain_local_files(self) -> None:
        minutes = minutes_with(content=export_content(payload=" " + PAYLOADS), number=21)
        assert minutes.current_revision is not None
        text = "\n".join(pdf_text(exports.to_pdf(minutes, minutes.current_revision)))
        self.assertNotIn("root:x:0:0", text)
        self.assertIn('<script>alert("x")</script>', text)  # shown as text, not run

    def test_docx_keeps_payloads_as_text(self) -> None:
        minutes = minutes_with(content=export_content(payload=" " + PAYLOADS), number=22)
        assert minutes.current_revision is not None
        text = docx_text(exports.to_docx(minutes, minutes.current_revision))
        self.assertIn('<script>alert("x")</script>', text)
        self.assertNotIn("root:x:0:0", text)

    def test_single_line_fields_cannot_add_markdown_headings(self) -> None:
        content = export_content()
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
        minutes = minutes_with(content=export_content(payload=self._payloads()), number=30)
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
        weasyprint = pdf_export._weasyprint()
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
