"""Markdown: the header as a title and a list, then one ``##`` section per part of the
minutes, the agreements numbered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from minka.meetings.minutes.exports.data import (
    agreement_details,
    date_text,
    due_text,
    export_data,
    next_meeting_when,
    one_line,
)
from minka.meetings.minutes.models import Section

if TYPE_CHECKING:
    from minka.meetings.minutes.exports.data import Erratum, ExportData
    from minka.meetings.minutes.models import Minutes, MinutesRevision


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.strip().splitlines())


def to_markdown(
    minutes: Minutes, revision: MinutesRevision, *, errata: list[Erratum] | None = None
) -> str:
    """Plain Markdown: the header as a title and a list, then one ``##`` per section."""
    return from_data(export_data(minutes, revision, errata=errata))


def from_data(data: ExportData) -> str:
    """The Markdown of ``data`` (see :func:`to_markdown`)."""
    content = data.content
    labels = {section.value: str(section.label) for section in Section}
    out: list[str] = [f"# {data.title}", ""]
    facts = [
        (_("Series"), data.series),
        (_("Date"), data.when),
        (_("Place"), data.place),
        (_("Modality"), data.modality),
    ]
    out += [f"- **{label}:** {value}" for label, value in facts if value]
    out += ["", f"*{data.status_line}*", ""]

    def section(key: str, body: list[str]) -> None:
        while body and not body[-1].strip():
            body.pop()
        if body:
            out.extend([f"## {labels[key]}", "", *body, ""])

    section("summary", [content.summary.strip()] if content.summary.strip() else [])
    presentations: list[str] = []
    for p in content.presentations:
        presentations += [f"### {one_line(p.title) or _('Presentation')}", ""]
        who = ", ".join(x for x in (one_line(p.presenter), one_line(p.organization)) if x)
        if who:
            presentations += [f"*{who}*", ""]
        if p.points.strip():
            presentations += [p.points.strip(), ""]
    section("presentations", presentations)
    interventions: list[str] = []
    for i in content.interventions:
        interventions += [f"### {one_line(i.topic) or _('Intervention')}", ""]
        if i.speaker.strip():
            interventions += [f"*{one_line(i.speaker)}*", ""]
        if i.text.strip():
            interventions += [i.text.strip(), ""]
    section("interventions", interventions)
    agreements: list[str] = []
    for number, a in enumerate(content.agreements, start=1):
        text = _indent(a.text, "   ").lstrip()
        agreements.append(f"{number}. {text}")
        details = agreement_details(a.responsible, due_text(a.due_date))
        if details:
            agreements += ["", f"   {details}"]
        agreements.append("")
    section("agreements", agreements)
    next_meeting = [next_meeting_when(data), content.next_meeting.text.strip()]
    section(
        "next_meeting", ["\n\n".join(x for x in next_meeting if x)] if any(next_meeting) else []
    )
    section("notes", [content.notes.strip()] if content.notes.strip() else [])
    if data.errata:
        out += [f"## {_('Errata')}", ""]
        out += [
            f"- {date_text(e.created_at)} ({_('revision')} {e.revision}): {one_line(e.reason)}"
            for e in data.errata
        ]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
