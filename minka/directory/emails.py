"""The directory's emails, rendered in the task worker (see :mod:`minka.core.emails`), and
the retention of the one address kept to send them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse

from minka.core.emails import Email, email_builder, email_render
from minka.core.retention import register_purger
from minka.core.urls_util import absolute_url
from minka.directory.models import DataRequest, Invitation
from minka.directory.services.invitations import invitation_link_issue


@email_builder("directory.invitation")
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
    token = invitation_link_issue(invitation=found)
    return email_render(
        template_prefix="directory/emails/invitation",
        to=found.email,
        context={
            "invitation": found,
            "inviter": found.invited_by,
            "accept_url": absolute_url(reverse("directory:invitation-accept", args=[token])),
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
    )


@email_builder("directory.datarequest_answer")
def datarequest_answer(*, request_id: int) -> Email | None:
    """The answer to a closed data-rights request, to the person's address (or, after a
    cancellation, to the address kept for this last email, forgotten once it is sent)."""
    data_request = (
        DataRequest.objects.select_related("person__user")
        .filter(pk=request_id, closed_at__isnull=False)
        .first()
    )
    if data_request is None:
        return None
    person = data_request.person
    to = data_request.reply_to or (person.user.email if person.user else person.email)
    if not to:
        return None
    email = email_render(
        template_prefix="directory/emails/datarequest_answer",
        to=to,
        context={"data_request": data_request, "mydata_url": reverse("directory:mydata")},
    )
    if data_request.reply_to:
        email.after_send = lambda: _forget_reply_to(data_request.pk)
    return email


def _forget_reply_to(request_id: int) -> None:
    DataRequest.objects.filter(pk=request_id).update(reply_to="")


@register_purger
def reply_to_purge(now: datetime) -> dict[str, int]:
    """An answer that could not be sent within the failed tasks' retention is not sent:
    the address kept for it is forgotten then."""
    limit = now - timedelta(days=settings.TASK_FAILED_RETENTION_DAYS)
    cleared = (
        DataRequest.objects.exclude(reply_to="").filter(closed_at__lt=limit).update(reply_to="")
    )
    return {"addresses kept for a last answer": cleared}
