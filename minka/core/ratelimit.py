"""A fixed-window rate limit on the shared cache (Redis at scale), for pages that cost work.

refused = ratelimit.refuse_over_limit(request, "search", limit=60, window=60)
if refused is not None:
    return refused
"""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.shortcuts import render

from minka.core import request_context

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from minka.core.types import Actor


def client_key(request: HttpRequest) -> str:
    """The account for signed-in users, else the client address (hashed: no address in keys)."""
    user: Actor = request.user
    if getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    address = request_context.current.get().ip_address or request.META.get("REMOTE_ADDR", "")
    return "ip:" + hashlib.sha256(str(address).encode()).hexdigest()[:24]


def hit(scope: str, key: str, *, limit: int, window: int) -> int:
    """Count one request; return 0 when allowed, else the seconds until the window ends."""
    now = int(time.time())
    start = now - now % window
    cache_key = f"ratelimit:{scope}:{key}:{start}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # Expired between add and incr: a new window.
        cache.add(cache_key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return max(1, start + window - now)
    return 0


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def refuse_over_limit(
    request: HttpRequest, scope: str, *, limit: int, window: int
) -> HttpResponse | None:
    """Count one request of :func:`client_key` in ``scope``: ``None`` while it is within
    ``limit`` per ``window`` seconds, else the 429 page to answer with."""
    retry_after = hit(scope, client_key(request), limit=limit, window=window)
    return too_many_requests(request, retry_after) if retry_after else None
