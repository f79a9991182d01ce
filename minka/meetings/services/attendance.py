"""Services: attendance, walk-ins and self check-in.

Coordinators record who attended from the invitees' checklist and add walk-ins (people who
came without an invitation) with their consent to appear in the attendees list shared with
members; signed-in people check themselves in with the code shown in the room.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import audit_record
from minka.directory import services as directory_services
from minka.directory.models import Affiliation, ConsentPurpose, Person
from minka.meetings import permissions
from minka.meetings.models import Attendance, Meeting

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Organization


# No 0/O, 1/I/L: the code is read from a screen across a room and typed on a phone.
CHECKIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CHECKIN_LENGTH = 6


def _today() -> Any:
    return timezone.localdate()


# --- Attendance -------------------------------------------------------------------------


def _current_organization(person: Person) -> Organization | None:
    affiliation = (
        Affiliation.objects.filter(person=person)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=_today()))
        .select_related("organization")
        .order_by("organization__name")
        .first()
    )
    return affiliation.organization if affiliation is not None else None


@dataclass
class AttendanceChange:
    added: int
    removed: int


@transaction.atomic
def attendance_record(*, actor: User, meeting: Meeting, person_ids: set[int]) -> AttendanceChange:
    """Set which invitees attended: ``person_ids`` is the checked set of the checklist.

    Invitees checked gain an attendance (recorded by ``actor``); invitees unchecked lose
    theirs, whatever its source. Walk-ins, who were not invited, are not touched. An id
    that is not an invitee of the meeting is refused.
    """
    require(permissions.can_manage_meetings(actor))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    invitees = {i.person_id: i for i in meeting.invitees.all()}
    unknown = person_ids - set(invitees)
    if unknown:
        raise ValidationError(_("Some of the people checked are not invited to this meeting."))
    present = set(meeting.attendances.values_list("person_id", flat=True))
    to_add = [
        Attendance(
            meeting=meeting,
            person_id=person_id,
            organization=invitees[person_id].organization,
            source=Attendance.Source.RECORDED,
            recorded_by=actor,
        )
        for person_id in sorted(person_ids - present)
    ]
    Attendance.objects.bulk_create(to_add)
    to_remove = (set(invitees) - person_ids) & present
    removed, _detail = meeting.attendances.filter(person_id__in=to_remove).delete()
    if to_add or removed:
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            target=meeting,
            changes={"attendances": [f"+{len(to_add)}", f"-{removed}"]},
        )
    return AttendanceChange(added=len(to_add), removed=removed)


def _grant_attendee_listing(*, actor: User, person: Person) -> None:
    """Record the walk-in's consent, given in the room, through the directory.

    The directory has no purpose narrower than the members' listing, so the consent to
    appear in the attendees list shared with members is recorded as ``members_listing``.
    """
    directory_services.consent_record_in_person(
        actor=actor, person=person, purpose=ConsentPurpose.MEMBERS_LISTING
    )


@transaction.atomic
def attendance_add_walk_in(
    *,
    actor: User,
    meeting: Meeting,
    full_name: str,
    email: str = "",
    organization: Organization | None = None,
    consent: bool,
) -> Attendance:
    """Add someone who came without an invitation, with their consent to be listed.

    A known email reuses that person's record; otherwise a new directory record is made
    (source: the meeting's attendance list). The consent is recorded as a ConsentEvent.
    """
    require(permissions.can_manage_meetings(actor))
    if not consent:
        raise ValidationError(
            _("Confirm that the person agreed to appear in the attendees list shared with members.")
        )
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationError(_("Write the person's name."))
    person = None
    if email:
        person = (
            Person.objects.filter(email__iexact=email)
            .exclude(status=Person.Status.ANONYMIZED)
            .order_by("pk")
            .first()
        )
    if person is None:
        person = directory_services.person_create(
            actor=actor,
            data={"full_name": full_name, "email": email},
            source=Person.Source.ATTENDANCE,
            source_detail=meeting.title[:300],
            organization=organization,
        )
    _grant_attendee_listing(actor=actor, person=person)
    attendance, created = Attendance.objects.get_or_create(
        meeting=meeting,
        person=person,
        defaults={
            "organization": organization,
            "source": Attendance.Source.WALK_IN,
            "recorded_by": actor,
        },
    )
    if not created:
        raise ValidationError(
            _("%(name)s is already in the attendance list.") % {"name": person.full_name}
        )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        target=attendance,
        target_repr=f"attendance {attendance.pk} ({meeting.title})",
    )
    return attendance


# --- Self check-in ----------------------------------------------------------------------


def checkin_normalize(code: str) -> str:
    """What people type, as the code is stored: capitals, no spaces or dashes."""
    return "".join(code.split()).replace("-", "").upper()[:20]


@transaction.atomic
def checkin_open(*, actor: User, meeting: Meeting) -> str:
    """Open self check-in with a new random code (the old one stops working)."""
    require(permissions.can_manage_meetings(actor))
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    meeting.checkin_code = "".join(secrets.choice(CHECKIN_ALPHABET) for _i in range(CHECKIN_LENGTH))
    meeting.save(update_fields=["checkin_code", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=meeting,
        changes={"checkin_code": ["***", "***"]},
    )
    return meeting.checkin_code


@transaction.atomic
def checkin_close(*, actor: User, meeting: Meeting) -> None:
    """Close self check-in: the code stops working."""
    require(permissions.can_manage_meetings(actor))
    meeting.checkin_code = ""
    meeting.save(update_fields=["checkin_code", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=meeting,
        changes={"checkin_code": ["***", ""]},
    )


@transaction.atomic
def checkin_submit(*, user: User, meeting: Meeting, code: str) -> Attendance:
    """Check ``user`` in with the code shown in the room; checking in twice is harmless.

    The caller checks :func:`permissions.can_check_in` (signed in, meeting visible, open).
    The attendance counts for the person's invitation's organization, else their first
    current affiliation. The meeting's status is not changed.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require(permissions.can_check_in(user, meeting))
    if not secrets.compare_digest(checkin_normalize(code).encode(), meeting.checkin_code.encode()):
        raise ValidationError(
            _("That code is not the one shown in the room. Check it and try again.")
        )
    person = directory_services.person_for_user(user=user)
    invitee = meeting.invitees.filter(person=person).first()
    organization = invitee.organization if invitee is not None else None
    if organization is None:
        organization = _current_organization(person)
    attendance, created = Attendance.objects.get_or_create(
        meeting=meeting,
        person=person,
        defaults={"organization": organization, "source": Attendance.Source.CHECK_IN},
    )
    if created:
        audit_record(
            actor=user,
            action=AuditEntry.Action.CREATE,
            target=attendance,
            target_repr=f"attendance {attendance.pk} ({meeting.title})",
        )
    return attendance
