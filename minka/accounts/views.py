"""Views of the accounts app: preferences, the access review and the language switch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from minka.accounts import permissions, selectors, services
from minka.accounts.forms import PreferencesForm
from minka.accounts.middleware import set_language_cookie
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


@require_POST
def set_language(request: HtmxHttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice for a signed-in user."""
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
