"""Text extraction in the sandboxed worker (SECURITY.md 1.6, fault test F11).

Every format end to end, then hostile files: each must fail alone, with the right reason,
within the time and memory limits, and the seconds, CPU and peak memory it took are
checked (``-s`` prints them). Probes (``MINKA_EXTRACTION_PROBE``, honoured only under tests)
make the worker sleep, spin, allocate, connect, resolve, start a program or crash.
"""

from __future__ import annotations

import functools
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from django.test import SimpleTestCase, override_settings

from minka.documents import extraction
from minka.documents.extraction import REASONS, Extraction, extract, sandbox
from minka.documents.tests import samples

PHRASE = samples.PHRASE
PNG = b"\x89PNG\r\n\x1a\n"
LIMIT_MB = 1024  # the default EXTRACTION_MEMORY_MB


def preview_size(extraction: Extraction) -> tuple[int, int]:
    from PIL import Image

    assert extraction.preview is not None
    assert extraction.preview.startswith(PNG)
    with Image.open(io.BytesIO(extraction.preview)) as image:
        return image.size


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


@override_settings(LIBREOFFICE="off", EXTRACTION_TIMEOUT=30, EXTRACTION_MEMORY_MB=LIMIT_MB)
class ExtractionTestCase(SimpleTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory(prefix="minka-test-extraction-")
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def extract(
        self, path: Path, file_type: str, timeout: float | None = None, memory_mb: int | None = None
    ) -> Extraction:
        result = extract(path, file_type, timeout=timeout, memory_mb=memory_mb)
        print(  # noqa: T201 -- the figures F11 asks for, shown with ``pytest -s``.
            f"\n{path.name}: ok={result.ok} reason={result.reason!r} {result.seconds:.2f} s "
            f"cpu {result.cpu_seconds:.2f} s peak {result.peak_rss_mb:.0f} MB ({result.detail})"
        )
        self.assertLess(result.peak_rss_mb, LIMIT_MB)
        self.assertIn(result.reason, ["", *REASONS])
        return result

    def assert_fails_within(
        self, result: Extraction, reason: str, seconds: float, memory_mb: float = 300
    ) -> None:
        self.assertIs(result.ok, False)
        self.assertEqual(result.reason, reason, result.detail)
        self.assertEqual(result.pages, [])
        self.assertIsNone(result.preview)
        self.assertLess(result.seconds, seconds)
        self.assertLess(result.peak_rss_mb, memory_mb)


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
        self.assertIn(f"{PHRASE}\n{samples.SECOND}\nRegión\nCusco", text.pages[0])
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


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
@override_settings(LIBREOFFICE="")
class LibreOfficeTests(ExtractionTestCase):
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
        scoped = functools.partial(tempfile.TemporaryDirectory, dir=self.folder)
        with mock.patch("minka.documents.extraction.tempfile.TemporaryDirectory", scoped):
            slow = self.extract(samples.legacy(self.folder, "doc"), "doc", timeout=1.5)
        self.assert_fails_within(slow, "timeout", 3.5)
        self.assertEqual(processes_mentioning(str(self.folder)), [])


class ConfinementTests(ExtractionTestCase):
    def test_a_confined_converter_sees_no_network_and_no_hidden_folder(self) -> None:
        """Where namespaces work (they do on this project's machines), a converter cannot
        connect anywhere and the hidden folders look empty; the work folder stays visible."""
        if os.geteuid() == 0:  # as on CI: root can always create namespaces
            self.assertIs(extraction.confinement_available(), True)
        if not extraction.confinement_available():
            # Elsewhere it may be unavailable: then it must really not work.
            attempt = subprocess.run(  # noqa: S603
                sandbox.confined_command(["true"], hide=[]),
                cwd=self.folder,
                capture_output=True,
                check=False,
            )
            self.assertNotEqual(attempt.returncode, 0)
            return
        secret = self.folder / "secret"
        secret.mkdir()
        (secret / "key.txt").write_text("CANARY")
        work = self.folder / "work"
        work.mkdir()
        (work / "input.txt").write_text("visible")
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        self.addCleanup(server.close)
        port = server.getsockname()[1]
        script = (
            "import socket, sys, pathlib\n"
            f"print(pathlib.Path('{work}/input.txt').read_text())\n"
            f"print(pathlib.Path('{secret}/key.txt').exists())\n"
            "try:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
            "    print('connected')\n"
            "except OSError:\n"
            "    print('refused')\n"
        )
        command = sandbox.confined_command([sys.executable, "-c", script], hide=[str(secret)])
        done = subprocess.run(  # noqa: S603
            command, cwd=work, capture_output=True, text=True, timeout=30, check=False
        )
        self.assertEqual(done.stdout.split(), ["visible", "False", "refused"], done.stderr)

    def test_the_application_folders_are_hidden_but_not_the_converter(self) -> None:
        """Folders are resolved, deduplicated under their outermost hidden parent, and any
        folder holding the converter's installation stays visible."""
        project = Path(extraction.__file__).resolve().parents[3]
        hidden = sandbox.hidden_folders(
            [project, project / "minka", "/nonexistent"], keep=["/usr/lib/libreoffice/program"]
        )

        def covered(path: Path) -> bool:
            return any(path == Path(h) or Path(h) in path.parents for h in hidden)

        self.assertTrue(covered(project))
        self.assertTrue(covered(self.folder.resolve()))  # under /tmp
        self.assertNotIn(str(project / "minka"), hidden)  # covered by the project
        self.assertNotIn("/nonexistent", hidden)
        self.assertFalse(covered(Path("/usr/lib/libreoffice/program")))
        self.assertNotIn("/", hidden)
        self.assertNotIn("/opt", sandbox.hidden_folders([], keep=["/opt/libreoffice7.4/program"]))


class HostileFileTests(ExtractionTestCase):
    def test_an_encrypted_pdf_fails_as_encrypted(self) -> None:
        self.assert_fails_within(
            self.extract(samples.pdf_encrypted(self.folder), "pdf"), "encrypted", 5
        )

    def test_the_encrypted_sample_opens_with_its_password(self) -> None:
        """The sample is a real encrypted PDF, not a broken one."""
        import pypdfium2 as pdfium  # type: ignore[import-untyped]

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


@override_settings(TESTING=True)
class WorkerLimitTests(ExtractionTestCase):
    def probe(
        self, probe: str, timeout: float | None = None, memory_mb: int | None = None
    ) -> Extraction:
        with mock.patch.dict(os.environ, {"MINKA_EXTRACTION_PROBE": probe}):
            return self.extract(samples.text(self.folder), "txt", timeout, memory_mb)

    def test_a_worker_that_sleeps_is_killed_at_the_timeout(self) -> None:
        result = self.probe("sleep", timeout=1.0)
        self.assert_fails_within(result, "timeout", 2.5)
        self.assertGreaterEqual(result.seconds, 1.0)

    def test_a_worker_that_spins_is_killed_at_the_timeout(self) -> None:
        result = self.probe("spin", timeout=1.0)
        self.assert_fails_within(result, "timeout", 2.5)
        # It spent its time spinning, not sleeping (a sleeper uses ~0.01 s). On 2 cores
        # shared with two test workers it may get well under half of its wall time.
        self.assertGreater(result.cpu_seconds, 0.2)

    def test_a_worker_that_allocates_without_end_stops_at_the_memory_limit(self) -> None:
        result = self.probe("allocate", memory_mb=256)
        self.assert_fails_within(result, "memory", 5)

    def test_network_and_programs_are_refused_in_the_worker(self) -> None:
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.2)
        self.addCleanup(server.close)
        port = server.getsockname()[1]
        for probe in (f"connect:{port}", "resolve", "spawn"):
            with self.subTest(probe):
                result = self.probe(probe)
                self.assert_fails_within(result, "blocked", 5)
                self.assertIn("refused: ", result.detail)
        with self.assertRaises(TimeoutError):
            server.accept()

    def test_a_crash_fails_alone(self) -> None:
        self.assert_fails_within(self.probe("crash"), "corrupt", 5)
        self.assertIs(self.extract(samples.pdf(self.folder), "pdf").ok, True)

    @mock.patch.dict(os.environ, {"MINKA_SECRET_KEY": "CANARY-SECRET", "DATABASE_URL": "x://y"})
    def test_the_worker_sees_none_of_the_application_environment(self) -> None:
        result = self.probe("environment")
        self.assertIs(result.ok, True)
        names = result.detail.removeprefix("environment: ").split(",")
        self.assertNotIn("MINKA_SECRET_KEY", names)
        self.assertNotIn("DATABASE_URL", names)
        self.assertIn("PATH", names)

    @override_settings(TESTING=False)
    def test_probes_are_ignored_outside_tests(self) -> None:
        result = self.probe("sleep", timeout=5)
        self.assertIs(result.ok, True)
        self.assertIn(PHRASE, result.pages[0])


class ResultTrustTests(SimpleTestCase):
    def test_a_result_that_breaks_the_contract_is_not_trusted(self) -> None:
        """A worker taken over by a file could write anything: types, sizes, the reason
        and the preview's format are checked."""
        good: dict[str, object] = {
            "ok": True,
            "pages": ["hola"],
            "page_count": 1,
            "reason": "",
            "detail": "",
            "preview": True,
            "peak_rss_mb": 20.0,
        }
        cases: list[dict[str, object]] = [
            {"pages": "hola"},
            {"pages": [1]},
            {"page_count": -1},
            {"reason": "<script>"},
            {"ok": "yes"},
            {"pages": ["x"] * 2_001},
        ]
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder)
            (out / "preview.png").write_bytes(b"<html>not a png</html>")
            (out / "result.json").write_text(json.dumps(good))
            trusted = extraction._read_result(out)
            self.assertIs(trusted.ok, True)
            self.assertIsNone(trusted.preview)
            for change in cases:
                with self.subTest(change):
                    (out / "result.json").write_text(json.dumps(good | change))
                    result = extraction._read_result(out)
                    self.assertIs(result.ok, False)
                    self.assertEqual(result.reason, "corrupt")


class TypeTableTests(SimpleTestCase):
    def test_extraction_knows_exactly_the_accepted_types(self) -> None:
        from minka.documents.extraction import worker
        from minka.documents.filetypes import FileType

        values = {file_type.value for file_type in FileType}
        self.assertEqual(set(extraction._TYPES), values)
        self.assertEqual(set(worker.EXTRACTORS), values)
