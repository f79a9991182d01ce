"""A full disk during an upload (SECURITY.md F6; ``bench/faults.py F6`` on a real tmpfs):
a plain message, nothing half stored, no row."""

from __future__ import annotations

import errno
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.test import override_settings
from django.urls import reverse

from minka.documents.models import Document, Version
from minka.documents.tests.views_base import METADATA, RepositoryTestCase, upload


def _half_written(self: FileSystemStorage, name: str, content: object) -> str:
    """Write a few bytes, then fail as a full disk does."""
    path = Path(self.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"half")
    raise OSError(errno.ENOSPC, "No space left on device")


@override_settings(LANGUAGE_CODE="en")
class DiskFullTests(RepositoryTestCase):
    def test_a_full_disk_gives_a_clear_message_and_stores_nothing(self) -> None:
        with mock.patch.object(FileSystemStorage, "_save", _half_written):
            response = self.as_("mem_a").post(
                reverse("documents:upload"), {**METADATA, "uploads": [upload("a.txt", b"uno dos")]}
            )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "no space left to store a.txt", status_code=400)
        self.assertNotContains(response, "Traceback", status_code=400)
        self.assertEqual(Document.objects.count(), 0)
        self.assertEqual(Version.objects.count(), 0)
        stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
        self.assertEqual(stored, [], "the half-written file was removed")

    def test_other_storage_errors_are_not_disguised(self) -> None:
        def broken(self: FileSystemStorage, name: str, content: object) -> str:
            raise OSError(errno.EACCES, "Permission denied")

        client = self.as_("mem_a")
        client.raise_request_exception = True
        with (
            mock.patch.object(FileSystemStorage, "_save", broken),
            self.assertRaises(PermissionError),
        ):
            client.post(
                reverse("documents:upload"), {**METADATA, "uploads": [upload("a.txt", b"uno")]}
            )
