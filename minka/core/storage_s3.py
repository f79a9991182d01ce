"""S3-compatible storage for private files (``MINKA_STORAGE=s3``).

Apart from :mod:`minka.core.storage` so that boto3 and django-storages (about 20 MB in every
process) are imported only where S3 is configured: ``STORAGES`` names this module then.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from storages.backends.s3 import S3Storage

from minka.core.storage import MAX_SIGNED_URL_SECONDS, PRIVATE_CACHE, _passive_type


# Ignored type error: django-storages publishes no types: its base class is Any.
class PrivateS3Storage(S3Storage):  # type: ignore[misc]
    """S3-compatible storage for private files: never public, never overwritten.

    Objects get no ACL (the bucket's default, private), names already taken get a new
    suffix instead of being replaced, and URLs are always signed and short-lived. The
    object metadata is a second line of defence for anyone who reaches an object without
    going through :func:`file_response`: ``attachment``, ``no-store``, and a type taken from
    the generated name (never from the uploader's browser), with script-capable types
    stored as an opaque type.
    """

    default_acl = None
    file_overwrite = False
    # Signature Version 4 everywhere, presigned URLs included (botocore would sign those
    # with the deprecated version 2, whose expiry is a timestamp of the client's choosing).
    signature_version = "s3v4"
    querystring_auth = True
    querystring_expire = MAX_SIGNED_URL_SECONDS

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        if self.default_acl not in (None, "private"):
            raise ImproperlyConfigured("PrivateS3Storage never stores public objects.")
        if self.file_overwrite:
            raise ImproperlyConfigured("PrivateS3Storage never overwrites objects.")
        if not self.querystring_auth or self.custom_domain:
            raise ImproperlyConfigured("PrivateS3Storage hands out signed URLs only.")
        self.querystring_expire = min(int(self.querystring_expire), MAX_SIGNED_URL_SECONDS)

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        params: dict[str, Any] = super().get_object_parameters(name)
        guessed, _encoding = mimetypes.guess_type(name)
        params.setdefault("ContentType", _passive_type(guessed))
        params.setdefault("ContentDisposition", "attachment")
        params.setdefault("CacheControl", PRIVATE_CACHE)
        return params
