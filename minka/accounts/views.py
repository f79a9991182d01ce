"""Views of the accounts app: invitations, preferences and the language switch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from minka.accounts import selectors, services
from minka.accounts.forms import InvitationForm, PreferencesForm
from minka.accounts.middleware import set_language_cookie
from minka.accounts.models import Invitation
from minka.core.decorators import role_required
from minka.core.roles import Role

if TYPE_CHECKING:
    from minka.core.http import AuthenticatedHttpRequest, HtmxHttpRequest


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def invitation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List invitations and send a new one (coordinators and admins)."""
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("accounts:invitation-list")
    status = 400 if request.method == "POST" else 200
    invitations = selectors.invitation_list()[:200]
    return render(
        request,
        "accounts/invitation_list.html",
        {"form": form, "invitations": invitations, "valid_days": settings.INVITATION_VALID_DAYS},
        status=status,
    )


@require_GET
@role_required(Role.ADMIN)
def access_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who holds which role, granted by whom and when, last sign-in and second factor."""
    return render(
        request, "accounts/access_review.html", {"users": selectors.access_review_list()[:500]}
    )


@require_POST
@role_required(Role.COORDINATOR)
def invitation_revoke(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation, public_id=public_id)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation was withdrawn."))
    return redirect("accounts:invitation-list")


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """Show an invitation; a signed-in user with the invited address accepts it by POST."""
    invitation = selectors.invitation_get_by_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    error = ""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect("account_login")
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Welcome! You now represent %(organization)s in the network.")
                % {"organization": invitation.organization.name},
            )
            if invitation.person_id is not None:
                # A record added by the coordination team: the person decides what it shows.
                messages.info(request, _("Choose what the directory shows about you."))
                return redirect("directory:mydata")
            return redirect("core:home")
    elif invitation.status == Invitation.Status.PENDING and not request.user.is_authenticated:
        # The link proves the mailbox: a sign-up with this address needs no second check.
        from allauth.account.adapter import get_adapter

        get_adapter(request).stash_verified_email(request, invitation.email)
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "error": error, "token": token},
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreferencesForm(
        request.POST if request.method == "POST" else None, instance=request.user
    )
    if request.method == "POST" and form.is_valid():
        user = services.user_update_preferences(user=request.user, data=form.cleaned_data)
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
