"""Shared by the extraction tests: a test case that extracts in the sandboxed worker and
prints the seconds, CPU and peak memory each file took (``-s`` shows them), and its checks."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.test import SimpleTestCase, override_settings

from minka.files.extraction import REASONS, Extraction, extract
from minka.files.tests import samples

PHRASE = samples.PHRASE
PNG = b"\x89PNG\r\n\x1a\n"
LIMIT_MB = 1024  # the default EXTRACTION_MEMORY_MB


def preview_size(extraction: Extraction) -> tuple[int, int]:
    from PIL import Image

    assert extraction.preview is not None
    assert extraction.preview.startswith(PNG)
    with Image.open(io.BytesIO(extraction.preview)) as image:
        return image.size


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
