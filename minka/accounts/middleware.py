"""Account middleware: the user's language, and two factors for privileged roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from minka.accounts.permissions import requires_two_factor

Handler = Callable[[HttpRequest], HttpResponse]

# The page a coordinator was on when sent to set up the second factor.
TWO_FACTOR_NEXT_SESSION_KEY = "minka_two_factor_next"

# Views a coordinator without a second factor may still use: setting one up, and leaving.
_TWO_FACTOR_EXEMPT = {
    "account_logout",
    "account_reauthenticate",
    "accounts:set-language",
    "healthz",
    "core:healthz",
    "core:privacy",
    "core:accessibility",
}


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """Remember ``language`` in the browser, as Django's own language switch does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )


class UserLanguageMiddleware:
    """Use the signed-in user's preferred language when the browser has no language cookie."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        preferred = ""
        if request.user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            preferred = getattr(request.user, "language", "")
            if preferred:
                translation.activate(preferred)
                request.LANGUAGE_CODE = preferred
        response = self.get_response(request)
        if preferred:
            set_language_cookie(response, preferred)
        return response


class RequireTwoFactorMiddleware:
    """Send coordinators and admins without a TOTP authenticator to set one up first,
    remembering the page they asked for (the recovery codes' "Continue" leads back to it)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not requires_two_factor(request.user):
            return None
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if name in _TWO_FACTOR_EXEMPT or name.startswith("mfa_"):
            return None
        if Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
            return None
        if request.method == "GET" and "HX-Request" not in request.headers:
            request.session[TWO_FACTOR_NEXT_SESSION_KEY] = request.get_full_path()
        messages.warning(
            request, _("Your role requires two-factor authentication. Set it up to continue.")
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))


def two_factor_next_pop(request: HttpRequest) -> str:
    """Where to go once the second factor is set up: the page the person was sent away from
    by :class:`RequireTwoFactorMiddleware` (asked once: it is forgotten here), or their
    account page."""
    destination = request.session.pop(TWO_FACTOR_NEXT_SESSION_KEY, "")
    if isinstance(destination, str) and url_has_allowed_host_and_scheme(
        destination, {request.get_host()}, require_https=request.is_secure()
    ):
        return destination
    return reverse("accounts:preferences")
