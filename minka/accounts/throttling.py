"""Per-account sign-in throttling that a stranger cannot turn into a lockout.

This follows OWASP's "device cookies" (Authentication Cheat Sheet, "Slow down online guessing
attacks with device cookies"). allauth keeps the per-address limit
(``ACCOUNT_RATE_LIMITS["login_failed"]``); this module adds the per-account one:

- A completed sign-in (after the second factor, where there is one) leaves a *device cookie*
  in the browser: signed, bound to the account's primary key and to a random device id.
- A browser that holds a valid device cookie of the account it signs in to is limited only by
  its own failures: ``LOGIN_DEVICE_FAILURES`` within ``LOGIN_FAILURE_WINDOW_SECONDS``.
- Every other browser shares the account's *untrusted* count: after ``LOGIN_ACCOUNT_FAILURES``
  failures within the window they are all refused for ``LOGIN_LOCKOUT_SECONDS``, twice as long
  at each new lockout, up to ``LOGIN_LOCKOUT_MAX_SECONDS``; the back-off is forgotten after a
  day without attempts.

So a stranger's wrong passwords slow down every browser but the owner's usual one. An attempt
counts when it starts, so that parallel guesses cannot slip past the limit, and is taken back
when the password is right, as allauth does for its own limits. Counters live in the cache,
under allauth's cache lock.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from allauth.account.utils import filter_users_by_email
from allauth.core.internal.ratelimit import cache_lock
from django.conf import settings
from django.core import signing
from django.core.cache import cache

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest, HttpResponseBase

DEVICE_COOKIE = "minka_device"
DEVICE_COOKIE_SALT = "minka.accounts.throttling.device"
# The back-off level is remembered this long after the last counted attempt.
BACKOFF_MEMORY_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt that was let through and counted in ``cache_key``."""

    cache_key: str
    limit: int
    started: float


def attempt_begin(request: HttpRequest, login: str) -> Attempt | None:
    """Count a password attempt for the account named ``login`` (its email address) and return
    it, or return ``None`` when this browser must wait: its device is over its own limit, or
    it has no device cookie of the account and the account is over the untrusted limit."""
    device = _trusted_device(request, login)
    if device is None:
        cache_key, limit = _cache_key("account", _normal(login)), settings.LOGIN_ACCOUNT_FAILURES
    else:
        cache_key, limit = _cache_key("device", device), settings.LOGIN_DEVICE_FAILURES
    now = time.time()
    with cache_lock(cache_key) as locked:
        if not locked:  # Busy with parallel attempts: refusing is the safe side.
            return None
        state = _load(cache_key, now)
        if state["locked_until"] > now:
            return None
        if len(state["failures"]) >= limit:  # Parallel attempts filled the window.
            _lock(state, now)
            _save(cache_key, state, now)
            return None
        state["failures"].append(now)
        _save(cache_key, state, now)
    return Attempt(cache_key=cache_key, limit=limit, started=now)


def attempt_succeeded(attempt: Attempt) -> None:
    """Take back a counted attempt whose password was right."""
    now = time.time()
    with cache_lock(attempt.cache_key) as locked:
        if locked:  # Otherwise the attempt stays counted: only stricter.
            state = _load(attempt.cache_key, now)
            if attempt.started in state["failures"]:
                state["failures"].remove(attempt.started)
                _save(attempt.cache_key, state, now)


def attempt_failed(attempt: Attempt) -> None:
    """Start the wait as soon as a failed attempt reaches the limit (it is counted already)."""
    now = time.time()
    with cache_lock(attempt.cache_key) as locked:
        if locked:  # Otherwise the next attempt finds the window full and starts the wait.
            state = _load(attempt.cache_key, now)
            if len(state["failures"]) >= attempt.limit and state["locked_until"] <= now:
                _lock(state, now)
                _save(attempt.cache_key, state, now)


def account_clear(login: str) -> None:
    """Forget the untrusted failures and waits of the account named ``login``: its owner has
    just proved control of the address by resetting the password."""
    cache_key = _cache_key("account", _normal(login))
    with cache_lock(cache_key) as locked:
        if locked:
            cache.delete(cache_key)


def device_cookie_name() -> str:
    """The device cookie's name: with HTTPS, ``__Host-`` (secure, whole site, no domain), as
    the session cookie, so that a sibling subdomain cannot plant one to shadow it."""
    return f"__Host-{DEVICE_COOKIE}" if settings.SESSION_COOKIE_SECURE else DEVICE_COOKIE


def device_cookie_set(response: HttpResponseBase, user: AbstractBaseUser) -> None:
    """Give the browser a new device cookie for ``user``, at a completed sign-in."""
    value = signing.dumps(
        {"user": user.pk, "device": secrets.token_urlsafe(16)}, salt=DEVICE_COOKIE_SALT
    )
    response.set_cookie(
        device_cookie_name(),
        value,
        max_age=settings.LOGIN_DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _normal(login: str) -> str:
    return login.strip().lower()


def _cache_key(scope: str, name: str) -> str:
    """The cache key of a count: the login is hashed, so that no address sits in the cache."""
    digest = hashlib.sha256(name.encode()).hexdigest()[:32]
    return f"login-throttle:{scope}:{digest}"


def _trusted_device(request: HttpRequest, login: str) -> str | None:
    """The device id of a valid device cookie issued for the account ``login`` names, else
    ``None``. Without a well-signed cookie no query is made."""
    value = request.COOKIES.get(device_cookie_name())
    if not value or not login:
        return None
    try:
        payload = signing.loads(
            value, salt=DEVICE_COOKIE_SALT, max_age=settings.LOGIN_DEVICE_COOKIE_AGE
        )
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("device"), str):
        return None
    user_pk = str(payload.get("user"))
    if not any(str(user.pk) == user_pk for user in filter_users_by_email(login)):
        return None
    return f"{user_pk}:{payload['device']}"


def _load(cache_key: str, now: float) -> dict[str, Any]:
    """The failures within the window, the end of the current wait and the back-off level."""
    state: dict[str, Any] = cache.get(cache_key) or {
        "failures": [],
        "locked_until": 0.0,
        "lockouts": 0,
    }
    since = now - settings.LOGIN_FAILURE_WINDOW_SECONDS
    state["failures"] = [started for started in state["failures"] if started > since]
    return state


def _lock(state: dict[str, Any], now: float) -> None:
    """Start a wait, twice as long as the previous one, and count afresh after it."""
    state["lockouts"] += 1
    seconds = settings.LOGIN_LOCKOUT_SECONDS * 2 ** min(state["lockouts"] - 1, 32)
    state["locked_until"] = now + min(seconds, settings.LOGIN_LOCKOUT_MAX_SECONDS)
    state["failures"] = []


def _save(cache_key: str, state: dict[str, Any], now: float) -> None:
    timeout = max(settings.LOGIN_FAILURE_WINDOW_SECONDS, state["locked_until"] - now)
    if state["lockouts"]:
        timeout = max(timeout, BACKOFF_MEMORY_SECONDS)
    cache.set(cache_key, state, timeout=int(timeout) + 1)
