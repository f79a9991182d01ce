"""Invitations to represent a member organization: the coordinators' list, withdrawing one,
and the page the emailed link opens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from minka.core.decorators import permission_required
from minka.directory import permissions, selectors, services
from minka.directory.forms.invitations import InvitationForm
from minka.directory.models import Invitation

if TYPE_CHECKING:
    from django.http import HttpResponse

    from minka.core.http import AuthenticatedHttpRequest, HtmxHttpRequest


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_invitations)
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
            return redirect("directory:invitation-list")
    status = 400 if request.method == "POST" else 200
    invitations = selectors.invitation_list()[:200]
    return render(
        request,
        "directory/invitation_list.html",
        {"form": form, "invitations": invitations, "valid_days": settings.INVITATION_VALID_DAYS},
        status=status,
    )


@require_POST
@permission_required(permissions.can_manage_invitations)
def invitation_revoke(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation, public_id=public_id)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation was withdrawn."))
    return redirect("directory:invitation-list")


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """Show an invitation; a signed-in user with the invited address accepts it by POST."""
    invitation = selectors.invitation_get_by_token(token)
    if invitation is None:
        return render(request, "directory/invitation_invalid.html", status=404)
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
            return redirect("site:home")
    elif invitation.status == Invitation.Status.PENDING and not request.user.is_authenticated:
        # The link proves the mailbox: a sign-up with this address needs no second check.
        from allauth.account.adapter import get_adapter

        get_adapter(request).stash_verified_email(request, invitation.email)
    return render(
        request,
        "directory/invitation_accept.html",
        {"invitation": invitation, "error": error, "token": token},
        status=400 if error else 200,
    )
