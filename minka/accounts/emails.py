"""The accounts app's emails, rendered in the task worker (see :mod:`minka.core.emails`)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from minka.accounts import services
from minka.accounts.models import Invitation
from minka.core.emails import Email, email_builder, email_render
from minka.core.urls_util import absolute_url


@email_builder("accounts.invitation")
def invitation(*, invitation_id: int) -> Email | None:
    """The invitation to join an organization, with a link made now (nothing when the
    invitation was accepted, revoked or has expired in the meantime)."""
    found = (
        Invitation.objects.pending()
        .select_related("organization", "invited_by", "person")
        .filter(pk=invitation_id)
        .first()
    )
    if found is None:
        return None
    token = services.invitation_link_issue(invitation=found)
    return email_render(
        template_prefix="accounts/emails/invitation",
        to=found.email,
        context={
            "invitation": found,
            "inviter": found.invited_by,
            "accept_url": absolute_url(reverse("accounts:invitation-accept", args=[token])),
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
    )
