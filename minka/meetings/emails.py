"""The meetings app's emails, rendered in the task worker (see :mod:`minka.core.emails`)."""

from __future__ import annotations

from email.mime.text import MIMEText
from typing import Literal

from minka.core.emails import Email, email_builder, email_render
from minka.core.urls_util import absolute_url
from minka.meetings.ical import invitation_ics
from minka.meetings.models import Invitee
from minka.meetings.services.invitations import ANSWERS, rsvp_url

EMAIL_KINDS = ("invitation", "meeting_changed", "meeting_cancelled")


@email_builder("meetings.invitee")
def invitee_email(*, invitee_id: int, email_kind: str) -> Email | None:
    """An invitation, a change or a cancellation, to one invitee, as the meeting is now,
    with its iCalendar part (``METHOD:REQUEST`` or ``CANCEL``, as calendar programs expect:
    ``text/calendar; method=…``) and the signed RSVP links. Nothing when the invitation was
    withdrawn or the person has no address any more."""
    if email_kind not in EMAIL_KINDS:
        raise ValueError(f"Unknown meeting email {email_kind!r}.")
    invitee = (
        Invitee.objects.select_related("meeting__series", "person", "organization")
        .filter(pk=invitee_id)
        .first()
    )
    if invitee is None or not invitee.person.email:
        return None
    meeting = invitee.meeting
    method: Literal["REQUEST", "CANCEL"] = (
        "CANCEL" if email_kind == "meeting_cancelled" else "REQUEST"
    )
    email = email_render(
        template_prefix=f"meetings/emails/{email_kind}",
        to=invitee.person.email,
        context={
            "meeting": meeting,
            "invitee": invitee,
            "person": invitee.person,
            "meeting_url": absolute_url(meeting.get_absolute_url()),
            "rsvp_urls": {answer: rsvp_url(invitee, answer) for answer in ANSWERS},
            "rsvp_url": rsvp_url(invitee),
        },
    )
    ics = invitation_ics(meeting, method=method, invitee=invitee).decode()
    part = MIMEText(ics, "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invitacion.ics")
    email.attachments.append(part)
    return email


MINUTES_NOTICES = ("review",)


@email_builder("meetings.minutes_notice")
def minutes_notice(*, minutes_id: int, user_id: int, notice: str) -> Email | None:
    """The review request to one reviewer: the deadline and an absolute link. Nothing when
    the minutes left review meanwhile or the account may no longer read them."""
    from minka.accounts.models import User
    from minka.meetings.minutes.models import Minutes
    from minka.meetings.permissions import can_view_minutes

    if notice not in MINUTES_NOTICES:
        raise ValueError(f"Unknown minutes notice {notice!r}.")
    minutes = Minutes.objects.select_related("meeting").filter(pk=minutes_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if minutes is None or user is None or minutes.status != Minutes.Status.REVIEW:
        return None
    if not can_view_minutes(user, minutes):
        return None
    return email_render(
        template_prefix="meetings/emails/minutes_review",
        to=user.email,
        context={
            "minutes": minutes,
            "meeting": minutes.meeting,
            "name": user.full_name or user.email,
            "minutes_url": absolute_url(minutes.get_absolute_url()),
        },
    )


@email_builder("meetings.minutes_published")
def minutes_published(*, invitee_id: int) -> Email | None:
    """The publication notice to one invitee who may read the published minutes."""
    from minka.meetings.minutes.models import Minutes

    invitee = Invitee.objects.select_related("meeting", "person").filter(pk=invitee_id).first()
    if invitee is None or not invitee.person.email:
        return None
    minutes = Minutes.objects.filter(meeting=invitee.meeting).first()
    if minutes is None or minutes.status != Minutes.Status.PUBLISHED:
        return None
    minutes.meeting = invitee.meeting
    return email_render(
        template_prefix="meetings/emails/minutes_published",
        to=invitee.person.email,
        context={
            "minutes": minutes,
            "meeting": invitee.meeting,
            "name": invitee.person.full_name,
            "minutes_url": absolute_url(minutes.get_absolute_url()),
        },
    )
