"""The account's upload limit on the repository: ``documents:upload`` and
``documents:version-add`` share one count of POSTs an hour (``UPLOAD_RATE_LIMIT``, with an
agenda item's upload, see ``minka/meetings/tests/test_rate_limits.py``). Past it, the 429
page with ``Retry-After`` and nothing stored; showing the forms is free, and requests
refused before (302, 403, 404) keep their status without using the count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.documents.models import Document, Version
from minka.documents.tests.factories import DocumentFactory, add_version

if TYPE_CHECKING:
    from django.test import Client
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

UPLOAD = reverse("documents:upload")
METADATA = {"kind": "report", "language": "es", "license": "cc-by-4.0", "visibility": "members"}


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, f"Contenido de {name}".encode(), "application/octet-stream")


@override_settings(LANGUAGE_CODE="en", UPLOAD_RATE_LIMIT=3)
class UploadRateLimitTests(RoleTestCase):
    document: Document
    hidden: Document

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.document = DocumentFactory.create(
            title="Propuesta", visibility=Visibility.PUBLIC, uploaded_by=cls.mem_a
        )
        add_version(cls.document, content=b"version uno", uploaded_by=cls.mem_a)
        cls.hidden = DocumentFactory.create(title="Reservado", visibility="coordinators")
        add_version(cls.hidden, content=b"reservado", uploaded_by=cls.coord)

    def version_url(self, document: Document | None = None) -> str:
        return reverse("documents:version-add", args=[(document or self.document).public_id])

    def post_upload(self, client: Client, name: str) -> Response:
        with self.captureOnCommitCallbacks(execute=True):
            response: Response = client.post(UPLOAD, {**METADATA, "uploads": [upload(name)]})
        return response

    def post_version(self, client: Client, name: str, document: Document | None = None) -> Response:
        with self.captureOnCommitCallbacks(execute=True):
            response: Response = client.post(
                self.version_url(document), {"file": upload(name), "note": name}
            )
        return response

    def test_the_fourth_upload_in_an_hour_is_refused_and_stores_nothing(self) -> None:
        client = self.as_("mem_a")
        statuses = [
            self.post_upload(client, "uno.txt").status_code,
            client.post(UPLOAD, {}).status_code,  # an invalid form counts too
            self.post_upload(client, "dos.txt").status_code,
        ]
        documents, versions = Document.objects.count(), Version.objects.count()
        refused = self.post_upload(client, "tres.txt")
        self.assertEqual(statuses, [302, 400, 302])
        self.assertEqual(refused.status_code, 429)
        self.assertGreaterEqual(int(refused["Retry-After"]), 1)
        self.assertTemplateUsed(refused, "429.html")
        self.assertEqual((Document.objects.count(), Version.objects.count()), (documents, versions))
        self.assertFalse(Document.objects.filter(title__icontains="tres").exists())

    def test_a_new_version_shares_the_count(self) -> None:
        client = self.as_("mem_a")
        self.assertEqual(self.post_version(client, "v2.txt").status_code, 302)
        self.assertEqual(self.post_upload(client, "uno.txt").status_code, 302)
        self.assertEqual(client.post(self.version_url(), {}).status_code, 400)
        refused = self.post_version(client, "v3.txt")
        self.assertEqual(refused.status_code, 429)
        self.assertEqual(self.document.versions.count(), 2)
        self.assertEqual(self.post_upload(client, "dos.txt").status_code, 429)

    def test_showing_the_forms_does_not_count(self) -> None:
        client = self.as_("mem_a")
        for _ in range(5):
            self.assertEqual(client.get(UPLOAD).status_code, 200)
            self.assertEqual(client.get(self.version_url()).status_code, 200)
        self.assertEqual(self.post_upload(client, "uno.txt").status_code, 302)

    def test_another_account_is_not_affected(self) -> None:
        client = self.as_("mem_a")
        for _ in range(4):
            client.post(UPLOAD, {})
        self.assertEqual(client.post(UPLOAD, {}).status_code, 429)
        self.assertEqual(self.post_upload(self.as_("mem_b"), "otro.txt").status_code, 302)
        self.assertEqual(self.post_version(self.as_("coord"), "v2.txt").status_code, 302)

    def test_refused_roles_keep_their_status_and_do_not_count(self) -> None:
        for _ in range(4):
            self.assertEqual(self.post_upload(self.as_("anon"), "a.txt").status_code, 302)
            self.assertEqual(self.post_upload(self.as_("reg"), "a.txt").status_code, 403)
            self.assertEqual(self.post_version(self.as_("anon"), "a.txt").status_code, 302)
            self.assertEqual(self.post_version(self.as_("reg"), "a.txt").status_code, 403)
            # mem_b may upload, but not a version of mem_a's document nor of a hidden one.
            self.assertEqual(self.post_version(self.as_("mem_b"), "a.txt").status_code, 403)
            hidden = self.post_version(self.as_("mem_b"), "a.txt", self.hidden)
            self.assertEqual(hidden.status_code, 404)
        self.assertEqual(self.document.versions.count(), 1)
        self.assertEqual(self.post_upload(self.as_("mem_b"), "b.txt").status_code, 302)
        self.assertEqual(self.post_version(self.as_("mem_a"), "v2.txt").status_code, 302)
