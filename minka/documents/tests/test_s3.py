"""The repository on S3-compatible object storage (a real SeaweedFS on 127.0.0.1): upload,
background extraction reading from the bucket, permission-checked downloads with the same
headers as on local disk, signed short-lived redirects, and no public object URL."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from minka import search
from minka.accounts.tests.factories import UserFactory
from minka.core.tests.s3server import s3_storages
from minka.documents import services
from minka.documents.models import Document, Version

if TYPE_CHECKING:
    from collections.abc import Iterator

    from minka.core.tests.s3server import S3Server

# A real S3-compatible server (SeaweedFS): slow, run in one CI stage only.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def on_s3(s3_server: S3Server) -> Iterator[S3Server]:
    with override_settings(STORAGES=s3_storages(s3_server)):
        yield s3_server


def _upload(visibility: str, name: str, content: bytes) -> Document:
    coordinator = UserFactory.create(role="coordinator")
    checked = services.check_file(SimpleUploadedFile(name, content))
    outcome = services.document_upload(
        actor=coordinator,
        files=[checked],
        data={"kind": "report", "language": "es", "license": "cc-by-4.0", "visibility": visibility},
    )
    return outcome.created[0]


def test_upload_extract_search_and_download_from_s3(on_s3: S3Server) -> None:
    document = _upload("public", "Informe Amazonía.txt", "Conectividad en la Amazonía".encode())
    version = Version.objects.get(document=document)
    # Stored in the bucket under its hash, processed by the task from there.
    assert type(default_storage._wrapped).__name__ == "PrivateS3Storage"  # type: ignore[attr-defined]
    assert default_storage.exists(version.file.name or "")
    assert version.status == Version.Status.DONE, version.detail
    assert "Amazonía" in version.text
    assert search.search("amazonia", user=AnonymousUser()).total == 1
    response = Client().get(version.get_download_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == "Conectividad en la Amazonía".encode()  # type: ignore[attr-defined]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


def test_private_documents_answer_404_and_the_bucket_is_not_public(on_s3: S3Server) -> None:
    document = _upload("members", "interno.txt", b"solo miembros")
    version = Version.objects.get(document=document)
    assert Client().get(version.get_download_url()).status_code == 404
    member = UserFactory.create(role="member")
    client = Client()
    client.force_login(member)
    assert client.get(version.get_download_url()).status_code == 200
    # The object itself, asked for without a signature, is refused by the server.
    url = f"{on_s3.endpoint_url}/{on_s3.bucket}/{version.file.name}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=5)  # noqa: S310 (a loopback test server)
    assert refused.value.code == 403


def test_signed_downloads_redirect_to_a_short_lived_url(on_s3: S3Server) -> None:
    document = _upload(
        "public", "presentacion.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    )
    version = Version.objects.get(document=document)
    with override_settings(S3_SIGNED_DOWNLOADS=True):
        response = Client().get(version.get_download_url())
        hidden = Client().get(
            Version.objects.get(document=_upload("members", "b.txt", b"x")).get_download_url()
        )
    assert hidden.status_code == 404  # the permission check comes before any signature
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    query = parse_qs(urlparse(response["Location"]).query)
    assert int(query["X-Amz-Expires"][0]) <= 300
    with urllib.request.urlopen(response["Location"], timeout=5) as fetched:  # noqa: S310
        assert fetched.read().startswith(b"%PDF-1.4")
        assert fetched.headers["Content-Type"] == "application/pdf"
        assert fetched.headers["Content-Disposition"].startswith("inline")
