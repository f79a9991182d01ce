"""The structured content of minutes, as stored in each :class:`MinutesRevision`.

Sections: summary; presentations (presenter, organization, title, points, linked documents);
interventions (topic, speaker when known, what was said); agreements (text, responsible
organizations or people, due date); the next meeting (a date and time, or text); free notes.
Text fields are Markdown, rendered and sanitized by :func:`minka.core.markdown.render`.

Each agreement carries a stable ``key`` that survives edits and reordering, so that the
agreements feature can turn an agreement into a tracked commitment and keep the link.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any

# Bounds that keep one revision small (a JSON document well under 1 MB).
MAX_ITEMS = 200
MAX_TEXT = 20_000
MAX_LINE = 500


def new_key() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class Presentation:
    title: str = ""
    presenter: str = ""
    organization: str = ""
    points: str = ""
    # Public ids (UUID strings) of repository documents.
    documents: list[str] = field(default_factory=list)


@dataclass
class Intervention:
    topic: str = ""
    speaker: str = ""
    text: str = ""


@dataclass
class Agreement:
    text: str = ""
    responsible: str = ""
    due_date: str = ""  # ISO date, or empty
    key: str = field(default_factory=new_key)

    @property
    def due(self) -> date | None:
        try:
            return date.fromisoformat(self.due_date) if self.due_date else None
        except ValueError:
            return None


@dataclass
class NextMeeting:
    starts_at: str = ""  # ISO date and time in America/Lima, or empty
    text: str = ""

    @property
    def when(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.starts_at) if self.starts_at else None
        except ValueError:
            return None

    @property
    def is_empty(self) -> bool:
        return not (self.starts_at or self.text.strip())


@dataclass
class MinutesContent:
    summary: str = ""
    presentations: list[Presentation] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    next_meeting: NextMeeting = field(default_factory=NextMeeting)
    notes: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> MinutesContent:
        """Build content from stored JSON, ignoring unknown keys (older or newer revisions)."""
        data = data or {}

        def build(kind: type[Any], raw: Any) -> Any:
            names = {f.name for f in fields(kind)}
            values = {k: v for k, v in (raw or {}).items() if k in names}
            return kind(**values)

        return cls(
            summary=str(data.get("summary", "")),
            presentations=[build(Presentation, p) for p in data.get("presentations", [])],
            interventions=[build(Intervention, i) for i in data.get("interventions", [])],
            agreements=[build(Agreement, a) for a in data.get("agreements", [])],
            next_meeting=build(NextMeeting, data.get("next_meeting")),
            notes=str(data.get("notes", "")),
        )

    @property
    def is_empty(self) -> bool:
        return not (
            self.summary.strip()
            or self.presentations
            or self.interventions
            or self.agreements
            or not self.next_meeting.is_empty
            or self.notes.strip()
        )

    def section_texts(self) -> dict[str, str]:
        """Each section as plain lines of text (Markdown source), for comparing revisions."""
        presentations = []
        for p in self.presentations:
            presentations += [f"## {p.title}", f"{p.presenter} ({p.organization})", p.points]
            presentations += [f"-> {document}" for document in p.documents] + [""]
        interventions = []
        for i in self.interventions:
            interventions += [f"## {i.topic}", i.speaker, i.text, ""]
        agreements = []
        for n, a in enumerate(self.agreements, start=1):
            agreements += [f"{n}. {a.text}", f"   {a.responsible} {a.due_date}".rstrip(), ""]
        next_meeting = "\n".join(
            x for x in (self.next_meeting.starts_at, self.next_meeting.text) if x
        )
        return {
            "summary": self.summary,
            "presentations": "\n".join(presentations).strip(),
            "interventions": "\n".join(interventions).strip(),
            "agreements": "\n".join(agreements).strip(),
            "next_meeting": next_meeting,
            "notes": self.notes,
        }
