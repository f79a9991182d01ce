"""Views of the accounts app: preferences, the access review, the language switch and
allauth's recovery-codes page with a way on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from minka.accounts import permissions, selectors, services
from minka.accounts.forms import PreferencesForm
from minka.accounts.middleware import set_language_cookie, two_factor_next_pop
from minka.core.decorators import permission_required
from minka.core.inputs import typed_input

if TYPE_CHECKING:
    from minka.core.http import AuthenticatedHttpRequest, HtmxHttpRequest


@require_GET
@permission_required(permissions.can_review_access)
def access_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who holds which role, granted by whom and when, last sign-in and second factor."""
    return render(
        request, "accounts/access_review.html", {"users": selectors.access_review_list()[:500]}
    )


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreferencesForm(
        request.POST if request.method == "POST" else None, instance=request.user
    )
    if request.method == "POST" and form.is_valid():
        user = services.user_update_preferences(
            user=request.user, data=typed_input(services.PreferencesData, form.cleaned_data)
        )
        messages.success(request, _("Your preferences were saved."))
        response = redirect("accounts:preferences")
        if user.language:
            set_language_cookie(response, user.language)
        return response
    return render(
        request,
        "accounts/preferences.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@csrf_exempt
@require_POST
def set_language(request: HtmxHttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice for a signed-in user.

    A visitor's switch posts without a CSRF token, so that public pages need no CSRF cookie
    (and can be cached): for them the switch only sets the language cookie, which a forged
    post could at worst flip back and forth. A signed-in user's choice is saved to their
    account, so their switch carries the token and is checked here.
    """
    if request.user.is_authenticated:
        return _set_language_checked(request)
    return _set_language(request)


def _set_language(request: HtmxHttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if language not in {"es", "en"}:
        messages.error(request, _("Unknown language."))
        next_url = request.POST.get("next", "/")
        if not url_has_allowed_host_and_scheme(
            next_url, {request.get_host()}, require_https=request.is_secure()
        ):
            next_url = "/"
        return HttpResponseRedirect(next_url)
    if request.user.is_authenticated:
        services.user_update_preferences(user=request.user, data={"language": language})
    return django_set_language(request)


_set_language_checked = csrf_protect(_set_language)


# Ignored type error: allauth publishes no types: its base class is Any.
class RecoveryCodesView(ViewRecoveryCodesView):  # type: ignore[misc]
    """allauth's recovery-codes page (sign-in required, codes shown to their owner only), with a
    "Continue" link to where the person was going before the set-up, or to their account."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["continue_url"] = two_factor_next_pop(self.request)
        return context


recovery_codes = RecoveryCodesView.as_view()
