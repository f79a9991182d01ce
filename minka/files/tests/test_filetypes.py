"""Detection of uploaded files from their bytes (SECURITY.md 1.6): what is accepted, every
refusal with its code and message, hostile archives refused fast, hostile names shown clean.
"""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from django.utils import translation

from minka.files import filetypes
from minka.files.filetypes import (
    CONTENT_TYPES,
    EXTENSIONS,
    INLINE_TYPES,
    FileType,
    UnacceptableFile,
    detect,
    display_name,
)
from minka.files.tests import samples

MAX = 50 * 1024 * 1024


class DetectTestCase(SimpleTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory(prefix="minka-test-filetypes-")
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def detect_bytes(self, data: bytes, name: str, max_bytes: int = MAX) -> FileType:
        return detect(io.BytesIO(data), name, max_bytes=max_bytes)

    def detect_path(self, path: Path, name: str | None = None) -> FileType:
        with path.open("rb") as handle:
            return detect(handle, name or path.name, max_bytes=MAX)

    def refusal(self, data: bytes | Path, name: str, max_bytes: int = MAX) -> UnacceptableFile:
        if isinstance(data, Path):
            data = data.read_bytes()
        with self.assertRaises(UnacceptableFile) as caught:
            self.detect_bytes(data, name, max_bytes)
        return caught.exception


class AcceptedTypesTests(DetectTestCase):
    def test_every_accepted_type_is_detected_from_real_bytes(self) -> None:
        """Each format built by its own library (or LibreOffice for DOC/PPT) is detected."""
        cases = {
            FileType.PDF: samples.pdf(self.folder),
            FileType.DOCX: samples.docx(self.folder),
            FileType.PPTX: samples.pptx(self.folder),
            FileType.XLSX: samples.xlsx(self.folder),
            FileType.ODT: samples.odt(self.folder),
            FileType.ODP: samples.odp(self.folder),
            FileType.ODS: samples.ods(self.folder),
            FileType.DOC: samples.legacy(self.folder, "doc"),
            FileType.PPT: samples.legacy(self.folder, "ppt"),
            FileType.CSV: samples.text(self.folder, "tabla.csv"),
            FileType.TXT: samples.text(self.folder, "notas.txt"),
            FileType.MD: samples.text(self.folder, "leeme.md"),
            FileType.PNG: samples.png(self.folder),
            FileType.JPEG: samples.jpeg(self.folder),
        }
        self.assertEqual(set(cases), set(FileType))
        for expected, path in cases.items():
            with self.subTest(expected):
                self.assertEqual(self.detect_path(path), expected)

    def test_alternative_and_uppercase_extensions_are_accepted(self) -> None:
        self.assertEqual(self.detect_path(samples.jpeg(self.folder, "FOTO.JPEG")), FileType.JPEG)
        self.assertEqual(self.detect_path(samples.pdf(self.folder, "INFORME.PDF")), FileType.PDF)
        self.assertEqual(self.detect_path(samples.text(self.folder, "x.md"), "x.markdown"), "md")

    def test_windows_1252_and_bom_text_are_accepted(self) -> None:
        """Text saved as "ANSI" on Spanish Windows, or as UTF-8 with a BOM, is accepted."""
        ansi = "Año, acción, ¿señal?".encode("cp1252")
        self.assertEqual(self.detect_bytes(ansi, "notas.txt"), FileType.TXT)
        self.assertEqual(self.detect_bytes(b"\xef\xbb\xbfa;b\n1;2\n", "t.csv"), FileType.CSV)

    def test_the_position_is_zero_after_detection_and_after_a_refusal(self) -> None:
        handle = io.BytesIO(samples.pdf(self.folder).read_bytes())
        handle.seek(10)
        detect(handle, "informe.pdf", max_bytes=MAX)
        self.assertEqual(handle.tell(), 0)
        handle.seek(10)
        with self.assertRaises(UnacceptableFile):
            detect(handle, "informe.docx", max_bytes=MAX)
        self.assertEqual(handle.tell(), 0)

    def test_a_django_upload_is_detected(self) -> None:
        for path, expected in (
            (samples.docx(self.folder), FileType.DOCX),
            (samples.png(self.folder), FileType.PNG),
        ):
            upload = SimpleUploadedFile(path.name, path.read_bytes())
            self.assertEqual(detect(upload, upload.name or "", max_bytes=MAX), expected)
            self.assertEqual(upload.tell(), 0)

    def test_a_limit_of_exactly_the_size_is_accepted(self) -> None:
        data = samples.pdf(self.folder).read_bytes()
        self.assertEqual(self.detect_bytes(data, "a.pdf", max_bytes=len(data)), FileType.PDF)

    def test_a_pdf_with_up_to_a_kilobyte_after_its_end_marker_is_accepted(self) -> None:
        data = samples.pdf(self.folder).read_bytes()
        self.assertEqual(self.detect_bytes(data + b"\x00" * 1000, "a.pdf"), FileType.PDF)

    def test_the_tables_cover_every_type(self) -> None:
        self.assertEqual(set(CONTENT_TYPES), set(FileType))
        self.assertEqual(set(EXTENSIONS), set(FileType))
        self.assertEqual(INLINE_TYPES, {FileType.PDF, FileType.PNG, FileType.JPEG})
        for text_type in (FileType.CSV, FileType.TXT, FileType.MD):
            self.assertTrue(CONTENT_TYPES[text_type].endswith("; charset=utf-8"))
        self.assertEqual(EXTENSIONS[FileType.JPEG], (".jpg", ".jpeg"))
        self.assertNotIn("html", " ".join(CONTENT_TYPES.values()))


class RefusalTests(DetectTestCase):
    def test_an_unaccepted_extension_is_refused_with_the_list(self) -> None:
        for name in ("programa.exe", "pagina.html", "imagen.svg", "sin-extension", "a.pdf.exe"):
            with self.subTest(name):
                refusal = self.refusal(samples.pdf(self.folder).read_bytes(), name)
                self.assertEqual(refusal.code, "extension")
                self.assertIn(".pdf, .pptx", refusal.message)
                self.assertIn(name, refusal.message)

    def test_a_png_html_polyglot_named_html_is_refused_by_its_extension(self) -> None:
        refusal = self.refusal(samples.png_polyglot(self.folder), "poliglota.html")
        self.assertEqual(refusal.code, "extension")

    def test_a_png_html_polyglot_named_png_is_refused_as_markup(self) -> None:
        """Pillow verifies it (it is a valid PNG), but markup inside an image is refused."""
        from PIL import Image

        path = samples.png_polyglot(self.folder)
        with Image.open(path) as image:
            image.verify()  # a valid PNG: Pillow alone would let it in
        self.assertEqual(self.refusal(path, "poliglota.png").code, "markup")

    def test_an_empty_file_is_refused(self) -> None:
        refusal = self.refusal(b"", "vacio.pdf")
        self.assertEqual(refusal.code, "empty")
        self.assertEqual(refusal.message, "vacio.pdf is empty.")

    def test_a_file_one_byte_over_the_limit_is_refused(self) -> None:
        data = samples.pdf(self.folder).read_bytes()
        refusal = self.refusal(data, "grande.pdf", max_bytes=len(data) - 1)
        self.assertEqual(refusal.code, "too_large")
        self.assertIn("grande.pdf is larger than the limit of", refusal.message)

    def test_contents_that_contradict_the_extension_are_refused(self) -> None:
        """HTML renamed .pdf, a PNG named .docx, a DOCX named .pptx, an ODT named .odp..."""
        html = samples.html(self.folder).read_bytes()
        png = samples.png(self.folder).read_bytes()
        docx = samples.docx(self.folder).read_bytes()
        cases = [
            (html, "informe.pdf", "HTML"),
            (png, "acta.docx", "PNG"),
            (docx, "diapositivas.pptx", "DOCX"),
            (docx, "hoja.xlsx", "DOCX"),
            (samples.odt(self.folder).read_bytes(), "diapositivas.odp", "ODT"),
            (samples.pptx(self.folder).read_bytes(), "acta.odt", "PPTX"),
            (png, "foto.jpg", "PNG"),
            (samples.jpeg(self.folder).read_bytes(), "foto.png", "JPEG"),
            (samples.pdf(self.folder).read_bytes(), "notas.txt", "PDF"),
            (samples.legacy(self.folder, "ppt").read_bytes(), "acta.doc", None),
            (samples.legacy(self.folder, "doc").read_bytes(), "diapositivas.ppt", None),
            (samples.ole_header("Workbook"), "hoja.doc", None),
            (docx, "acta.doc", "ZIP"),
            (samples.raw_zip([("hola.txt", b"hola")]), "acta.docx", "ZIP"),
            (b"plain text", "acta.pptx", None),
        ]
        for data, name, looks_like in cases:
            with self.subTest(name):
                refusal = self.refusal(data, name)
                self.assertEqual(refusal.code, "mismatch")
                self.assertIn(f"The contents of {name} do not match its extension", refusal.message)
                if looks_like:
                    self.assertIn(f"it looks like a {looks_like} file", refusal.message)

    def test_a_zip_bomb_is_refused_fast_from_its_central_directory(self) -> None:
        """A 45 KB DOCX declaring 5 GiB, and a PPTX with 100,000 entries."""
        for path in (
            samples.zip_bomb(self.folder, "docx"),
            samples.many_entries(self.folder, "pptx", count=100_000),
        ):
            with self.subTest(path.name):
                data = path.read_bytes()
                started = time.perf_counter()
                refusal = self.refusal(data, path.name)
                self.assertLess(time.perf_counter() - started, 0.5)
                self.assertEqual(refusal.code, "archive")
                self.assertIn("too many files, or expands to too much data", refusal.message)

    def test_a_damaged_archive_is_refused(self) -> None:
        docx = samples.docx(self.folder).read_bytes()
        central = docx.index(b"PK\x01\x02")
        cases = {
            "cut.docx": docx[: len(docx) // 2],
            "garbled.docx": docx[:central] + b"XX" + docx[central + 2 :],
            "prefixed.docx": b"PK\x03\x04" + b"\x00" * 100 + docx,
        }
        for name, data in cases.items():
            with self.subTest(name):
                self.assertEqual(self.refusal(data, name).code, "corrupt")

    def test_a_password_protected_office_file_is_refused_with_a_clear_message(self) -> None:
        refusal = self.refusal(samples.ole_header("EncryptedPackage"), "secreto.docx")
        self.assertEqual(refusal.code, "corrupt")
        self.assertIn("protected with a password", refusal.message)

    def test_an_incomplete_pdf_is_refused(self) -> None:
        data = samples.pdf(self.folder).read_bytes()
        for name, broken in {
            "cut.pdf": data[: len(data) // 2],
            "trailing.pdf": data + b"\x00" * 1200,
        }.items():
            with self.subTest(name):
                self.assertEqual(self.refusal(broken, name).code, "corrupt")

    def test_a_damaged_image_is_refused(self) -> None:
        png = samples.png(self.folder).read_bytes()
        jpeg = samples.jpeg(self.folder).read_bytes()
        for name, data in {
            "cut.png": png[: len(png) // 2],
            "crc.png": png[:40] + bytes([png[40] ^ 0xFF]) + png[41:],
            "header.jpg": jpeg[:3] + b"\x00" * 20,
        }.items():
            with self.subTest(name):
                self.assertEqual(self.refusal(data, name).code, "corrupt")

    def test_a_decompression_bomb_image_is_refused(self) -> None:
        refusal = self.refusal(samples.png_bomb(self.folder), "bomba.png")
        self.assertEqual(refusal.code, "too_large")
        self.assertIn("more than 100 million pixels", refusal.message)

    def test_text_that_is_binary_or_of_another_encoding_is_refused(self) -> None:
        for name, data in {
            "utf16.txt": "Año".encode("utf-16"),
            "nul.csv": b"a,b\n1,\x002\n",
            "control.md": b"# Title\x1b[31m\n",
            "undefined.txt": b"caf\xe9 \x81",
        }.items():
            with self.subTest(name):
                refusal = self.refusal(data, name)
                self.assertEqual(refusal.code, "encoding")
                self.assertIn("save it as UTF-8", refusal.message)

    def test_text_that_opens_like_markup_is_refused(self) -> None:
        for name, data in {
            "a.txt": b"<!DOCTYPE html><p>hola</p>",
            "b.md": b"\n  <HTML><body>hola</body></HTML>",
            "c.txt": b"\xef\xbb\xbf<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>",
            "d.csv": b"<?xml version='1.0'?><a/>",
            "e.txt": b"<script>alert(1)</script>",
        }.items():
            with self.subTest(name):
                self.assertEqual(self.refusal(data, name).code, "markup")

    def test_markup_before_the_pdf_header_is_refused(self) -> None:
        data = b"<html><script>alert(1)</script>" + samples.pdf(self.folder).read_bytes()
        self.assertEqual(self.refusal(data, "poliglota.pdf").code, "markup")


class HostileNameTests(DetectTestCase):
    def test_display_name_keeps_only_a_clean_base_name(self) -> None:
        long_name = "a" * 300 + ".pdf"
        cases = {
            "../../settings.py": "settings.py",
            "a\\..\\b.pdf": "b.pdf",
            "acta\x00.pdf": "acta.pdf",
            "evil\u202efdp.exe": "evilfdp.exe",
            "zero\u200bwidth\u2066.pdf": "zerowidth.pdf",
            "line\nbreak.pdf": "linebreak.pdf",
            "  espacios   dobles .pdf ": "espacios dobles .pdf",
            "": "unnamed file",
            "../": "unnamed file",
        }
        for raw, clean in cases.items():
            with self.subTest(raw):
                self.assertEqual(display_name(raw), clean)
        shown = display_name(long_name)
        self.assertEqual(len(shown), 120)
        self.assertTrue(shown.endswith("….pdf"))

    def test_detect_uses_only_the_final_extension_and_shows_the_clean_name(self) -> None:
        pdf = samples.pdf(self.folder).read_bytes()
        self.assertEqual(self.detect_bytes(pdf, "../../informe.pdf"), FileType.PDF)
        self.assertEqual(self.detect_bytes(pdf, "evil.html\x00.pdf"), FileType.PDF)
        refusal = self.refusal(pdf, "../../evil\u202efdp.exe")
        self.assertEqual(refusal.code, "extension")
        self.assertIn("evilfdp.exe", refusal.message)
        self.assertNotIn("\u202e", refusal.message)
        self.assertNotIn("../", refusal.message)
        self.assertEqual(filetypes.extension("x/y.tar.GZ"), ".gz")
        self.assertEqual(filetypes.extension("a.pdf/"), "")
