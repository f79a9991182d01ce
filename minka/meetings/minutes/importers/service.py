"""Turn parsed minutes (:class:`ParsedMinutes`) into a held meeting with draft minutes.

:func:`~minka.meetings.minutes.importers.matching.match_attendees` finds the directory
records the names of the minutes refer to; :func:`minutes_import` saves everything in one
transaction: the meeting (status held), its agenda, an attendance for *every* attendee
(linked to a person, to a person added as new, or with the name as written, as the
coordinator chose), and the minutes as a draft whose first revision is of kind "import".
Nothing is published: the minutes then go through the usual cycle (review, approval,
publication).

Who may import: coordinators and admins; ``actor=None`` stands for the system (the
``minka import_minutes`` command and the demo), run by whoever administers the server.
Views always pass ``request.user`` (never ``None``), so no web request acts as the system.

Assumptions, stated because the minutes seldom say them: the meeting ran 10:00–12:00 in
the site's time zone (America/Lima); it was held in person; a next meeting without a time
starts at the same time of day as this one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from minka import search
from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import audit_record
from minka.core.visibility import Visibility
from minka.directory import services as directory_services
from minka.directory.models import Organization, Person
from minka.meetings import permissions
from minka.meetings.minutes.content import (
    Agreement,
    Intervention,
    MinutesContent,
    NextMeeting,
    Presentation,
)
from minka.meetings.minutes.importers.matching import (
    AttendeeMatch,
    clean_name,
    match_attendees,
    name_key,
)
from minka.meetings.minutes.importers.parsed import ParsedAttendee, ParsedMinutes
from minka.meetings.minutes.models import Minutes, MinutesRevision
from minka.meetings.minutes.services import _add_revision, content_clean
from minka.meetings.models import AgendaItem, Attendance, Cadence, Meeting, Series
from minka.meetings.services.meetings import _next_number, _validate_meeting

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence

    from minka.accounts.models import User

# The meeting's assumed hours when the minutes do not give them (site time zone).
DEFAULT_START = dt.time(10, 0)
DEFAULT_DURATION = dt.timedelta(hours=2)
_NAME_MAX = 150
_ORGANIZATION_MAX = 200


class Keep(StrEnum):
    """What the coordinator chose for one attendee of the minutes."""

    LINK = "link"  # the attendance of a directory person
    CREATE = "create"  # a new, pending directory person, then their attendance
    TEXT = "text"  # the name as written, with no directory record


@dataclass(frozen=True)
class AttendeeChoice:
    keep: Keep
    person: Person | None = None  # with LINK: the person chosen


# --- Import ------------------------------------------------------------------------------


def _require_importer(actor: User | None) -> None:
    """Coordinators and admins import; ``None`` is the system (command line, demo)."""
    if actor is not None:
        require(permissions.can_import_minutes(actor))


def _default_title(date: dt.date) -> str:
    return _("Meeting of %(date)s") % {"date": formats.date_format(date, "DATE_FORMAT")}


def _markdown_list(lines: Sequence[str]) -> str:
    return "\n".join(f"- {' '.join(line.split())}" for line in lines if line.strip())


def _local(date: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(date, time, tzinfo=timezone.get_default_timezone())


def imported_content(parsed: ParsedMinutes, *, meeting_start: dt.time) -> MinutesContent:
    """The structured content of ``parsed``: presentations with their points as a Markdown
    list, one intervention per item, agreements, the next meeting (a date and time in the
    site's time zone when the minutes give a date; ``meeting_start`` when they give no
    time) and the notes as a Markdown list. The parser's warnings stay out of the minutes.
    """
    next_meeting = NextMeeting()
    if parsed.next_meeting is not None:
        starts_at = ""
        if parsed.next_meeting.date is not None:
            moment = _local(parsed.next_meeting.date, parsed.next_meeting.time or meeting_start)
            starts_at = moment.isoformat(timespec="minutes")
        next_meeting = NextMeeting(starts_at=starts_at, text=parsed.next_meeting.text.strip())
    return MinutesContent(
        presentations=[
            Presentation(
                presenter=p.presenter or "",
                organization=p.organization or "",
                points=_markdown_list(p.points),
            )
            for p in parsed.presentations
        ],
        interventions=[Intervention(text=text.strip()) for text in parsed.interventions],
        agreements=[
            Agreement(
                text=a.text.strip(),
                responsible=a.responsible or "",
                due_date=a.due.isoformat() if a.due else "",
            )
            for a in parsed.agreements
        ],
        next_meeting=next_meeting,
        notes=_markdown_list(parsed.notes),
    )


def _agenda_items(meeting: Meeting, parsed: ParsedMinutes) -> list[AgendaItem]:
    """The written agenda; without one, an item per presentation, with the presenter and
    organization the directory knows."""
    if parsed.agenda:
        items = [AgendaItem(title=" ".join(title.split())[:300]) for title in parsed.agenda]
    else:
        items = []
        presenters = match_attendees(
            [
                ParsedAttendee(name=p.presenter or "", organization=p.organization)
                for p in parsed.presentations
            ]
        )
        for presentation, match in zip(parsed.presentations, presenters, strict=True):
            who = presentation.presenter or presentation.organization
            title = _("Presentation: %(presenter)s") % {"presenter": who} if who else ""
            items.append(
                AgendaItem(
                    title=(title or _("Presentation"))[:300],
                    presenter=match.person,
                    presenter_organization=match.organization,
                )
            )
    for position, item in enumerate(items, start=1):
        item.meeting = meeting
        item.position = position
        item.full_clean()
    return AgendaItem.objects.bulk_create(items)


def _audit_each(actor: User | None, targets: Sequence[AgendaItem]) -> None:
    for target in targets:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=target)


def _person_create(
    *, actor: User | None, name: str, organization: Organization | None, meeting: Meeting
) -> Person:
    """A new, *pending* directory record for an attendee of the minutes, with no consent:
    nobody but coordinators sees it until the person agrees (Ley 29733)."""
    return directory_services.person_create(
        actor=actor,
        data={"full_name": name},
        source=Person.Source.MINUTES,
        source_detail=meeting.title[:300],
        organization=organization,
    )


def _choices(
    matches: list[AttendeeMatch],
    choices: Mapping[int, AttendeeChoice],
    create_people: Collection[int],
) -> list[AttendeeChoice]:
    """One checked choice per attendee: the one given, else "add" for ``create_people``,
    else the name as text; "add" (or no choice) for a name the directory has once links
    that person instead."""
    for index in {*choices, *create_people}:
        if not 0 <= index < len(matches):
            raise ValidationError(
                _("There is no attendee number %(number)d in these minutes.")
                % {"number": index + 1}
            )
    result = []
    for index, match in enumerate(matches):
        choice = choices.get(index) or AttendeeChoice(
            Keep.CREATE if index in create_people else Keep.TEXT
        )
        if match.person is not None and (
            choice.keep == Keep.CREATE or (choice.keep == Keep.TEXT and index not in choices)
        ):
            # Never a second record for a name the directory has.
            choice = AttendeeChoice(Keep.LINK, match.person)
        name = clean_name(match.attendee.name)
        if choice.keep == Keep.CREATE and match.ambiguous:
            raise ValidationError(
                _(
                    "“%(name)s” matches several people in the directory: record their "
                    "attendance by hand instead of adding another record."
                )
                % {"name": match.attendee.name}
            )
        if choice.keep == Keep.LINK and (
            choice.person is None or choice.person.status == Person.Status.ANONYMIZED
        ):
            raise ValidationError(
                _("Choose the person “%(name)s” refers to.") % {"name": match.attendee.name}
            )
        if choice.keep != Keep.LINK and len(name) > _NAME_MAX:
            raise ValidationError(
                _("“%(name)s…” is too long to be a person's name.") % {"name": name[:40]}
            )
        result.append(choice)
    return result


def _record_attendance(
    *,
    actor: User | None,
    meeting: Meeting,
    matches: list[AttendeeMatch],
    choices: list[AttendeeChoice],
) -> list[Person]:
    """An attendance for every attendee, as chosen: linked to a directory person, to a
    person created for them, or with the name (and organization) as written. A person or
    a name written twice counts once. Returns the people created."""
    attendances: dict[object, Attendance] = {}
    created: dict[str, Person] = {}
    for match, choice in zip(matches, choices, strict=True):
        attendee, key = match.attendee, name_key(match.attendee.name)
        person = choice.person if choice.keep == Keep.LINK else None
        if choice.keep == Keep.CREATE and key not in created:
            created[key] = _person_create(
                actor=actor,
                name=clean_name(attendee.name),
                organization=match.organization,
                meeting=meeting,
            )
        if choice.keep == Keep.CREATE:
            person = created[key]
        identity: object = person.pk if person is not None else key
        if identity not in attendances:
            attendances[identity] = Attendance(
                meeting=meeting,
                person=person,
                name_text="" if person else " ".join(attendee.name.split())[:_NAME_MAX],
                organization_text=""
                if person
                else " ".join((attendee.organization or "").split())[:_ORGANIZATION_MAX],
                organization=match.organization,
                source=Attendance.Source.RECORDED,
                recorded_by=actor,
            )
    Attendance.objects.bulk_create(attendances.values())
    if attendances:
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            target=meeting,
            changes={"attendances": ["+0", f"+{len(attendances)}"]},
        )
    return list(created.values())


@transaction.atomic
def minutes_import(
    *,
    actor: User | None,
    parsed: ParsedMinutes,
    series: Series | None,
    create_people: Collection[int] = (),
    choices: Mapping[int, AttendeeChoice] | None = None,
    new_series: str = "",
    source_name: str = "",
    visibility: str = Visibility.MEMBERS,
) -> Meeting:
    """Save ``parsed`` as a held meeting with draft minutes.

    The meeting takes the next number of ``series`` (or of the series named ``new_series``,
    found or created, when ``series`` is ``None``), the date of the minutes (required:
    refused otherwise, and so is a date in the future) from 10:00 to 12:00, their title
    (or "Meeting of <date>") and place, and ``visibility`` (members by default). Its agenda
    is the written one or, without one, an item per presentation. Every attendee is
    recorded as present, as ``choices`` (by index in ``parsed.attendees``) says: linked to
    a directory person; added to the directory as a pending person without any consent,
    affiliated to their matched organization (also for the indexes in ``create_people``);
    or kept as the name written. Without a choice, a matched attendee is linked and an
    unmatched one kept as written. The minutes start as a
    draft whose first revision is of kind "import". ``source_name`` (the file's name) goes
    to the audit log. Everything or nothing is saved.

    Preconditions: ``actor`` is a coordinator or admin, or ``None`` for the system.
    """
    _require_importer(actor)
    if parsed.date is None:
        raise ValidationError(
            _(
                "The minutes do not say on which date the meeting was held: add the date "
                "to the text and import them again."
            ),
            code="no_date",
        )
    if parsed.date > timezone.localdate():
        raise ValidationError(
            _("The minutes are dated %(date)s, which is in the future.")
            % {"date": parsed.date.isoformat()},
            code="future",
        )
    if visibility not in Visibility.values:
        raise ValidationError(_("Choose who can see the meeting."))
    matches = match_attendees(parsed.attendees)
    checked = _choices(matches, choices or {}, create_people)
    if series is None and new_series.strip():
        series, _created = series_get_or_create(actor=actor, name=new_series)
    starts_at = _local(parsed.date, DEFAULT_START)
    meeting = Meeting(
        series=series,
        number=_next_number(series.pk if series is not None else None),
        title=(" ".join((parsed.title or "").split()) or _default_title(parsed.date))[:300],
        starts_at=starts_at,
        ends_at=starts_at + DEFAULT_DURATION,
        place=" ".join((parsed.place or "").split())[:300],
        status=Meeting.Status.HELD,
        visibility=visibility,
        created_by=actor,
    )
    _validate_meeting(meeting)
    meeting.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        target=meeting,
        changes={"imported_from": [None, source_name[:200]]} if source_name else None,
    )
    _audit_each(actor, _agenda_items(meeting, parsed))
    _record_attendance(actor=actor, meeting=meeting, matches=matches, choices=checked)
    content = content_clean(imported_content(parsed, meeting_start=DEFAULT_START))
    minutes = Minutes.objects.create(meeting=meeting)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=minutes)
    # The revision keeps its author and audit actor, both nullable: None is the system.
    _add_revision(
        # Ignored type error: None is the system, which _add_revision records as it records a user.
        actor=actor,  # type: ignore[arg-type]
        minutes=minutes,
        content=content,
        kind=MinutesRevision.Kind.IMPORT,
    )
    search.index_object(meeting)  # With its agenda (the minutes were indexed with the revision).
    return meeting


# --- Series ------------------------------------------------------------------------------


def series_find(name: str) -> Series | None:
    """The series whose title or slug is ``name``, ignoring case, accents and spaces."""
    key = name_key(name)
    slug = slugify(name)
    candidates: list[Series] = list(Series.objects.order_by("pk"))
    for series in candidates:
        if key in (name_key(series.title), name_key(series.slug)) or (slug and slug == series.slug):
            return series
    return None


@transaction.atomic
def series_get_or_create(*, actor: User | None, name: str) -> tuple[Series, bool]:
    """The series named ``name`` (see :func:`series_find`), created (monthly, public) if
    there is none; the flag says whether it was created.

    Preconditions: as :func:`minutes_import`.
    """
    _require_importer(actor)
    title = " ".join(name.split())
    if not title:
        raise ValidationError(_("Give the series a name."))
    existing = series_find(title)
    if existing is not None:
        return existing, False
    base = slugify(title)[:70] or "serie"
    slug, counter = base, 2
    while Series.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    series = Series(title=title[:200], slug=slug, cadence=Cadence.MONTHLY)
    series.full_clean()
    series.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=series)
    return series, True
