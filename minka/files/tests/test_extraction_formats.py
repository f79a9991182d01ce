"""Text extraction in the sandboxed worker (SECURITY.md 1.6, fault test F11): every format
end to end, with and without LibreOffice, and the types the worker knows."""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from django.test import SimpleTestCase, override_settings

from minka.files import extraction
from minka.files.extraction import REASONS, extract
from minka.files.tests import samples
from minka.files.tests.extraction_base import PHRASE, ExtractionTestCase, preview_size


def processes_mentioning(text: str) -> list[int]:
    """The processes whose command line contains ``text``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


class FormatTests(ExtractionTestCase):
    def test_pdf_gives_text_per_page_page_count_and_preview(self) -> None:
        result = self.extract(samples.pdf(self.folder, pages=3), "pdf")
        self.assertIs(result.ok, True)
        self.assertEqual(result.reason, "")
        self.assertEqual(result.page_count, 3)
        self.assertEqual(len(result.pages), 3)
        self.assertIn(PHRASE, result.pages[0])
        self.assertIn("Página 3", result.pages[2])
        self.assertEqual(max(preview_size(result)), 800)

    def test_text_only_extraction_makes_no_preview(self) -> None:
        result = extract(samples.pdf(self.folder, pages=3), "pdf", previews=False)
        self.assertIs(result.ok, True)
        self.assertEqual(len(result.pages), 3)
        self.assertIn(PHRASE, result.pages[0])
        self.assertIsNone(result.preview)

    def test_docx_gives_paragraphs_and_tables_with_the_stored_page_count(self) -> None:
        result = self.extract(samples.docx(self.folder, pages=2), "docx")
        self.assertIs(result.ok, True)
        self.assertEqual(len(result.pages), 1)
        text = result.pages[0]
        self.assertIn(PHRASE, text)
        self.assertIn("Región\tKilómetros\tNodos", text)
        self.assertEqual(text.count("Loreto y Ucayali"), 1)  # a merged cell, once
        self.assertIn("Segunda página", text)
        self.assertEqual(result.page_count, 2)
        self.assertIsNone(result.preview)  # previews of office files need LibreOffice

    def test_pptx_gives_text_per_slide_with_tables_groups_and_notes(self) -> None:
        result = self.extract(samples.pptx(self.folder, slides=4), "pptx")
        self.assertIs(result.ok, True)
        self.assertEqual(result.page_count, 4)
        self.assertEqual(len(result.pages), 4)
        self.assertIn(PHRASE, result.pages[0])
        self.assertIn("Madre de Dios\t7", result.pages[1])
        self.assertIn("Notas del orador: telemedicina", result.pages[1])
        self.assertIn("Diapositiva 4: Conectividad rural", result.pages[3])

    def test_xlsx_gives_text_per_sheet(self) -> None:
        result = self.extract(samples.xlsx(self.folder), "xlsx")
        self.assertIs(result.ok, True)
        self.assertEqual(result.page_count, 2)
        self.assertIn(f"{PHRASE}\tLoreto\t1250.5", result.pages[0])
        self.assertEqual(result.pages[1], "Año\tMonto\n2026\t300000\nÓptica")

    def test_opendocument_text_presentation_and_spreadsheet(self) -> None:
        text = self.extract(samples.odt(self.folder), "odt")
        self.assertIs(text.ok, True)
        self.assertEqual(len(text.pages), 1)
        self.assertIn(f"{PHRASE}\n{samples.SECOND}\nRegión\tCusco", text.pages[0])
        slides = self.extract(samples.odp(self.folder, slides=3), "odp")
        self.assertEqual(slides.page_count, 3)
        self.assertEqual(slides.pages[0], PHRASE)
        self.assertIn("Diapositiva 3", slides.pages[2])
        sheets = self.extract(samples.ods(self.folder), "ods")
        self.assertEqual(sheets.page_count, 2)
        self.assertEqual(sheets.pages, [f"Proyecto\tRegión\n{PHRASE}\tLoreto", "Óptica"])
        self.assertLess(sheets.seconds, 5)  # a million repeated rows are read once

    def test_plain_text_formats_are_decoded_as_detection_accepts_them(self) -> None:
        for name in ("notas.txt", "tabla.csv", "leeme.md"):
            with self.subTest(name):
                result = self.extract(samples.text(self.folder, name), name.rsplit(".")[1])
                self.assertIs(result.ok, True)
                self.assertIsNone(result.page_count)
                self.assertEqual(len(result.pages), 1)
                self.assertIn(PHRASE, result.pages[0])
        ansi = self.extract(samples.text(self.folder, "ansi.txt", encoding="cp1252"), "txt")
        self.assertIn("Acción, participación, niñas", ansi.pages[0])

    def test_images_have_a_preview_and_no_text(self) -> None:
        for path, file_type, size in (
            (samples.png(self.folder, size=(1600, 900)), "png", (800, 450)),
            (samples.jpeg(self.folder, size=(1200, 1600)), "jpeg", (600, 800)),
        ):
            with self.subTest(file_type):
                result = self.extract(path, file_type)
                self.assertIs(result.ok, True)
                self.assertEqual(result.reason, "no_text")
                self.assertEqual(result.pages, [])
                self.assertEqual(preview_size(result), size)

    def test_a_pdf_without_text_is_done_with_reason_no_text(self) -> None:
        path = self.folder / "escaneado.pdf"
        path.write_bytes(samples.pdf_bytes([[], []]))
        result = self.extract(path, "pdf")
        self.assertIs(result.ok, True)
        self.assertEqual(result.reason, "no_text")
        self.assertEqual(result.page_count, 2)
        self.assertIsNotNone(result.preview)

    def test_a_page_that_cannot_be_previewed_loses_only_the_preview(self) -> None:
        path = self.folder / "tira.pdf"
        path.write_bytes(samples.pdf_bytes([[PHRASE]], media_box=b"0 0 14400 1"))
        result = self.extract(path, "pdf")
        self.assertIs(result.ok, True)
        self.assertIn(PHRASE, result.pages[0])
        self.assertIsNone(result.preview)
        self.assertIn("no preview", result.detail)

    def test_legacy_files_without_libreoffice_are_done_without_text(self) -> None:
        """With LIBREOFFICE="off" (or a missing program) a DOC or PPT is kept, "sin texto"."""
        for kind in ("doc", "ppt"):
            for setting in ("off", "/nonexistent/soffice"):
                with (
                    self.subTest(kind=kind, setting=setting),
                    override_settings(LIBREOFFICE=setting),
                ):
                    result = self.extract(samples.legacy(self.folder, kind), kind)
                    self.assertIs(result.ok, True)
                    self.assertEqual(result.reason, "no_converter")
                    self.assertEqual(result.pages, [])
                    self.assertIsNone(result.page_count)
        self.assertIn("LibreOffice", str(REASONS["no_converter"]))

    def test_an_unknown_type_is_a_programming_error(self) -> None:
        with self.assertRaisesMessage(ValueError, "unknown file type 'exe'"):
            extract(self.folder / "x.exe", "exe")

    def test_a_missing_or_mislabelled_file_fails_as_corrupt(self) -> None:
        self.assert_fails_within(self.extract(self.folder / "nada.pdf", "pdf"), "corrupt", 5)
        self.assert_fails_within(self.extract(samples.html(self.folder), "pdf"), "corrupt", 5)
        self.assert_fails_within(self.extract(samples.png(self.folder), "docx"), "corrupt", 5)


@pytest.mark.slow
@override_settings(LIBREOFFICE="")
class LibreOfficeTests(ExtractionTestCase):
    """Needs LibreOffice (``make test`` installs it through scripts/system-deps): without it
    these tests fail, never skip."""

    def setUp(self) -> None:
        super().setUp()
        self.assertTrue(shutil.which("soffice"), "LibreOffice is missing: scripts/system-deps")

    def test_libreoffice_converts_legacy_files_renders_previews_and_is_killed_at_the_timeout(
        self,
    ) -> None:
        """DOC and PPT become text, pages and a preview; a PPTX gets a preview and an ODT its
        page count from the converted PDF; a conversion that outlives the timeout is killed
        with its whole process tree."""
        doc = self.extract(samples.legacy(self.folder, "doc"), "doc")
        self.assertIs(doc.ok, True, doc.detail)
        self.assertIn(PHRASE, "\n".join(doc.pages))
        self.assertEqual(doc.page_count, 2)
        self.assertEqual(max(preview_size(doc)), 800)
        ppt = self.extract(samples.legacy(self.folder, "ppt"), "ppt")
        self.assertIs(ppt.ok, True, ppt.detail)
        self.assertEqual(ppt.page_count, 3)
        self.assertIn(PHRASE, " ".join(ppt.pages[0].split()))  # the title wraps
        self.assertEqual(preview_size(ppt), (800, 600))
        pptx = self.extract(samples.pptx(self.folder), "pptx")
        self.assertEqual(preview_size(pptx), (800, 600))
        odt = self.extract(samples.odt(self.folder), "odt")
        self.assertEqual(odt.page_count, 1)  # odfpy stores no statistics: LibreOffice counted
        self.assertIsNotNone(odt.preview)
        # Text only (the minutes importer): LibreOffice is not run, so nothing counted pages.
        text_only = extract(samples.odt(self.folder), "odt", previews=False)
        self.assertIs(text_only.ok, True)
        self.assertIn(PHRASE, "\n".join(text_only.pages))
        self.assertIsNone(text_only.preview)
        self.assertIsNone(text_only.page_count)

        # Extraction folders under this test's folder, so that leftovers can be told apart.
        # A conversion takes about 1.2 s on an idle 2-core machine: 0.3 s is always too short,
        # however fast the machine, so LibreOffice is killed mid-conversion.
        scoped = functools.partial(tempfile.TemporaryDirectory, dir=self.folder)
        with mock.patch("minka.files.extraction.tempfile.TemporaryDirectory", scoped):
            slow = self.extract(samples.legacy(self.folder, "doc"), "doc", timeout=0.3)
        self.assert_fails_within(slow, "timeout", 2.5)
        self.assertEqual(processes_mentioning(str(self.folder)), [])


class TypeTableTests(SimpleTestCase):
    def test_extraction_knows_exactly_the_accepted_types(self) -> None:
        from minka.files.extraction import worker
        from minka.files.filetypes import FileType

        values = {file_type.value for file_type in FileType}
        self.assertEqual(set(extraction._TYPES), values)
        self.assertEqual(set(worker.EXTRACTORS), values)
