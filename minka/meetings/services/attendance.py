"""Services: attendance, walk-ins and self check-in.

Coordinators record who attended on one sheet: the invitees, the people of the convening
organizations and walk-ins (people who came without an invitation), presence needing no
consent; a walk-in's consent to appear in the attendees list shared with members is
recorded when given. Signed-in people check themselves in with the code shown in the room.
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
from minka.meetings.attendance_sheet import sheet_rows
from minka.meetings.models import Attendance, Meeting

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

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


@dataclass(frozen=True)
class WalkIn:
    """Someone on the sheet's blank rows: a new person, or ``person`` when the coordinator
    chose an existing one. ``consent``: the person agreed, in the room, to appear in the
    attendees list shared with members (optional: presence is recorded either way)."""

    full_name: str
    organization: Organization | None = None
    email: str = ""
    person: Person | None = None
    consent: bool = False


@dataclass
class AttendanceChange:
    added: int
    removed: int
    created: int = 0  # new directory records (walk-ins)


def _walk_in_person(*, actor: User, meeting: Meeting, walk_in: WalkIn) -> tuple[Person, bool]:
    """The directory record of a walk-in and whether it is new: the chosen person, else the
    one with that email, else a new *pending* record (source: the attendance list)."""
    person = walk_in.person
    if person is None and walk_in.email:
        person = (
            Person.objects.filter(email__iexact=walk_in.email)
            .exclude(status=Person.Status.ANONYMIZED)
            .order_by("pk")
            .first()
        )
    if person is not None:
        if person.status == Person.Status.ANONYMIZED:
            raise ValidationError(_("This record was anonymized and can no longer be changed."))
        return person, False
    full_name = " ".join(walk_in.full_name.split())
    if not full_name:
        raise ValidationError(_("Write the person's name."))
    person = directory_services.person_create(
        actor=actor,
        data={"full_name": full_name, "email": walk_in.email},
        source=Person.Source.ATTENDANCE,
        source_detail=meeting.title[:300],
        organization=walk_in.organization,
    )
    return person, True


@transaction.atomic
def attendance_record_many(
    *,
    actor: User,
    meeting: Meeting,
    present: Collection[int],
    listed: Collection[int] | None = None,
    walk_ins: Sequence[WalkIn] = (),
) -> AttendanceChange:
    """Record the whole attendance sheet in one transaction.

    ``present``: the ticked people of the sheet (:func:`sheet_rows`: invitees, people of
    the convening organizations, anyone already present); ``listed``: the people the sheet
    showed (default: all its rows). A listed person who is not ticked loses their
    attendance; people the sheet did not show (someone who checked in meanwhile) are not
    touched. A ticked id that is not on the sheet is refused, and nothing changes.
    ``walk_ins`` are added as present, new people starting *pending* (hidden from
    members' lists) unless their consent to be listed was given.

    Presence needs no consent (Ley 29733 asks it only for what is shared): the consent is
    recorded, through the directory, only for walk-ins who gave it. The ticked people cost
    a fixed number of queries (one bulk insert, one delete); each walk-in costs a few.
    """
    require(permissions.can_manage_meetings(actor))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    rows = {row.person_id: row for row in sheet_rows(meeting)}
    ticked = set(present)
    if ticked - set(rows):
        raise ValidationError(_("Some of the people ticked are not on this meeting's list."))
    shown = set(rows) if listed is None else set(listed) & set(rows)
    attending = {pid for pid, row in rows.items() if row.present}
    to_add = {
        pid: Attendance(
            meeting=meeting,
            person_id=pid,
            organization=rows[pid].organization,
            source=Attendance.Source.RECORDED,
            recorded_by=actor,
        )
        for pid in sorted(ticked - attending)
    }
    to_remove = (shown - ticked) & attending
    created = 0
    for walk_in in walk_ins:
        person, is_new = _walk_in_person(actor=actor, meeting=meeting, walk_in=walk_in)
        created += is_new
        if walk_in.consent:
            _grant_attendee_listing(actor=actor, person=person)
        to_remove.discard(person.pk)
        if person.pk in attending or person.pk in to_add:
            continue
        to_add[person.pk] = Attendance(
            meeting=meeting,
            person=person,
            organization=walk_in.organization or _current_organization(person),
            source=Attendance.Source.WALK_IN,
            recorded_by=actor,
        )
    Attendance.objects.bulk_create(to_add.values())
    removed = 0
    if to_remove:
        removed, _detail = meeting.attendances.filter(person_id__in=to_remove).delete()
    if to_add or removed:
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            target=meeting,
            changes={"attendances": [f"+{len(to_add)}", f"-{removed}"]},
        )
    return AttendanceChange(added=len(to_add), removed=removed, created=created)


def _grant_attendee_listing(*, actor: User, person: Person) -> None:
    """Record the walk-in's consent, given in the room, through the directory.

    The directory has no purpose narrower than the members' listing, so the consent to
    appear in the attendees list shared with members is recorded as ``members_listing``.
    """
    directory_services.consent_record_in_person(
        actor=actor, person=person, purpose=ConsentPurpose.MEMBERS_LISTING
    )


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
