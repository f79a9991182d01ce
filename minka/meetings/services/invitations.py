"""Services: invitations, RSVP and the notices sent to invitees.

Invitations are transactional messages: a coordinator invited the person to a meeting, so
the invitation, its updates and its cancellation are sent whether or not the person opted
in to email notifications (``Person.email_notifications`` governs digests and news, not
the answer to a direct invitation; SECURITY.md R9). The invitation says why it was sent
and how to stop receiving them (answer "no", or ask the coordination team).

RSVP links carry a signed token of the invitee's id (:func:`rsvp_token`); the link works
until the meeting ends, and stops at once when the invitee is removed or the meeting is
cancelled. Every message is written to the outbox in the transaction of the change, with the
invitee's id only, and rendered by the outbox worker (:mod:`minka.meetings.notifications`;
links from ``settings.BASE_URL``, never from the request's Host): a person with an account
gets it on the channels they chose, a person without one by email.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import audit_record
from minka.core.urls_util import absolute_url
from minka.directory.models import Affiliation, Person
from minka.directory.services import person_for_user
from minka.meetings import notifications, permissions
from minka.meetings.models import Invitee, Meeting, Rsvp

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser

    from minka.accounts.models import User
    from minka.directory.models import Organization


RSVP_SALT = "minka.meetings.rsvp"
ANSWERS = (Rsvp.YES, Rsvp.NO, Rsvp.MAYBE)


def _today() -> Any:
    return timezone.localdate()


# --- Signed RSVP links ------------------------------------------------------------------


def rsvp_token(invitee: Invitee) -> str:
    """The signed token of an invitee's RSVP link: the same for every email to them, with
    no expiry of its own (the meeting's end, a cancellation or a removal end it)."""
    return signing.Signer(salt=RSVP_SALT).sign_object(invitee.pk)


def rsvp_url(invitee: Invitee, answer: str = "") -> str:
    """The absolute RSVP link, under ``settings.BASE_URL``; ``answer`` preselects a button."""
    path = reverse("meetings:rsvp-link", args=[rsvp_token(invitee)])
    return absolute_url(f"{path}?respuesta={answer}" if answer else path)


class RsvpLinkError(Exception):
    """A signed link that cannot be used: ``status`` is 400 (tampered) or 410 (gone)."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def invitee_for_token(token: str) -> Invitee:
    """The invitee a signed link names, if the link still works (:class:`RsvpLinkError`)."""
    try:
        invitee_id = signing.Signer(salt=RSVP_SALT).unsign_object(token)
    except signing.BadSignature:
        raise RsvpLinkError(
            _("This link is not valid. Check that it was copied whole from the email."),
            status=400,
        ) from None
    invitee = (
        Invitee.objects.select_related("meeting__series", "person", "organization")
        .filter(pk=invitee_id)
        .first()
        if isinstance(invitee_id, int)
        else None
    )
    if invitee is None:
        raise RsvpLinkError(
            _(
                "This invitation was withdrawn. Ask the coordination team if you think "
                "it is a mistake."
            ),
            status=410,
        )
    _check_answerable(invitee.meeting, status=410)
    return invitee


def _check_answerable(meeting: Meeting, *, status: int = 400) -> None:
    if meeting.is_cancelled:
        raise RsvpLinkError(_("This meeting was cancelled."), status=status)
    if meeting.is_over:
        raise RsvpLinkError(
            _("This meeting is over: answers are no longer recorded."), status=status
        )


# --- Messages ---------------------------------------------------------------------------


def _reachable(invitees: Iterable[Invitee]) -> list[Invitee]:
    """The invitees a message can reach: by their account, or at the directory's address."""
    return [
        i
        for i in invitees
        if i.person.status != Person.Status.ANONYMIZED
        and (i.person.email or (i.person.user is not None and i.person.user.is_active))
    ]


# --- Invitations ------------------------------------------------------------------------


def _check_open(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    if meeting.is_over:
        raise ValidationError(_("This meeting is over."))


@transaction.atomic
def invitees_add(
    *,
    actor: User,
    meeting: Meeting,
    organizations: Iterable[Organization] = (),
    people: Iterable[Person] = (),
) -> list[Invitee]:
    """Invite organizations and people to ``meeting`` and send each new invitee their
    invitation (:func:`minka.meetings.notifications.invitation_sent`).

    An organization brings every active person with a current affiliation and an email
    (``organization`` is recorded on the invitee). A person named directly needs an email.
    Inviting someone twice changes nothing (one row per person); returns the new invitees.
    """
    require(permissions.can_manage_meetings(actor))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_open(meeting)
    candidates: dict[int, tuple[Person, Organization | None]] = {}
    for person in people:
        if not person.email or person.status == Person.Status.ANONYMIZED:
            raise ValidationError(
                _("%(name)s has no email address in the directory.") % {"name": person.full_name}
            )
        candidates[person.pk] = (person, None)
    organizations = list(organizations)
    if organizations:
        today = _today()
        affiliations = (
            Affiliation.objects.filter(organization__in=organizations)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .filter(person__status=Person.Status.ACTIVE)
            .exclude(person__email="")
            .select_related("person", "organization")
            .order_by("organization__name", "person__full_name")
        )
        for affiliation in affiliations:
            candidates.setdefault(
                affiliation.person_id, (affiliation.person, affiliation.organization)
            )
    existing = set(
        Invitee.objects.filter(meeting=meeting, person_id__in=candidates).values_list(
            "person_id", flat=True
        )
    )
    created = []
    for person_id, (person, organization) in candidates.items():
        if person_id in existing:
            continue
        invitee = Invitee.objects.create(
            meeting=meeting, person=person, organization=organization, invited_by=actor
        )
        invitee.meeting = meeting
        audit_record(
            actor=actor,
            action=AuditEntry.Action.INVITE,
            target=invitee,
            target_repr=f"invitee {invitee.pk} ({meeting.title})",
        )
        notifications.invitation_sent(invitee=invitee)
        created.append(invitee)
    return created


@transaction.atomic
def invitee_remove(*, actor: User, invitee: Invitee) -> None:
    """Withdraw an invitation: its signed link stops working at once."""
    require(permissions.can_manage_meetings(actor))
    audit_record(
        actor=actor,
        action=AuditEntry.Action.DELETE,
        target=invitee,
        target_repr=f"invitee {invitee.pk} ({invitee.meeting.title})",
    )
    invitee.delete()


@transaction.atomic
def invitee_resend(*, actor: User, invitee: Invitee) -> None:
    """Send the invitation again (the same link; a lost email, a new address)."""
    require(permissions.can_manage_meetings(actor))
    _check_open(invitee.meeting)
    if not _reachable([invitee]):
        raise ValidationError(
            _("%(name)s has no email address in the directory.")
            % {"name": invitee.person.full_name}
        )
    notifications.invitation_sent(invitee=invitee, resent_at=timezone.now())


@transaction.atomic
def rsvp_set(*, invitee: Invitee, answer: str, actor: User | AnonymousUser | None) -> Invitee:
    """Record an invitee's answer (yes, no, maybe), from the meeting page or a signed link.

    The caller has checked who may answer for ``invitee`` (the person's account, or the
    holder of the signed link). The row is locked and updated in place, so two answers at
    once leave one row with the later answer.
    """
    if answer not in ANSWERS:
        raise ValidationError(_("Choose yes, no or maybe."))
    invitee = Invitee.objects.select_for_update().select_related("meeting").get(pk=invitee.pk)
    try:
        _check_answerable(invitee.meeting)
    except RsvpLinkError as error:
        raise ValidationError(error.message) from None
    before = invitee.rsvp
    invitee.rsvp = answer
    invitee.responded_at = timezone.now()
    invitee.save(update_fields=["rsvp", "responded_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=invitee,
        target_repr=f"invitee {invitee.pk} ({invitee.meeting.title})",
        changes={"rsvp": [before, answer]},
    )
    return invitee


@transaction.atomic
def rsvp_answer(*, actor: User, meeting: Meeting, answer: str) -> Invitee:
    """A signed-in person answers "¿Asistirá?" on the meeting page.

    Their own invitation is updated; without one, a person who may answer
    (:func:`~minka.meetings.permissions.can_rsvp`) gets an invitee row of their own
    (their directory record is created if new, with nothing shared), so that the answer
    is counted and they hear of changes and a cancellation like the invited.
    """
    if answer not in ANSWERS:
        raise ValidationError(_("Choose yes, no or maybe."))
    invitee = Invitee.objects.filter(meeting=meeting, person__user=actor).first()
    if invitee is None:
        require(permissions.can_rsvp(actor, meeting))
        try:
            _check_answerable(meeting)
        except RsvpLinkError as error:
            raise ValidationError(error.message) from None
        person = person_for_user(user=actor)
        invitee, created = Invitee.objects.get_or_create(
            meeting=meeting, person=person, defaults={"invited_by": actor}
        )
        if created:
            audit_record(
                actor=actor,
                action=AuditEntry.Action.CREATE,
                target=invitee,
                target_repr=f"invitee {invitee.pk} ({meeting.title}, own answer)",
            )
    return rsvp_set(invitee=invitee, answer=answer, actor=actor)
