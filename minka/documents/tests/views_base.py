"""Shared by the repository's view tests: a test case with a media folder of its own per
class, uploads through the form, and the files stored."""

from __future__ import annotations

import io
import shutil
import tempfile
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from minka.core.tests.base import RoleTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


METADATA = {"kind": "report", "language": "es", "license": "cc-by-4.0", "visibility": "members"}


class RepositoryTestCase(RoleTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        # A storage of its own for each class, so that counting stored files is exact.
        folder = tempfile.mkdtemp(prefix="minka-media-")
        cls.addClassCleanup(shutil.rmtree, folder, ignore_errors=True)
        media = override_settings(MEDIA_ROOT=folder)
        media.enable()
        cls.addClassCleanup(media.disable)
        super().setUpClass()

    def post_upload(self, persona: str, files: list[SimpleUploadedFile], **data: Any) -> Response:
        client = self.as_(persona)
        with self.captureOnCommitCallbacks(execute=True):
            response: Response = client.post(
                reverse("documents:upload"), {**METADATA, **data, "uploads": files}
            )
        return response

    def stored_files(self) -> set[str]:
        try:
            _dirs, names = default_storage.listdir("documents")
        except FileNotFoundError:
            return set()
        found = set()
        for folder in _dirs:
            found.update(default_storage.listdir(f"documents/{folder}")[1])
        return found | set(names)
