"""A server-side cache of rendered public pages, one copy per language.

What is stored: the full response to an anonymous ``GET`` (no session cookie, no messages
cookie, no ``Authorization`` header, not an htmx request) that :class:`minka.core.middleware.
PrivateCacheMiddleware` found shareable: status 200, HTML, no cookie set, no CSRF token used,
no ``Cache-Control`` chosen by the view. Those are the pages it marks ``Cache-Control: public``;
one rule decides both. ``GET`` and ``HEAD`` from such visitors are answered from the cache.

The key: language + scheme + host + full path with the query string + Minka's version + a
site-wide *content version*. Any write to the database (an ``INSERT``, ``UPDATE`` or ``DELETE``
seen by every connection's execute wrapper, so ``QuerySet.update()``, ``bulk_create`` and raw
SQL count as much as ``save()``) replaces the content version with a new random value once its
transaction commits, so every stored page becomes unreachable at once, in every process: the
version lives in the shared cache (``CACHES["pages"]``: the file cache, or Redis under its own
key prefix). Bookkeeping tables that no page shows (sessions, task results, the outbox, the
audit log) do not count. Writes no visitor can see (invitations and their answers, which only
members see counted; anything written inside :func:`unseen_by_visitors`, such as a members-only
document with its version and index entry) replace only the *data version*, which keys what
:func:`cached_until_next_write` keeps (members' figures among them), not the pages. Pages
that depend on the clock (upcoming against past meetings) are at most
``MINKA_PAGE_CACHE_SECONDS`` old; ``minka migrate`` also bumps the version.

A page read before a write and stored after it is stored under the old version, which nobody
asks for any more: the version is read when the request starts.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import connection as default_connection
from django.db import transaction
from django.http import HttpRequest, HttpResponse

import minka

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

Handler = Callable[[HttpRequest], HttpResponse]
T = TypeVar("T")

CACHE_ALIAS = "pages"
VERSION_KEY = "minka:pages:version"
# Replaced by every counted write, unseen ones included: what cached_until_next_write keeps
# may be members' figures, which a members-only write does change.
DATA_VERSION_KEY = "minka:data:version"
# Tables written for bookkeeping only: no page shows them, nothing cached depends on them.
UNWATCHED_TABLES = frozenset(
    {
        "django_session",
        "usersessions_usersession",
        "django_tasks_database_dbtaskresult",
        "notifications_message",
        "core_auditentry",
        "django_admin_log",
        "account_emailconfirmation",
        "mfa_authenticator",
    }
)
# Tables no visitor's page shows: invitations and their answers, counted for members only
# (meetings.permissions.can_view_attendees). Their writes change the data version only.
UNSEEN_TABLES = frozenset({"meetings_invitee"})
_WRITES = ("INSERT", "UPDATE", "DELETE")
# The table of a write, as Django writes them (SQLite's INSERT OR IGNORE included).
_TABLE = re.compile(
    r"""(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+[`"\[]?(\w+)""", re.IGNORECASE
)
# Set by PrivateCacheMiddleware on a request whose response may be shared.
SHAREABLE_ATTR = "minka_shareable"


_unseen = threading.local()


@contextmanager
def unseen_by_visitors() -> Iterator[None]:
    """Writes made inside this block do not replace the content version: the caller knows
    that they change nothing a visitor may see, such as a members-only document with its
    version and search entry (no visitor's page lists, counts or finds them). Writes of the
    same transaction outside the block still count. Never wrap a change of visibility, nor a
    write to something a visitor may see."""
    depth = getattr(_unseen, "depth", 0)
    _unseen.depth = depth + 1
    try:
        yield
    finally:
        _unseen.depth = depth


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def bump_version() -> None:
    """Make every stored page and every kept figure unreachable (called once a write has
    committed)."""
    _replace(VERSION_KEY, DATA_VERSION_KEY)


def bump_data_version() -> None:
    """Make the figures kept by :func:`cached_until_next_write` unreachable, not the pages
    (called once a write no visitor can see has committed)."""
    _replace(DATA_VERSION_KEY)


def _replace(*keys: str) -> None:
    try:
        caches[CACHE_ALIAS].set_many({key: uuid.uuid4().hex for key in keys}, None)
    except Exception:
        # The cache is down: pages cannot be read from it either (see current_version).
        logger.exception("page cache: the content version could not be replaced")


def current_version(key: str = VERSION_KEY) -> str | None:
    """The content version (or with ``key=DATA_VERSION_KEY`` the data version), created
    when missing (evicted, or never set)."""
    cache = caches[CACHE_ALIAS]
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return version if isinstance(version, str) else None


def cached_until_next_write(key: str, compute: Callable[[], T], timeout: int = 3600) -> T:
    """``compute()``, kept in the pages cache until the next committed write to the database.

    For figures that cost a scan of a large table but change only with the data (a list's
    filter choices): the key names the data version, so any write makes it unreachable,
    unseen ones included. With the page cache off (``MINKA_PAGE_CACHE_SECONDS=0``, as in the
    test suite), ``compute()`` runs every time.
    """
    return _cached(DATA_VERSION_KEY, "minka:data", key, compute, timeout)


def cached_for_visitors(request: HttpRequest, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` for a visitor, kept exactly as long as a visitor's page would be: per
    language and full path with the query string, until the next write a visitor could see,
    and at most ``MINKA_PAGE_CACHE_SECONDS``. For a signed-in user, ``compute()`` every time,
    neither read nor stored.

    For the part of a visitor's page that cannot be stored whole (the search page, whose
    every request counts against a rate limit): the caller makes sure that what ``compute()``
    returns depends only on the request's path and language and on what visitors may see.
    """
    if request.user.is_authenticated:
        return compute()
    key = f"{name}:{language_of(request)}:{_path_digest(request)}"
    return _cached(VERSION_KEY, "minka:visitors", key, compute, settings.PAGE_CACHE_SECONDS)


def _cached(version_key: str, prefix: str, key: str, compute: Callable[[], T], timeout: int) -> T:
    if not enabled():
        return compute()
    try:
        version = current_version(version_key)
        full_key = f"{prefix}:{minka.__version__}:{version}:{key}"
        cached = caches[CACHE_ALIAS].get(full_key) if version else None
    except Exception:
        logger.exception("page cache: read failed")
        return compute()
    if cached is not None:
        return cast("T", cached)
    value = compute()
    if version:
        try:
            caches[CACHE_ALIAS].set(full_key, value, timeout)
        except Exception:
            logger.exception("page cache: write failed")
    return value


def _on_commit_once(bump: Callable[[], None], connection: BaseDatabaseWrapper) -> None:
    # Once per transaction: a rolled-back savepoint drops the callback, so look each time.
    if connection.in_atomic_block and any(entry[1] is bump for entry in connection.run_on_commit):
        return
    transaction.on_commit(bump, using=connection.alias)


def watch_writes(
    execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """An execute wrapper: a counted write replaces the versions on commit, both of them,
    or the data version alone for a write no visitor can see."""
    result = execute(sql, params, many, context)
    table = None
    if isinstance(sql, str):  # composed SQL counts as a write, to be safe
        statement = sql.lstrip()
        if statement[:6].upper() not in _WRITES:
            return result
        match = _TABLE.match(statement)
        table = match.group(1).lower() if match else None
        if table in UNWATCHED_TABLES:
            return result
    unseen = getattr(_unseen, "depth", 0) or table in UNSEEN_TABLES
    _on_commit_once(bump_data_version if unseen else bump_version, context["connection"])
    return result


def install(*, connection: BaseDatabaseWrapper, **_: Any) -> None:
    """``connection_created`` receiver: watch the writes of every new connection."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def install_on_default() -> None:
    install(connection=default_connection)


def language_of(request: HttpRequest) -> str:
    """The page's language, as :class:`SpanishFirstLocaleMiddleware` will choose it."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def is_cacheable_request(request: HttpRequest) -> bool:
    """A visitor's plain GET or HEAD: no session, no pending messages, no credentials."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and "HTTP_HX_REQUEST" not in request.META
    )


def _path_digest(request: HttpRequest) -> str:
    """The full path with the query string, hashed (a key's length stays bounded)."""
    return hashlib.sha256(request.get_full_path().encode()).hexdigest()


def page_key(request: HttpRequest, *, host: str, version: str) -> str:
    path = _path_digest(request)
    scheme = "https" if request.is_secure() else "http"
    return f"minka:page:{minka.__version__}:{version}:{language_of(request)}:{scheme}:{host}:{path}"


class PageCacheMiddleware:
    """Answer a visitor's request for a public page from the cache, or store the page."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not enabled() or not is_cacheable_request(request):
            return self.get_response(request)
        try:
            host = request.get_host()
        except DisallowedHost:
            return self.get_response(request)  # CommonMiddleware answers 400
        cache = caches[CACHE_ALIAS]
        try:
            version = current_version()
            key = page_key(request, host=host, version=version) if version else None
            cached = cache.get(key) if key else None
        except Exception:
            logger.exception("page cache: read failed")
            return self.get_response(request)
        if isinstance(cached, HttpResponse):
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if (
            key is not None
            and request.method == "GET"
            and getattr(request, SHAREABLE_ATTR, False)
            and not response.streaming
            and not response.cookies
        ):
            response["X-Page-Cache"] = "miss"
            try:
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.exception("page cache: write failed")
        return response
