"""Cross-cutting middleware: request ids, session clocks and cache headers."""

from __future__ import annotations

import contextlib
import ipaddress
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from minka.core import pagecache, request_context
from minka.core.roles import Role, role_of

Handler = Callable[[HttpRequest], HttpResponse]


class ProxyClientAddressMiddleware:
    """Behind the reverse proxy (``MINKA_BEHIND_PROXY``), take the visitor's address from the
    last entry of ``X-Forwarded-For`` (what the proxy saw; deploy/nginx.conf sets it, it does
    not append) into ``REMOTE_ADDR``, so that the per-address rate limits (Minka's and
    allauth's) and the audit log see the visitor, not the proxy's 127.0.0.1 shared by all.
    Only installed behind the proxy: the app server must then be reachable by it alone."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        # No header, or not an address: the connection's address stays.
        with contextlib.suppress(ValueError):
            request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(forwarded))
        return self.get_response(request)


class RequestIdMiddleware:
    """Give every request an id (logs, audit entries and the ``X-Request-ID`` header)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        token = request_context.current.set(
            request_context.RequestContext(
                request_id=request_id, ip_address=request.META.get("REMOTE_ADDR") or None
            )
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.current.reset(token)
        response["X-Request-ID"] = request_id
        return response


class MethodAllowlistMiddleware:
    """Answer 405 to any method but GET, HEAD and POST on the HTML site.

    Browsers only send those from pages and forms; refusing the rest up front keeps
    third-party views (which may treat PUT like POST) from offering a second way in.
    The REST API, when it comes, lives under ``/api/`` and is exempt.
    """

    ALLOWED = frozenset({"GET", "HEAD", "POST"})

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in self.ALLOWED and not request.path.startswith("/api/"):
            return HttpResponseNotAllowed(sorted(self.ALLOWED))
        return self.get_response(request)


class SpanishFirstLocaleMiddleware(LocaleMiddleware):
    """Spanish unless the person chose otherwise (the language cookie).

    Django's own middleware would follow the browser's Accept-Language, so a phone set to
    English would get English pages; the network works in Spanish, and English is a choice.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # Django's adds "Vary: Accept-Language"; here the language comes from the cookie
        # alone (so "Vary: Cookie" is what caches need), and varying on a header that does
        # not change the page would split a shared cache per browser language for nothing.
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class SessionTimeoutMiddleware:
    """Enforce an idle clock and an absolute clock on every session.

    ``SESSION_COOKIE_AGE`` alone is a single clock that each request renews; this middleware
    keeps the login time and the last activity in the session, and logs the user out when
    either limit passes. Coordinators and admins get shorter limits.
    """

    LOGIN_KEY = "minka_login_at"
    ACTIVITY_KEY = "minka_active_at"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            privileged = role_of(request.user) >= Role.COORDINATOR
            idle_limit = (
                settings.PRIVILEGED_SESSION_IDLE_SECONDS
                if privileged
                else settings.SESSION_IDLE_SECONDS
            )
            max_age = (
                settings.PRIVILEGED_SESSION_MAX_SECONDS
                if privileged
                else settings.SESSION_COOKIE_AGE
            )
            login_at = int(request.session.setdefault(self.LOGIN_KEY, now))
            active_at = int(request.session.get(self.ACTIVITY_KEY, now))
            if now - active_at > idle_limit or now - login_at > max_age:
                logout(request)
                messages.info(request, _("Your session expired. Please sign in again."))
            elif now - active_at >= 60 or self.ACTIVITY_KEY not in request.session:
                # Write at most once a minute, to keep session saves cheap.
                request.session[self.ACTIVITY_KEY] = now
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Say who may keep a page: anyone for a visitor's public page, only the browser otherwise.

    A page is *shareable* (``Cache-Control: public, max-age=60``, ``Vary: Cookie, HX-Request``,
    and stored by :mod:`minka.core.pagecache`) when it answers a visitor's plain ``GET`` or
    ``HEAD`` with 200 and HTML, and nothing in it belongs to one person: no session cookie came
    in and no session was started, no message was queued or shown, no CSRF token was put in
    the page, no cookie is set, and the view chose no ``Cache-Control`` of its own. Any other
    page that touched the session is ``private`` (with ``Vary: Cookie``), and ``no-store`` for
    a signed-in user. The logout also clears the browser's cache and storage.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _is_shareable(request, response):
            patch_vary_headers(response, ["Cookie", "HX-Request"])
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
            setattr(request, pagecache.SHAREABLE_ATTR, True)
        elif getattr(request, "session", None) is not None and request.session.accessed:
            patch_vary_headers(response, ["Cookie"])
            patch_cache_control(response, private=True)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True)
        match = request.resolver_match
        if request.method == "POST" and match is not None and match.url_name == "account_logout":
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response


# Seconds a browser or a shared cache may keep a public page without asking again.
PUBLIC_MAX_AGE = 60


def _is_shareable(request: HttpRequest, response: HttpResponse) -> bool:
    if not pagecache.is_cacheable_request(request) or response.status_code != 200:
        return False
    if response.has_header("Cache-Control") or response.cookies or response.streaming:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # a form's token was put in the page
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and (getattr(storage, "added_new", False) or storage.used):
        return False
    return not request.user.is_authenticated
