"""Every accepted type end to end, through the upload page: upload → background task (text,
page count, preview in a sandboxed child process) → searchable without accents. Hostile files
that pass the upload checks fail alone, in their own version, with a reason; the others in
the same upload are processed normally."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from minka import search
from minka.core.tests.base import RoleTestCase
from minka.documents.models import Document, Version
from minka.files.tests import samples

METADATA = {"kind": "report", "language": "es", "license": "cc-by-4.0", "visibility": "members"}


class PipelineTestCase(RoleTestCase):
    folder: Path

    @classmethod
    def setUpClass(cls) -> None:
        cls.folder = Path(tempfile.mkdtemp(prefix="minka-samples-"))
        cls.addClassCleanup(shutil.rmtree, cls.folder, ignore_errors=True)
        super().setUpClass()

    def upload(self, *paths: Path) -> Any:
        files = [SimpleUploadedFile(path.name, path.read_bytes()) for path in paths]
        client = self.as_("coord")
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("documents:upload"), {**METADATA, "uploads": files})
        self.assertIn(response.status_code, (302, 200), response.content[:2000])
        return response

    def version(self, name: str) -> Version:
        return Version.objects.select_related("document").get(original_name=name)


@override_settings(LANGUAGE_CODE="en")
class EveryTypeTests(PipelineTestCase):
    def test_office_pdf_and_text_formats_become_searchable(self) -> None:
        folder = self.folder
        paths = [
            samples.pdf(folder),
            samples.pptx(folder),
            samples.docx(folder),
            samples.xlsx(folder),
            samples.odt(folder),
            samples.odp(folder),
            samples.ods(folder),
            samples.text(folder, "notas.txt"),
            samples.text(folder, "tabla.csv"),
            samples.text(folder, "resumen.md"),
        ]
        self.upload(*paths)
        self.assertEqual(Document.objects.count(), len(paths))
        for path in paths:
            with self.subTest(file=path.name):
                version = self.version(path.name)
                self.assertEqual(version.status, Version.Status.DONE, version.detail)
                self.assertIn("Red Dorsal Nacional", version.text)
                self.assertEqual(version.file_type, path.suffix.lstrip("."))
        self.assertEqual(self.version("informe.pdf").page_count, 3)
        self.assertEqual(self.version("presentacion.pptx").page_count, 3)
        self.assertTrue(self.version("informe.pdf").preview)
        # Without accents, by a member; the visitor finds nothing (members only).
        found = search.search("fibra optica selva", user=self.mem_b)
        self.assertEqual(found.total, len(paths))
        self.assertEqual(search.search("fibra optica", user=AnonymousUser()).total, 0)

    def test_images_are_kept_with_a_preview_and_no_text(self) -> None:
        self.upload(samples.png(self.folder), samples.jpeg(self.folder))
        for name in ("foto.png", "foto.jpg"):
            version = self.version(name)
            self.assertEqual(version.status, Version.Status.DONE)
            self.assertEqual(version.reason, "no_text")
            self.assertTrue(version.preview)
            page = self.as_("coord").get(version.document.get_absolute_url())
            self.assertContains(page, "vista-previa.png")
            preview = self.as_("coord").get(
                reverse(
                    "documents:version-preview",
                    args=[version.document.public_id, version.number],
                )
            )
            self.assertEqual(preview["Content-Type"], "image/png")

    @pytest.mark.slow
    def test_legacy_doc_and_ppt(self) -> None:
        """With LibreOffice (installed by .ci/run): converted and searchable. Without it:
        kept, marked "no text" with the reason."""
        doc, ppt = samples.legacy(self.folder, "doc"), samples.legacy(self.folder, "ppt")
        with override_settings(LIBREOFFICE="off"):
            self.upload(doc)
        version = self.version("muestra.doc")
        self.assertEqual(version.status, Version.Status.DONE)
        self.assertEqual(version.reason, "no_converter")
        page = self.as_("coord").get(version.document.get_absolute_url())
        self.assertContains(page, str(version.reason_text))
        self.assertTrue(shutil.which("soffice"), "LibreOffice is missing: .ci/run installs it")
        self.upload(ppt)
        converted = self.version("muestra.ppt")
        self.assertEqual(converted.status, Version.Status.DONE, converted.detail)
        self.assertIn("Red Dorsal Nacional", converted.text)


@override_settings(LANGUAGE_CODE="en")
class HostileFileTests(PipelineTestCase):
    def test_hostile_files_fail_alone_and_can_be_retried(self) -> None:
        good = samples.text(self.folder, "bueno.txt")
        hostile = [
            samples.pdf_encrypted(self.folder),
            samples.pdf_recursive(self.folder),
            samples.pdf_broken_xref(self.folder),
        ]
        self.upload(good, *hostile)
        self.assertEqual(self.version("bueno.txt").status, Version.Status.DONE)
        failed = Version.objects.filter(status=Version.Status.FAILED)
        encrypted = self.version(hostile[0].name)
        self.assertEqual(encrypted.status, Version.Status.FAILED)
        self.assertEqual(encrypted.reason, "encrypted")
        self.assertGreaterEqual(failed.count(), 1)
        for version in Version.objects.exclude(original_name="bueno.txt"):
            self.assertIn(version.status, (Version.Status.DONE, Version.Status.FAILED))
            if version.status == Version.Status.FAILED:
                self.assertTrue(version.reason_text)
        # The failure is shown to the coordinator with a way to retry.
        page = self.as_("coord").get(encrypted.document.get_absolute_url())
        self.assertContains(page, "Try again")
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("coord").post(
                reverse(
                    "documents:version-retry",
                    args=[encrypted.document.public_id, encrypted.number],
                )
            )
        encrypted.refresh_from_db()
        self.assertEqual(encrypted.status, Version.Status.FAILED)
        self.assertEqual(encrypted.attempts, 2)

    def test_archive_bombs_are_refused_at_upload(self) -> None:
        for path in (
            samples.zip_bomb(self.folder, "docx"),
            samples.many_entries(self.folder, "pptx"),
        ):
            with self.subTest(file=path.name):
                files = [SimpleUploadedFile(path.name, path.read_bytes())]
                response = self.as_("coord").post(
                    reverse("documents:upload"), {**METADATA, "uploads": files}
                )
                self.assertEqual(response.status_code, 400)
        self.assertEqual(Document.objects.count(), 0)

    def test_a_slow_extraction_is_stopped_at_the_time_limit(self) -> None:
        with override_settings(EXTRACTION_TIMEOUT=1):
            self.upload(samples.pdf_many_pages(self.folder))
        version = Version.objects.get()
        # Either it finished within a second (capped pages) or it was stopped: never stuck.
        self.assertIn(version.status, (Version.Status.DONE, Version.Status.FAILED))
        if version.status == Version.Status.FAILED:
            self.assertEqual(version.reason, "timeout")
