"""The attendance sheet of a meeting: who a coordinator may tick as present.

One list of (a) the meeting's invitees, (b) the directory's people with a current role in
one of the meeting's convening organizations, and (c) anyone already recorded as present
(a walk-in, a self check-in). Each row says which organization the attendance counts for:
the invitation's organization, else the convening organization, else the one recorded.
Coordinators only: the caller checks :func:`minka.meetings.permissions.can_manage_meetings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from minka.core.text import fold
from minka.directory.models import Affiliation, Person

if TYPE_CHECKING:
    from minka.directory.models import Organization
    from minka.meetings.models import Attendance, Meeting


@dataclass
class SheetRow:
    person_id: int
    name: str
    organization: Organization | None
    invited: bool = False
    rsvp: str = ""  # the invitee's answer, as shown
    convening: bool = False  # has a current role in a convening organization
    present: bool = False
    source: str = ""  # how the present attendance was recorded, as shown
    pending: bool = False  # not consented yet: hidden from members' lists

    @property
    def group(self) -> int:
        """Invitees first, then the convening organizations' people, then the others."""
        return 0 if self.invited else 1 if self.convening else 2


def _row(person: Person, organization: Organization | None) -> SheetRow:
    return SheetRow(
        person_id=person.pk,
        name=person.full_name,
        organization=organization,
        pending=person.status == Person.Status.PENDING,
    )


def sheet_rows(meeting: Meeting) -> list[SheetRow]:
    """The rows of ``meeting``'s attendance sheet in three queries (invitees, convening
    organizations' people, attendances), whatever their number; anonymized people are
    left out. Sorted by group, then by name without case or accents."""
    rows: dict[int, SheetRow] = {}
    live = ~Q(person__status=Person.Status.ANONYMIZED)
    for invitee in meeting.invitees.filter(live).select_related("person", "organization"):
        row = rows[invitee.person_id] = _row(invitee.person, invitee.organization)
        row.invited, row.rsvp = True, invitee.get_rsvp_display()
    today = timezone.localdate()
    roles = (
        Affiliation.objects.filter(live, organization__in=meeting.organizations.all())
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("person", "organization")
        .order_by("organization__name", "pk")
    )
    for role in roles:
        row = rows.get(role.person_id) or rows.setdefault(
            role.person_id, _row(role.person, role.organization)
        )
        row.convening = True
        row.organization = row.organization or role.organization
    # Names kept as written by the importer (no person) are not ticked here: see
    # ``written_attendees``.
    recorded = meeting.attendances.filter(live, person__isnull=False)
    for attendance in recorded.select_related("person", "organization"):
        person = attendance.person
        if person is None:  # excluded by the query; narrows the type
            continue
        row = rows.get(person.pk) or rows.setdefault(person.pk, _row(person, None))
        row.present, row.source = True, attendance.get_source_display()
        row.organization = attendance.organization or row.organization
    return sorted(rows.values(), key=lambda r: (r.group, fold(r.name), r.person_id))


def written_attendees(meeting: Meeting) -> list[Attendance]:
    """The attendances the importer kept as written in the minutes (a name, no person), in
    one query: the sheet lists them apart, as they have no one to tick."""
    return list(meeting.attendances.filter(person__isnull=True).order_by("name_text", "pk"))
