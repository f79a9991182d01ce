"""The attendees directory ("directorio de asistentes") of a meeting, as a page and as CSV.

Each attendee appears with what the viewer may see of them: the name only if the person
consented to be listed (``can_view_person``), and each contact field only with its own
consent (``visible_contact``). People who did not consent are counted, not named.
Coordinators see everyone, pending records marked, as in the directory's management.
Attendees recorded only by the name written in imported minutes (no directory record, so
no contact details) appear by that name to whoever may read the list, as the minutes
name them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from minka.directory.exports import csv_cell
from minka.directory.models import Person
from minka.directory.permissions import can_view_person, visible_contact
from minka.meetings.models import Attendance

if TYPE_CHECKING:
    from minka.core.types import Actor
    from minka.meetings.models import Meeting


@dataclass(frozen=True)
class AttendeeRow:
    name: str
    organization: str
    email: str
    phone: str
    telegram: str
    pending: bool
    source: str
    as_written: bool = False  # a name from the minutes, with no directory record


@dataclass(frozen=True)
class Attendees:
    rows: list[AttendeeRow]
    hidden: int  # attendees who did not consent to be listed to this viewer

    @property
    def total(self) -> int:
        return len(self.rows) + self.hidden


def attendee_list(*, user: Actor, meeting: Meeting) -> Attendees:
    """The attendees of ``meeting`` as ``user`` may see them (one query). The caller has
    checked :func:`minka.meetings.permissions.can_view_attendees`."""
    attendances = (
        Attendance.objects.filter(meeting=meeting)
        .exclude(person__status=Person.Status.ANONYMIZED)
        .select_related("person", "organization")
        .order_by(Coalesce("person__full_name", "name_text"), "pk")
    )
    rows: list[AttendeeRow] = []
    hidden = 0
    for attendance in attendances:
        person = attendance.person
        if person is None:
            rows.append(_as_written(attendance))
            continue
        if not can_view_person(user, person):
            hidden += 1
            continue
        contact = visible_contact(user, person)
        rows.append(
            AttendeeRow(
                name=person.full_name,
                organization=attendance.organization.name if attendance.organization else "",
                email=contact.get("email", ""),
                phone=contact.get("phone", ""),
                telegram=contact.get("telegram", ""),
                pending=person.status == Person.Status.PENDING,
                source=attendance.get_source_display(),
            )
        )
    return Attendees(rows=rows, hidden=hidden)


def _as_written(attendance: Attendance) -> AttendeeRow:
    return AttendeeRow(
        name=attendance.name_text,
        organization=attendance.display_organization,
        email="",
        phone="",
        telegram="",
        pending=False,
        source=attendance.get_source_display(),
        as_written=True,
    )


def attendees_csv(attendees: Attendees) -> str:
    """The attendees as CSV text, every cell neutralized against formulas; the caller adds
    the byte-order mark for Excel and encodes it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_("Name"), _("Organization"), _("Email"), _("Phone"), _("Telegram")])
    for row in attendees.rows:
        cells = [row.name, row.organization, row.email, row.phone, row.telegram]
        writer.writerow([csv_cell(cell) for cell in cells])
    return buffer.getvalue()
