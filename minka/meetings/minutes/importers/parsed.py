"""The structure the minutes importer finds in a text, before anything is saved.

``ParsedMinutes.to_dict()`` is exactly the object ``minka import_minutes --json`` prints, and
``ParsedMinutes.from_dict()`` reads it back (the "Importar acta" page round-trips the
coordinator's corrections through it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

# The fields a coordinator expects minutes to give, and what is said when the importer finds
# none: one warning per missed field, shown beside the field on the "Importar acta" page.
MISSED = {
    "date": _("No date of the meeting was found."),
    "place": _("No place of the meeting was found."),
    "attendees": _("No list of attendees was found."),
    "agreements": _("No agreements were found."),
    "next_meeting": _("No next meeting was found."),
}


@dataclass
class ParsedAttendee:
    name: str
    organization: str | None = None


@dataclass
class ParsedPresentation:
    presenter: str | None = None
    organization: str | None = None
    points: list[str] = field(default_factory=list)


@dataclass
class ParsedAgreement:
    text: str
    responsible: str | None = None
    due: dt.date | None = None


@dataclass
class ParsedNextMeeting:
    text: str
    date: dt.date | None = None
    time: dt.time | None = None


@dataclass
class ParsedMinutes:
    title: str | None = None
    date: dt.date | None = None
    place: str | None = None
    attendees: list[ParsedAttendee] = field(default_factory=list)
    # How many attended, when the minutes say so ("con la asistencia de 23 socios"); the
    # sentence also stays in the notes.
    attendee_count: int | None = None
    agenda: list[str] = field(default_factory=list)
    presentations: list[ParsedPresentation] = field(default_factory=list)
    interventions: list[str] = field(default_factory=list)
    agreements: list[ParsedAgreement] = field(default_factory=list)
    next_meeting: ParsedNextMeeting | None = None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def missed(self) -> list[str]:
        """The fields of :data:`MISSED` that the importer left empty, in that order (the
        attendees are not missed when the minutes give their number)."""
        return [
            name
            for name in MISSED
            if not getattr(self, name) and not (name == "attendees" and self.attendee_count)
        ]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the issue, key for key (dates ISO, times "HH:MM")."""
        next_meeting = None
        if self.next_meeting is not None:
            next_meeting = {
                "date": _iso(self.next_meeting.date),
                "time": self.next_meeting.time.strftime("%H:%M")
                if self.next_meeting.time
                else None,
                "text": self.next_meeting.text,
            }
        return {
            "title": self.title,
            "date": _iso(self.date),
            "place": self.place,
            "attendees": [{"name": a.name, "organization": a.organization} for a in self.attendees],
            "attendee_count": self.attendee_count,
            "agenda": list(self.agenda),
            "presentations": [
                {"presenter": p.presenter, "organization": p.organization, "points": list(p.points)}
                for p in self.presentations
            ],
            "interventions": list(self.interventions),
            "agreements": [
                {"text": a.text, "responsible": a.responsible, "due": _iso(a.due)}
                for a in self.agreements
            ],
            "next_meeting": next_meeting,
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedMinutes:
        """The inverse of :meth:`to_dict`. Raises ``ValueError`` (or ``KeyError``/``TypeError``)
        on malformed data; callers validating user input catch those."""
        raw_next = data.get("next_meeting")
        next_meeting = None
        if raw_next is not None:
            next_meeting = ParsedNextMeeting(
                text=str(raw_next.get("text") or ""),
                date=_date(raw_next.get("date")),
                time=dt.time.fromisoformat(raw_next["time"]) if raw_next.get("time") else None,
            )
        return cls(
            title=data.get("title"),
            date=_date(data.get("date")),
            place=data.get("place"),
            attendees=[
                ParsedAttendee(name=str(a["name"]), organization=a.get("organization"))
                for a in data.get("attendees", [])
            ],
            attendee_count=int(data["attendee_count"]) if data.get("attendee_count") else None,
            agenda=[str(item) for item in data.get("agenda", [])],
            presentations=[
                ParsedPresentation(
                    presenter=p.get("presenter"),
                    organization=p.get("organization"),
                    points=[str(point) for point in p.get("points", [])],
                )
                for p in data.get("presentations", [])
            ],
            interventions=[str(item) for item in data.get("interventions", [])],
            agreements=[
                ParsedAgreement(
                    text=str(a["text"]), responsible=a.get("responsible"), due=_date(a.get("due"))
                )
                for a in data.get("agreements", [])
            ],
            next_meeting=next_meeting,
            notes=[str(item) for item in data.get("notes", [])],
            warnings=[str(item) for item in data.get("warnings", [])],
        )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
