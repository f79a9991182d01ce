"""The versioned privacy notice (Ley 29733): every form that collects personal data links it."""

from __future__ import annotations

import hashlib
from functools import cache

from django.template.loader import get_template

NOTICE_VERSION = "2026-12-05"
NOTICE_TEMPLATE = "core/privacy_notice.html"


@cache
def notice_hash() -> str:
    """Return the SHA-256 of the notice template, stored beside every consent."""
    template = get_template(NOTICE_TEMPLATE)
    # Ignored type error: the backend's template object is untyped.
    source = template.template.source  # type: ignore[attr-defined]
    return hashlib.sha256(source.encode()).hexdigest()
