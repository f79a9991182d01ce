"""Absolute links from the configured base URL, never from the request's Host header."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path_or_url: str) -> str:
    """Return ``path_or_url`` as an absolute URL under ``settings.BASE_URL``.

    A full URL keeps only its path and query, so a forged ``Host`` header can never
    reach an email, a calendar or a message.
    """
    parts = urlsplit(path_or_url)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return f"{settings.BASE_URL}{path}"
