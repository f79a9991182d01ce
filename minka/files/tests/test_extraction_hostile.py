"""Hostile files in the extraction worker (SECURITY.md 1.6, fault test F11): each must fail
alone, with the right reason, within the time and memory limits; the seconds, CPU and peak
memory it took are checked (``-s`` prints them)."""

from __future__ import annotations

from minka.files.tests import samples
from minka.files.tests.extraction_base import PHRASE, ExtractionTestCase


class HostileFileTests(ExtractionTestCase):
    def test_an_encrypted_pdf_fails_as_encrypted(self) -> None:
        self.assert_fails_within(
            self.extract(samples.pdf_encrypted(self.folder), "pdf"), "encrypted", 5
        )

    def test_the_encrypted_sample_opens_with_its_password(self) -> None:
        """The sample is a real encrypted PDF, not a broken one."""
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(samples.pdf_encrypted(self.folder), password="secreto")
        self.addCleanup(document.close)
        self.assertIn(PHRASE, document[0].get_textpage().get_text_range())

    def test_deep_recursion_and_a_broken_cross_reference_table_do_not_escape_the_limits(
        self,
    ) -> None:
        """PDFium caps the nesting (self-drawing form, 100,000-deep array, 10,000-long chain
        of references) and rebuilds a broken cross-reference table: the text is read."""
        for path in (samples.pdf_recursive(self.folder), samples.pdf_broken_xref(self.folder)):
            with self.subTest(path.name):
                result = self.extract(path, "pdf")
                self.assertIs(result.ok, True, result.detail)
                self.assertIn(PHRASE, result.pages[0])
                self.assertLess(result.seconds, 10)
                self.assertLess(result.peak_rss_mb, 300)

    def test_a_5000_page_pdf_is_capped_within_the_timeout(self) -> None:
        result = self.extract(samples.pdf_many_pages(self.folder, 5_000), "pdf", timeout=20)
        self.assertIs(result.ok, True)
        self.assertEqual(result.page_count, 5_000)
        self.assertEqual(len(result.pages), 2_000)
        self.assertIn("text kept: 2000 pages", result.detail)
        self.assertLess(result.seconds, 20)

    def test_zip_bombs_called_directly_fail_on_the_archive_limits(self) -> None:
        """Detection refuses them; extraction checks the limits again before any parsing."""
        for path in (
            samples.zip_bomb(self.folder, "docx"),
            samples.zip_bomb(self.folder, "pptx"),
            samples.many_entries(self.folder, "pptx", count=100_000),
        ):
            with self.subTest(path.name):
                result = self.extract(path, path.suffix[1:])
                self.assert_fails_within(result, "archive_limits", 5)

    def test_billion_laughs_is_refused_before_parsing(self) -> None:
        for kind in ("docx", "pptx", "odt"):
            with self.subTest(kind):
                result = self.extract(samples.billion_laughs(self.folder, kind), kind)
                self.assert_fails_within(result, "corrupt", 5)
                self.assertIn("DTD in", result.detail)

    def test_billion_laughs_after_a_long_prolog_is_not_expanded_by_the_parser(self) -> None:
        """Past the first MiB the DTD check gives up; the parser, with entity resolution
        off, still refuses to expand the entities."""
        prolog = samples.billion_laughs_xml("w:document")
        declaration, dtd = prolog.split(b"?>", 1)
        main = (
            declaration
            + b"?><!--"
            + b" " * (2 * 1024 * 1024)
            + b"-->"
            + dtd
            + (
                f'<w:document xmlns:w="{samples._W}"><w:body><w:p><w:r><w:t>&lol9;</w:t>'
                "</w:r></w:p></w:body></w:document>"
            ).encode()
        )
        path = self.folder / "prologo.docx"
        path.write_bytes(samples.raw_zip(samples.ooxml_skeleton("docx", main)))
        result = self.extract(path, "docx")
        self.assert_fails_within(result, "corrupt", 5)

    def test_a_decompression_bomb_png_fails_on_memory(self) -> None:
        result = self.extract(samples.png_bomb(self.folder), "png")
        self.assert_fails_within(result, "memory", 5)
        self.assertIn("image too large", result.detail)
