"""DOCX: a Word document with heading styles, numbered agreements, page numbers as Word
fields, and the minutes' Markdown turned into paragraphs, list items and code runs."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

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
    from markdown_it.token import Token

    from minka.meetings.minutes.exports.data import Erratum, ExportData
    from minka.meetings.minutes.models import Minutes, MinutesRevision


@dataclass
class _Run:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False


@dataclass
class _Block:
    style: str  # a python-docx paragraph style name
    runs: list[_Run] = field(default_factory=list)


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def _inline_runs(token: Token) -> list[_Run]:
    """Text, bold, italic and code spans of an inline token; images are dropped, as in HTML."""
    runs: list[_Run] = []
    bold = italic = False
    for child in token.children or []:
        kind = child.type
        if kind == "image":
            continue
        if kind == "strong_open":
            bold = True
        elif kind == "strong_close":
            bold = False
        elif kind == "em_open":
            italic = True
        elif kind == "em_close":
            italic = False
        elif kind in ("softbreak", "hardbreak"):
            runs.append(_Run("\n" if kind == "hardbreak" else " ", bold, italic))
        elif kind == "code_inline":
            runs.append(_Run(child.content, bold, italic, code=True))
        elif kind == "text":
            runs.append(_Run(child.content, bold, italic))
    return runs


def markdown_blocks(text: str) -> list[_Block]:
    """Markdown as paragraphs, headings, list items and code blocks for a word processor."""
    blocks: list[_Block] = []
    lists: list[str] = []
    pending = "Normal"
    for token in _parser().parse(text or ""):
        kind = token.type
        if kind == "bullet_list_open":
            lists.append("List Bullet")
        elif kind == "ordered_list_open":
            lists.append("List Number")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "heading_open":
            pending = "Heading 3"
        elif kind == "blockquote_open":
            pending = "Quote"
        elif kind == "paragraph_open":
            pending = (lists[-1] if len(lists) == 1 else f"{lists[-1]} 2") if lists else pending
        elif kind == "inline":
            runs = _inline_runs(token)
            if runs:
                blocks.append(_Block(pending, runs))
            pending = "Normal"
        elif kind in ("fence", "code_block"):
            blocks.append(_Block("Normal", [_Run(token.content.rstrip("\n"), code=True)]))
        elif kind == "blockquote_close":
            pending = "Normal"
    return blocks


def _add_page_number(paragraph: Any, label: str, of: str) -> None:
    """'Página N de M' with Word fields, so the word processor fills in the numbers."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def field_run(instruction: str) -> None:
        for kind in ("begin", None, "separate", "end"):
            run = paragraph.add_run()
            if kind is None:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = instruction
            else:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
            if kind == "separate":
                paragraph.add_run("1")

    paragraph.add_run(f"{label} ")
    field_run("PAGE")
    paragraph.add_run(f" {of} ")
    field_run("NUMPAGES")


def to_docx(
    minutes: Minutes, revision: MinutesRevision, *, errata: list[Erratum] | None = None
) -> bytes:
    """A Word document with heading styles, numbered agreements and page numbers."""
    return from_data(export_data(minutes, revision, errata=errata))


def from_data(data: ExportData) -> bytes:
    """The DOCX of ``data`` (see :func:`to_docx`)."""
    from docx import Document
    from docx.shared import Mm

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    properties = document.core_properties
    properties.title = data.title
    properties.subject = data.series
    properties.language = data.language
    properties.author = "Minka"
    properties.keywords = _("minutes")

    header = section.header.paragraphs[0]
    header.text = " · ".join(x for x in (data.series, data.title) if x)
    _add_page_number(section.footer.paragraphs[0], _("Page"), _("of"))

    def add_markdown(text: str) -> None:
        for block in markdown_blocks(text):
            paragraph = document.add_paragraph(style=block.style)
            for run in block.runs:
                added = paragraph.add_run(run.text)
                added.bold = run.bold or None
                added.italic = run.italic or None
                if run.code:
                    added.font.name = "Courier New"

    if data.series:
        document.add_paragraph(data.series, style="Subtitle")
    document.add_heading(data.title, level=1)
    for label, value in (
        (_("Date"), data.when),
        (_("Place"), data.place),
        (_("Modality"), data.modality),
    ):
        if value:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(value)
    document.add_paragraph().add_run(data.status_line).italic = True

    content = data.content
    labels = {s.value: str(s.label) for s in Section}
    if content.summary.strip():
        document.add_heading(labels["summary"], level=2)
        add_markdown(content.summary)
    if content.presentations:
        document.add_heading(labels["presentations"], level=2)
        for p in content.presentations:
            document.add_heading(one_line(p.title) or _("Presentation"), level=3)
            who = ", ".join(x for x in (one_line(p.presenter), one_line(p.organization)) if x)
            if who:
                document.add_paragraph().add_run(who).italic = True
            add_markdown(p.points)
    if content.interventions:
        document.add_heading(labels["interventions"], level=2)
        for i in content.interventions:
            document.add_heading(one_line(i.topic) or _("Intervention"), level=3)
            if i.speaker.strip():
                document.add_paragraph().add_run(one_line(i.speaker)).italic = True
            add_markdown(i.text)
    if content.agreements:
        document.add_heading(labels["agreements"], level=2)
        for a in content.agreements:
            blocks = markdown_blocks(a.text) or [_Block("Normal", [_Run("")])]
            first = document.add_paragraph(style="List Number")
            for run in blocks[0].runs:
                first.add_run(run.text).bold = run.bold or None
            for block in blocks[1:]:
                document.add_paragraph("".join(r.text for r in block.runs), style="List Continue")
            details = agreement_details(a.responsible, due_text(a.due_date))
            if details:
                document.add_paragraph(details, style="List Continue")
    when = next_meeting_when(data)
    if when or content.next_meeting.text.strip():
        document.add_heading(labels["next_meeting"], level=2)
        if when:
            document.add_paragraph(when)
        add_markdown(content.next_meeting.text)
    if content.notes.strip():
        document.add_heading(labels["notes"], level=2)
        add_markdown(content.notes)
    if data.errata:
        document.add_heading(_("Errata"), level=2)
        for e in data.errata:
            document.add_paragraph(
                _("%(date)s (revision %(number)s): %(reason)s")
                % {
                    "date": date_text(e.created_at),
                    "number": e.revision,
                    "reason": one_line(e.reason),
                },
                style="List Bullet",
            )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
