"""Private file storage and the one way the project serves stored files.

Uploaded files are never served from ``MEDIA_URL``: every download view checks permissions
and then returns :func:`file_response`, which streams the file with safe headers from local
disk or from S3-compatible object storage (SECURITY.md 1.4 and 1.6). With
``MINKA_S3_SIGNED_DOWNLOADS`` the S3 path answers with a redirect to a short-lived signed URL
instead; the object store then sends the type and disposition fixed in the signature.
"""

from __future__ import annotations

import posixpath
import sys
import unicodedata
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect

if TYPE_CHECKING:
    from django.core.files.storage import Storage
    from django.db.models.fields.files import FieldFile
    from django.http import HttpRequest, HttpResponseBase

# Signed URLs never live longer than this (SECURITY.md 1.4).
MAX_SIGNED_URL_SECONDS = 300
# The only types a download may show inline: the browser renders them without running code.
INLINE_SAFE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})
# A per-file policy like Indico's get_safe_file_csp(), plus a sandbox: even a file that a
# browser decides to render cannot run scripts, submit forms or reach the site's origin.
FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
PRIVATE_CACHE = "private, no-store"
PUBLIC_CACHE = "private, max-age=300"
# Longest file name offered to the browser; longer names keep their extension.
MAX_FILENAME_LENGTH = 120
_STREAM_CHUNK = 64 * 1024
# Stored instead of a script-capable type. Not "application/octet-stream": SeaweedFS treats
# that as "no type" and guesses one from the name again (text/html for ".html").
OPAQUE_TYPE = "binary/octet-stream"
_ACTIVE_TYPE_WORDS = ("html", "xml", "javascript", "ecmascript", "svg")
# Unicode categories removed from offered names: controls (CR, LF, NUL), formats (bidi
# overrides such as U+202E, zero-width characters) and line/paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})


def _passive_type(content_type: str | None) -> str:
    """Return ``content_type`` unless a browser could run code from it."""
    lowered = (content_type or "").lower()
    if not lowered or any(word in lowered for word in _ACTIVE_TYPE_WORDS):
        return OPAQUE_TYPE
    return lowered


def clean_filename(name: str, *, default: str = "download") -> str:
    """Return the name a browser is offered: basename only, no control or bidi characters,
    no leading dots, at most ``MAX_FILENAME_LENGTH`` characters (the extension is kept)."""
    name = unicodedata.normalize("NFC", str(name))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char) not in _UNSAFE_CATEGORIES)
    name = name.strip().lstrip(".").strip()
    if not name:
        return default
    if len(name) > MAX_FILENAME_LENGTH:
        root, extension = posixpath.splitext(name)
        if len(extension) > 16:
            root, extension = name, ""
        name = root[: MAX_FILENAME_LENGTH - len(extension)].rstrip() + extension
    return name


def content_disposition(filename: str, *, inline: bool) -> str:
    """Build an RFC 6266 ``Content-Disposition``: an ASCII ``filename`` for old clients and
    ``filename*`` with the cleaned UTF-8 name (RFC 8187), which every current browser uses."""
    name = clean_filename(filename)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(
        char if char.isprintable() and char not in '"\\%;' else "_" for char in ascii_name
    ).strip()
    if not ascii_name.strip("._ "):
        ascii_name = "download" + posixpath.splitext(ascii_name)[1]
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(
    request: HttpRequest,
    field_file_or_name: FieldFile | str,
    *,
    storage: Storage | None = None,
    filename: str,
    content_type: str,
    inline: bool,
    public: bool = False,
) -> HttpResponseBase:
    """Serve a stored file after the caller has checked that the user may see it.

    ``field_file_or_name`` is a ``FieldFile`` (its storage is used) or a stored name (in
    ``storage``, by default the default storage). ``filename`` is the original name, shown
    cleaned; ``content_type`` is sent as given. ``inline`` is honoured only for PDF, PNG and
    JPEG; everything else is an attachment. Headers: ``nosniff``, a sandbox CSP (the CSP
    middleware leaves a header set by the view alone), ``Cache-Control: private, no-store``,
    or ``private, max-age=300`` when ``public`` (for files anyone may see, such as logos).
    HEAD answers the headers without reading the file; a missing file is a 404.

    On S3 with ``settings.S3_SIGNED_DOWNLOADS``, the answer is a 302 to a signed URL that
    expires within five minutes and fixes the type, disposition and cache headers S3 sends
    back; the browser must be able to reach the S3 endpoint. S3 cannot add ``nosniff`` or a
    CSP there, hence the fixed type, ``attachment`` default and passive object metadata.
    """
    if storage is None:
        storage = getattr(field_file_or_name, "storage", None) or default_storage
    name = field_file_or_name if isinstance(field_file_or_name, str) else field_file_or_name.name
    if not name:
        raise Http404
    inline = inline and content_type.split(";", 1)[0].strip().lower() in INLINE_SAFE_TYPES
    disposition = content_disposition(filename, inline=inline)
    cache_control = PUBLIC_CACHE if public else PRIVATE_CACHE
    is_s3 = _is_s3(storage)

    response: HttpResponseBase
    if is_s3 and settings.S3_SIGNED_DOWNLOADS:
        return _signed_redirect(
            storage, name, content_type=content_type, disposition=disposition, cache=cache_control
        )

    if request.method == "HEAD":
        response = HttpResponse(content_type=content_type)
        response["Content-Length"] = str(_size(storage, name))
    else:
        response = _stream(storage, name, content_type=content_type, s3=is_s3)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = cache_control
    return response


def _signed_redirect(
    storage: Any, name: str, *, content_type: str, disposition: str, cache: str
) -> HttpResponseRedirect:
    """Redirect to a signed S3 URL that fixes the headers S3 sends back."""
    if not storage.exists(name):
        raise Http404
    url = storage.url(
        name,
        parameters={
            "ResponseContentType": content_type,
            "ResponseContentDisposition": disposition,
            "ResponseCacheControl": cache,
        },
        expire=min(int(storage.querystring_expire), MAX_SIGNED_URL_SECONDS),
    )
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = PRIVATE_CACHE
    return response


def _is_s3(storage: Storage) -> bool:
    """Whether ``storage`` is django-storages' S3 backend. Without S3 configured the
    backend (and boto3, about 20 MB in every process) is never imported, so neither is it
    here: a storage cannot be an instance of a class nobody imported."""
    s3 = sys.modules.get("storages.backends.s3")
    return s3 is not None and isinstance(storage, s3.S3Storage)


def _is_missing_object(error: Exception) -> bool:
    """Whether ``error`` is botocore's answer for an object that does not exist."""
    botocore = sys.modules.get("botocore.exceptions")
    return botocore is not None and isinstance(error, botocore.ClientError) and _is_missing(error)


def _size(storage: Storage, name: str) -> int:
    try:
        return storage.size(name)
    except FileNotFoundError:
        raise Http404 from None
    except Exception as error:
        if _is_missing_object(error):
            raise Http404 from None
        raise


def _stream(storage: Storage, name: str, *, content_type: str, s3: bool) -> FileResponse:
    """Open the file for streaming. On S3 the object body is streamed as it arrives:
    ``storage.open()`` would first copy the whole object into memory."""
    try:
        if s3:
            from storages.utils import clean_name

            # Ignored type error: django-storages internals, untyped.
            key = storage._normalize_name(clean_name(name))  # type: ignore[attr-defined]
            # Ignored type error: django-storages internals, untyped.
            answer = storage.bucket.Object(key).get()  # type: ignore[attr-defined]
            response = FileResponse(answer["Body"], content_type=content_type)
            response["Content-Length"] = str(answer["ContentLength"])
        else:
            response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    except FileNotFoundError:
        raise Http404 from None
    except Exception as error:
        if _is_missing_object(error):
            raise Http404 from None
        raise
    response.block_size = _STREAM_CHUNK
    return response


def _is_missing(error: Any) -> bool:
    """Whether a botocore ``ClientError`` says that the object does not exist."""
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    code = error.response.get("Error", {}).get("Code")
    return bool(status == 404 or code in {"NoSuchKey", "NotFound", "404"})
