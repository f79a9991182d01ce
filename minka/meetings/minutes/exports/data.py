"""What every export shows: the header, status line, content and errata of one revision
(:class:`ExportData`, from :func:`export_data`), and the dates, names and agreement details
written the same way in every format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.models import Minutes, MinutesRevision
from minka.meetings.models import Modality

if TYPE_CHECKING:
    from datetime import datetime

    from minka.meetings.models import Meeting


@dataclass(frozen=True)
class Erratum:
    revision: int
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class ExportData:
    """The header, status line, content and errata of one revision, ready to write out."""

    meeting: Meeting
    minutes: Minutes
    revision: MinutesRevision
    content: MinutesContent
    series: str
    title: str
    when: str
    place: str
    modality: str
    status_line: str
    is_final: bool
    errata: list[Erratum] = field(default_factory=list)

    @property
    def language(self) -> str:
        """BCP 47 tag of the document: Peruvian Spanish unless the interface is elsewhere."""
        code = get_language() or "es"
        return "es-PE" if code.split("-")[0] == "es" else code


def one_line(text: str) -> str:
    """Collapse newlines and runs of spaces: for titles and names on a single line."""
    return " ".join(str(text).split())


def local_datetime(value: datetime) -> str:
    """'Sábado, 28 de noviembre de 2026, 10:00' in the site's time zone (America/Lima)."""
    local = timezone.localtime(value)
    return _("%(weekday)s, %(date)s, %(time)s") % {
        "weekday": capfirst(date_format(local, "l")),
        "date": date_format(local, "DATE_FORMAT"),
        "time": time_format(local, "TIME_FORMAT"),
    }


def _status_line(minutes: Minutes) -> str:
    if minutes.status in (Minutes.Status.APPROVED, Minutes.Status.PUBLISHED):
        if minutes.approved_at is None:
            return _("Approved minutes.")
        when = date_format(timezone.localtime(minutes.approved_at), "DATE_FORMAT")
        if minutes.approved_by is not None:
            return _("Minutes approved on %(date)s by %(name)s.") % {
                "date": when,
                "name": one_line(str(minutes.approved_by)),
            }
        return _("Minutes approved on %(date)s.") % {"date": when}
    if minutes.status == Minutes.Status.REVIEW:
        return _("Draft in review: these minutes have not been approved yet.")
    return _("Draft: these minutes have not been approved.")


def _errata(minutes: Minutes) -> list[Erratum]:
    revisions = minutes.revisions.filter(kind=MinutesRevision.Kind.ERRATUM).order_by("number")
    return [
        Erratum(revision=r.number, reason=r.reason, created_at=r.created_at)
        for r in revisions.only("number", "reason", "created_at")
    ]


def export_data(
    minutes: Minutes, revision: MinutesRevision, *, errata: list[Erratum] | None = None
) -> ExportData:
    """Gather what an export shows. ``errata`` defaults to the minutes' errata (one query)."""
    meeting = minutes.meeting
    if meeting.number:
        title = _("Meeting %(number)s: %(title)s") % {
            "number": meeting.number,
            "title": one_line(meeting.title),
        }
    else:
        title = one_line(meeting.title)
    return ExportData(
        meeting=meeting,
        minutes=minutes,
        revision=revision,
        content=MinutesContent.from_json(revision.content),
        series=one_line(meeting.series.title) if meeting.series else "",
        title=title,
        when=local_datetime(meeting.starts_at),
        place=one_line(meeting.place),
        modality=str(Modality(meeting.modality).label),
        status_line=_status_line(minutes),
        is_final=minutes.is_locked,
        errata=_errata(minutes) if errata is None else errata,
    )


def date_text(value: datetime) -> str:
    """A day as the site writes dates, in its time zone."""
    return date_format(timezone.localtime(value), "DATE_FORMAT")


def due_text(iso: str) -> str:
    """An agreement's due date (ISO) as the site writes dates; as written if not a date."""
    try:
        return date_format(date.fromisoformat(iso), "DATE_FORMAT") if iso else ""
    except ValueError:
        return one_line(iso)


def next_meeting_when(data: ExportData) -> str:
    """When the next meeting is, as :func:`local_datetime` writes it, or as the minutes wrote it."""
    when = data.content.next_meeting.when
    if when is None:
        return one_line(data.content.next_meeting.starts_at)
    if timezone.is_naive(when):  # written as Lima wall-clock time
        when = timezone.make_aware(when)
    return local_datetime(when)


def agreement_details(responsible: str, due: str) -> str:
    """Who is responsible for an agreement and its due date, as sentences ("" for neither)."""
    parts = []
    if responsible.strip():
        parts.append(_("Responsible: %(who)s.") % {"who": one_line(responsible)})
    if due:
        parts.append(_("Due: %(date)s.") % {"date": due})
    return " ".join(parts)
