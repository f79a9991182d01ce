"""Demo meetings for ``minka load_demo``: the network's series, alive on the day it is loaded.

Meeting 1 is the first working meeting of 16 March 2026, imported from its real minutes
(``demo_data/acta_2026_03_16.txt``, the text as people wrote it) through the minutes
importer, as a coordinator would import them: read, parsed with the year 2026 (the minutes
say "del presente"), saved as a held meeting with draft minutes, then reviewed, approved
and published for everyone. The minutes give neither the place nor the time: Lima and
10:00–12:00 are assumptions (the importer's default hours). The presenter is named in the
text only: the minutes list no attendees, so the import creates no directory record for a
real person.

The series then meets every month, as the minutes agreed ("within a month"): on the 16th,
or the Monday after when the 16th falls on a weekend (:func:`demo_schedule`). Every meeting
whose time has passed is held, with attendance and short published minutes taken from
``demo_data/series_2026.toml``. Each agreement has a stable key; a later meeting of the
script reports some done (:func:`agreements_reported_done`), which the agreements app's demo
turns into progress updates on the commitments the approved minutes created. The first
meeting still ahead is scheduled with its agenda, the member organizations are invited
(emails queued) and RSVP is open.
(On a clock set before the end of 16 March 2026, that is the first meeting itself; its
minutes are added once it is over.)

Loading again, on any later day, adds what is missing (the meetings that have passed since,
the new next meeting) and changes nothing else: a meeting is completed only while it is a
demo meeting, planned, over and without minutes, so whatever someone changed by hand stays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from minka.core.visibility import Visibility
from minka.directory.models import Affiliation, Organization, Person
from minka.meetings.minutes import services as minutes_services
from minka.meetings.minutes.content import (
    Agreement,
    Intervention,
    MinutesContent,
    NextMeeting,
)
from minka.meetings.minutes.importers.formats import read_minutes
from minka.meetings.minutes.importers.service import imported_content, minutes_import
from minka.meetings.minutes.importers.spanish import parse_minutes
from minka.meetings.minutes.models import Minutes, MinutesRevision
from minka.meetings.models import Attendance, Cadence, Invitee, Meeting, Rsvp, Series
from minka.meetings.services import invitations
from minka.meetings.services import meetings as services

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.meetings.minutes.importers.parsed import ParsedMinutes

SERIES_SLUG = "desarrollo-tic-peru"
SERIES_TITLE = "Desarrollo de las TIC en el Perú: aportes desde la sociedad civil"
DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
MINUTES_FILE = DEMO_DATA / "acta_2026_03_16.txt"
SCRIPT_FILE = DEMO_DATA / "series_2026.toml"
MINUTES_YEAR = 2026
PLACE = "Lima"
CONVENERS = {"IGIP", "CCC"}
# The first meeting, as its minutes say, at the importer's assumed hours (site time zone).
FIRST_DAY = dt.date(2026, 3, 16)
START_TIME = dt.time(10, 0)
DURATION = dt.timedelta(hours=2)
# Days after a meeting that its minutes were approved (and published) in the demo's story.
APPROVED_AFTER = dt.timedelta(days=9)


# --- Dates ------------------------------------------------------------------------------


def meeting_start(number: int) -> dt.datetime:
    """When meeting ``number`` (1 = the first) starts: 10:00 in the site's time zone on the
    16th of the month, ``number - 1`` months after the first, or on the Monday after when
    that 16th is a Saturday or a Sunday."""
    index = FIRST_DAY.month - 1 + number - 1
    day = dt.date(FIRST_DAY.year + index // 12, index % 12 + 1, FIRST_DAY.day)
    if day.weekday() >= 5:  # Saturday or Sunday
        day += dt.timedelta(days=7 - day.weekday())
    return timezone.make_aware(dt.datetime.combine(day, START_TIME))


@dataclass(frozen=True)
class Schedule:
    """The numbers of the meetings over by now (1 first) and of the next one."""

    held: list[int]
    next: int


def demo_schedule(now: dt.datetime) -> Schedule:
    """Which demo meetings are over at ``now`` and which one comes next: a meeting is held
    once it has ended; the next one is the first that has not (before the end of 16 March
    2026, that is the first meeting itself)."""
    number = 1
    while meeting_start(number) + DURATION <= now:
        number += 1
    return Schedule(held=list(range(1, number)), next=number)


# --- The story of the series ---------------------------------------------------------------


@dataclass(frozen=True)
class AgendaEntry:
    title: str
    organization: str = ""
    presenter: str = ""
    minutes: int | None = None
    points: str = ""


@dataclass(frozen=True)
class AgreementEntry:
    text: str
    responsible: str = ""
    due_days: int = 30
    key: str = ""


@dataclass(frozen=True)
class MeetingEntry:
    """One meeting of ``series_2026.toml``: its topic, agenda and what its minutes say."""

    topic: str
    summary: str = ""
    agenda: list[AgendaEntry] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    agreements: list[AgreementEntry] = field(default_factory=list)
    done: list[str] = field(default_factory=list)

    @classmethod
    def from_toml(cls, raw: dict[str, Any]) -> MeetingEntry:
        return cls(
            topic=raw["topic"],
            summary=" ".join(str(raw.get("summary", "")).split()),
            agenda=[AgendaEntry(**item) for item in raw.get("agenda", [])],
            interventions=[Intervention(**item) for item in raw.get("interventions", [])],
            agreements=[AgreementEntry(**item) for item in raw.get("agreements", [])],
            done=list(raw.get("done", [])),
        )


@cache
def _script() -> tuple[list[MeetingEntry], list[MeetingEntry]]:
    data = tomllib.loads(SCRIPT_FILE.read_text(encoding="utf-8"))
    return (
        [MeetingEntry.from_toml(raw) for raw in data["meeting"]],
        [MeetingEntry.from_toml(raw) for raw in data["rotation"]],
    )


def meeting_entry(number: int) -> MeetingEntry:
    """The script's entry for meeting ``number`` (2 and later)."""
    story, rotation = _script()
    index = number - 2
    return story[index] if index < len(story) else rotation[(index - len(story)) % len(rotation)]


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def agreement_key(number: int, name: str) -> str:
    """The key of the agreement ``name`` in the minutes of meeting ``number``: stable, so
    that loading again (and the commitments made from the agreements) find it."""
    return hashlib.sha256(f"demo:{number}:{name}".encode()).hexdigest()[:12]


def meeting_agreements(number: int) -> list[Agreement]:
    """The agreements the minutes of meeting ``number`` record (its own: what is still open
    from earlier meetings is followed up live on the agenda, not copied)."""
    day = _local_date(meeting_start(number))
    return [
        Agreement(
            text=item.text,
            responsible=item.responsible,
            due_date=(day + dt.timedelta(days=item.due_days)).isoformat(),
            key=agreement_key(number, item.key or str(index)),
        )
        for index, item in enumerate(meeting_entry(number).agreements)
    ]


def agreements_reported_done(number: int) -> list[str]:
    """The keys of the earlier agreements that meeting ``number`` reports done (its
    ``done`` list; ``"*"``: everything still open). Computed from the script alone."""
    open_: dict[str, str] = {}  # "meeting:name" -> key, still open
    reported: list[str] = []
    for current in range(2, number + 1):
        entry = meeting_entry(current)
        for name in _closed(entry.done, open_):
            key = open_.pop(name)
            if current == number:
                reported.append(key)
        for index, item in enumerate(entry.agreements):
            name = item.key or str(index)
            open_[f"{current}:{name}"] = agreement_key(current, name)
    return reported


def _closed(done: list[str], open_: dict[str, str]) -> list[str]:
    """The entries of ``open_`` ("meeting:name") that a ``done`` list closes."""
    if "*" in done:
        return list(open_)
    return [name for name in open_ if name.split(":", 1)[1] in done]


# --- Loading ------------------------------------------------------------------------------


def load(*, coordinator: User, organizations: dict[str, Organization]) -> int:
    """Create the series and the meetings that are missing on this day; return how many
    objects were made (0 when nothing was missing)."""
    created = 0
    series, new = Series.objects.get_or_create(
        slug=SERIES_SLUG,
        defaults={
            "title": SERIES_TITLE,
            "cadence": Cadence.MONTHLY,
            "visibility": Visibility.PUBLIC,
            "is_demo": True,
            "description": "Reuniones mensuales de trabajo de las organizaciones de la red.",
        },
    )
    created += new
    schedule = demo_schedule(timezone.now())
    previous: Meeting | None = None
    for number in [*schedule.held, schedule.next]:
        meeting = Meeting.objects.filter(series=series, number=number).first()
        if meeting is None:
            if previous is None and number in schedule.held:
                meeting = _first_meeting(coordinator, series, organizations)
                created += 2  # its minutes and their imported revision
            elif previous is None:
                meeting = _first_meeting_ahead(coordinator, series, organizations)
            else:
                meeting = _schedule(coordinator, previous, number, organizations)
            created += 1 + meeting.agenda_items.count()
        if meeting.is_demo and meeting.status == Meeting.Status.PLANNED:
            if meeting.is_over and not Minutes.objects.filter(meeting=meeting).exists():
                created += _hold(coordinator, meeting, number)
            elif not meeting.is_over and not meeting.invitees.exists():
                created += _invite(coordinator, meeting, organizations)
        previous = meeting
    return created


def _first_meeting(
    coordinator: User, series: Series, organizations: dict[str, Organization]
) -> Meeting:
    parsed = _seed_minutes()
    meeting = minutes_import(
        actor=coordinator,
        parsed=parsed,
        series=series,
        source_name=MINUTES_FILE.name,
        visibility=Visibility.PUBLIC,
    )
    # What the coordinator adds after the import: the place and the convening organizations.
    meeting = services.meeting_update(
        actor=coordinator,
        meeting=meeting,
        data={
            "place": meeting.place or PLACE,
            "organizations": [o for key, o in organizations.items() if key in CONVENERS],
        },
    )
    Meeting.objects.filter(pk=meeting.pk).update(is_demo=True)
    meeting.is_demo = True
    _publish(coordinator, Minutes.objects.get(meeting=meeting))
    return meeting


def _seed_minutes() -> ParsedMinutes:
    return parse_minutes(read_minutes(MINUTES_FILE), year=MINUTES_YEAR)


def _first_meeting_ahead(
    coordinator: User, series: Series, organizations: dict[str, Organization]
) -> Meeting:
    """Before the end of 16 March 2026 the first meeting has not been held: it is scheduled
    with the title and the presentation its minutes name (they are imported once it is over)."""
    parsed = _seed_minutes()
    start = meeting_start(1)
    meeting = services.meeting_create(
        actor=coordinator,
        data={
            "series": series,
            "number": 1,
            "title": parsed.title or "",
            "starts_at": start,
            "ends_at": start + DURATION,
            "place": PLACE,
            "visibility": Visibility.PUBLIC,
            "organizations": [o for key, o in organizations.items() if key in CONVENERS],
        },
    )
    Meeting.objects.filter(pk=meeting.pk).update(is_demo=True)
    meeting.is_demo = True
    for presentation in parsed.presentations:
        who = presentation.presenter or presentation.organization or ""
        title = _("Presentation: %(presenter)s") % {"presenter": who} if who else ""
        services.agenda_item_create(
            actor=coordinator, meeting=meeting, data={"title": title or _("Presentation")}
        )
    return meeting


def _schedule(
    coordinator: User, previous: Meeting, number: int, organizations: dict[str, Organization]
) -> Meeting:
    """Meeting ``number``, with the script's topic and agenda: through "Programar la próxima
    reunión" from ``previous`` (which adds the follow-up of its agreements), or created
    directly when ``previous`` was cancelled or someone already scheduled its next meeting."""
    start = meeting_start(number)
    entry = meeting_entry(number)
    if previous.following.exists() or previous.is_cancelled:
        meeting = services.meeting_create(
            actor=coordinator,
            data={
                "series": previous.series,
                "number": number,
                "title": f"{previous.series}: reunión {number}",
                "starts_at": start,
                "ends_at": start + DURATION,
                "modality": previous.modality,
                "place": previous.place,
                "visibility": previous.visibility,
                "organizations": list(previous.organizations.all()),
            },
        )
        Meeting.objects.filter(pk=meeting.pk).update(is_demo=True)
        meeting.is_demo = True
    else:
        meeting = services.meeting_schedule_next(
            actor=coordinator, meeting=previous, starts_at=start, ends_at=start + DURATION
        )
    meeting = services.meeting_update(
        actor=coordinator, meeting=meeting, data={"description": f"Tema central: {entry.topic}."}
    )
    people = {p.full_name: p for p in Person.objects.filter(is_demo=True)}
    for item in entry.agenda:
        services.agenda_item_create(
            actor=coordinator,
            meeting=meeting,
            data={
                "title": item.title,
                "presenter": people.get(item.presenter),
                "presenter_organization": organizations.get(item.organization),
                "duration_minutes": item.minutes,
            },
        )
    return meeting


def _member_affiliations() -> list[Affiliation]:
    """Who a meeting of the network invites: people of member organizations, with an email."""
    return list(
        Affiliation.objects.filter(
            organization__membership_status=Organization.MembershipStatus.MEMBER,
            person__status=Person.Status.ACTIVE,
            end_date__isnull=True,
        )
        .filter(organization__is_demo=True)
        .exclude(person__email="")
        .select_related("person", "organization")
        .order_by("person__full_name", "pk")
    )


def _hold(coordinator: User, meeting: Meeting, number: int) -> int:
    """A past meeting of the story: held, with invitees who answered, an attendance, and
    short minutes approved and published some days after it. The invitations and answers
    of the past are written as they would have been then (no email is sent today); people
    already invited (while the meeting was the next one) keep their invitation and answer."""
    services.meeting_mark_held(actor=coordinator, meeting=meeting)
    if number == 1:
        # The first meeting, scheduled before it took place: its minutes are the seed's
        # (they list no attendees, so no attendance is recorded).
        minutes = minutes_services.minutes_create(actor=coordinator, meeting=meeting, prefill=False)
        minutes_services.minutes_save(
            actor=coordinator,
            minutes=minutes,
            content=imported_content(_seed_minutes(), meeting_start=START_TIME),
            base_revision=minutes_services.current_number(minutes),
        )
        _publish(coordinator, minutes)
        return 2
    invited_at = meeting.starts_at - dt.timedelta(days=14)
    invitees = {i.person_id: i for i in meeting.invitees.all()}
    new = []
    for index, affiliation in enumerate(_member_affiliations()):
        if affiliation.person_id in invitees:
            continue
        invitee = Invitee(
            meeting=meeting,
            person=affiliation.person,
            organization=affiliation.organization,
            rsvp=Rsvp.YES if (index + number) % 4 else Rsvp.NO,
            responded_at=invited_at + dt.timedelta(days=3),
            invited_at=invited_at,
            invited_by=coordinator,
        )
        invitees[affiliation.person_id] = invitee
        new.append(invitee)
    Invitee.objects.bulk_create(new)
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            person_id=person_id,
            organization=invitee.organization,
            source=Attendance.Source.RECORDED,
            recorded_by=coordinator,
        )
        for index, (person_id, invitee) in enumerate(sorted(invitees.items()))
        if invitee.rsvp == Rsvp.YES or (invitee.rsvp != Rsvp.NO and (index + number) % 4)
    )
    minutes = minutes_services.minutes_create(actor=coordinator, meeting=meeting)
    content = _minutes_content(coordinator, meeting, number)
    minutes_services.minutes_save(
        actor=coordinator,
        minutes=minutes,
        content=content,
        base_revision=minutes_services.current_number(minutes),
    )
    _publish(coordinator, minutes)
    return len(new) + 2


def _minutes_content(coordinator: User, meeting: Meeting, number: int) -> MinutesContent:
    entry = meeting_entry(number)
    content = minutes_services.agenda_content(meeting, coordinator)
    points = {item.title: item.points.strip() for item in entry.agenda}
    for presentation in content.presentations:
        presentation.points = points.get(presentation.title, "")
    next_start = timezone.localtime(meeting_start(number + 1)).replace(tzinfo=None)
    return MinutesContent(
        summary=entry.summary,
        presentations=[p for p in content.presentations if p.presenter or p.organization],
        interventions=list(entry.interventions),
        agreements=meeting_agreements(number),
        next_meeting=NextMeeting(starts_at=next_start.isoformat(timespec="minutes")),
    )


def _invite(coordinator: User, meeting: Meeting, organizations: dict[str, Organization]) -> int:
    """The next meeting: invite the member organizations (the emails go out through the
    task queue) and record a few early answers; the demo member's stays open."""
    members = [
        o
        for o in organizations.values()
        if o.membership_status == Organization.MembershipStatus.MEMBER
    ]
    created = invitations.invitees_add(actor=coordinator, meeting=meeting, organizations=members)
    answers = [Rsvp.YES, Rsvp.YES, Rsvp.MAYBE, Rsvp.NO]
    early = [i for i in created if i.person.user_id is None][: len(answers)]
    for invitee, answer in zip(early, answers, strict=False):
        invitations.rsvp_set(invitee=invitee, answer=answer, actor=coordinator)
    return len(created)


def _publish(coordinator: User, minutes: Minutes) -> None:
    """Minutes through the cycle: review, approval, publication for everyone; then dated
    as the story has it (approved and published some days after the meeting, never later
    than now), so that every minutes page does not say it was approved today."""
    deadline = timezone.now() + dt.timedelta(days=7)
    minutes_services.minutes_open_review(actor=coordinator, minutes=minutes, deadline=deadline)
    minutes_services.minutes_approve(actor=coordinator, minutes=minutes)
    minutes_services.minutes_publish(
        actor=coordinator, minutes=minutes, visibility=Visibility.PUBLIC
    )
    meeting = minutes.meeting
    approved = min(meeting.ends_at + APPROVED_AFTER, timezone.now())
    written = min(meeting.ends_at + dt.timedelta(days=2), approved)
    Minutes.objects.filter(pk=minutes.pk).update(
        approved_at=approved, published_at=approved, review_deadline=approved
    )
    MinutesRevision.objects.filter(minutes=minutes).update(created_at=written)
