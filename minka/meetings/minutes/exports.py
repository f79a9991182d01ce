"""Minutes as files: PDF (WeasyPrint, tagged PDF/UA-1), DOCX (python-docx), Markdown and JSON.

Every export shows one revision (the current one, chosen by the caller) with the same
header (series, meeting, date and time in the site's time zone, America/Lima, with the
weekday, place, modality), a status line, the sections in order, the errata and, in PDF
and DOCX, page numbers. The meeting's online link and anybody's contact data are never
part of an export; names appear only as the minutes wrote them, plus the approver's name.

The PDF renderer fetches nothing: Markdown is rendered and sanitized (images dropped), the
stylesheet is inline, ``base_url`` is ``None`` and the URL fetcher refuses every URL, so
neither ``file://`` nor the network can be reached from a minutes text (SECURITY.md 1.6).
WeasyPrint needs the system's Pango; importing it without Pango raises ``OSError``, hence
the lazy import and :class:`PdfUnavailable`.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from minka.core import markdown
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.models import Minutes, MinutesRevision, Modality, Section

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from markdown_it.token import Token

    from minka.meetings.models import Meeting

FORMATS = ("pdf", "docx", "md", "json")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
# The packages WeasyPrint needs on Debian and Ubuntu (named on the "PDF unavailable" page).
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


class PdfUnavailable(Exception):  # noqa: N818 - reads as a state, like Http404
    """WeasyPrint cannot load (the system lacks Pango): no PDF on this machine."""


class FetchRefused(Exception):  # noqa: N818
    """Raised by :class:`RefusingFetcher` for every URL."""


class RefusingFetcher:
    """A WeasyPrint URL fetcher that refuses everything and remembers what was asked.

    WeasyPrint calls it as ``fetcher(url)`` and reads ``_fail_on_errors``; a refused
    resource is skipped with a warning, so the PDF is still written.
    """

    _fail_on_errors = False

    def __init__(self) -> None:
        self.refused: list[str] = []

    def __call__(self, url: str, headers: Any = None) -> Any:
        return self.fetch(url, headers)

    def fetch(self, url: str, headers: Any = None) -> Any:
        self.refused.append(url)
        raise FetchRefused(url)


# --- What every format shows ------------------------------------------------------------


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


def filename(minutes: Minutes, fmt: str) -> str:
    """``acta-reunion-3-2026-11-28.pdf`` (the number is left out when the meeting has none)."""
    meeting = minutes.meeting
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    number = f"-{meeting.number}" if meeting.number else ""
    return f"acta-reunion{number}-{day}.{fmt}"


def _date(value: datetime) -> str:
    return date_format(timezone.localtime(value), "DATE_FORMAT")


def _due(iso: str) -> str:
    try:
        return date_format(date.fromisoformat(iso), "DATE_FORMAT") if iso else ""
    except ValueError:
        return one_line(iso)


def _next_meeting_when(data: ExportData) -> str:
    when = data.content.next_meeting.when
    if when is None:
        return one_line(data.content.next_meeting.starts_at)
    if timezone.is_naive(when):  # written as Lima wall-clock time
        when = timezone.make_aware(when)
    return local_datetime(when)


# --- HTML and PDF -----------------------------------------------------------------------


def to_html(
    minutes: Minutes, revision: MinutesRevision, *, errata: list[Erratum] | None = None
) -> str:
    """The print document fed to WeasyPrint (Markdown rendered and sanitized)."""
    return _html(export_data(minutes, revision, errata=errata))


def _html(data: ExportData) -> str:
    content = data.content
    context = {
        "data": data,
        "labels": {section.value: section.label for section in Section},
        "summary": markdown.render(content.summary),
        "presentations": [
            {"item": p, "points": markdown.render(p.points)} for p in content.presentations
        ],
        "interventions": [
            {"item": i, "text": markdown.render(i.text)} for i in content.interventions
        ],
        "agreements": [
            {"item": a, "text": markdown.render(a.text), "due": _due(a.due_date)}
            for a in content.agreements
        ],
        "next_meeting_when": _next_meeting_when(data),
        "next_meeting_text": markdown.render(content.next_meeting.text),
        "notes": markdown.render(content.notes),
        "errata": [{"item": e, "date": _date(e.created_at)} for e in data.errata],
    }
    return render_to_string("meetings/exports/minutes.html", context)


def _weasyprint() -> Any:
    """Import WeasyPrint, or raise :class:`PdfUnavailable` when its libraries are missing."""
    try:
        import weasyprint  # type: ignore[import-untyped]  # Needs Pango: imported only when a PDF is asked for.
    except (OSError, ImportError) as error:
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def to_pdf(
    minutes: Minutes,
    revision: MinutesRevision,
    *,
    errata: list[Erratum] | None = None,
    url_fetcher: Callable[..., Any] | None = None,
) -> bytes:
    """A4, tagged PDF/UA-1 with the document's language and title. Fetches nothing: the
    URL fetcher refuses every URL (``url_fetcher`` lets a test spy on it)."""
    return _pdf(export_data(minutes, revision, errata=errata), url_fetcher=url_fetcher)


def _pdf(data: ExportData, *, url_fetcher: Callable[..., Any] | None = None) -> bytes:
    return html_to_pdf(_html(data), url_fetcher=url_fetcher)


def html_to_pdf(html: str, *, url_fetcher: Callable[..., Any] | None = None) -> bytes:
    """Lay out the print document ``html`` (from :func:`to_html`) as a tagged PDF/UA-1."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(
        string=html, base_url=None, url_fetcher=url_fetcher or RefusingFetcher()
    )
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return pdf


# --- Markdown ---------------------------------------------------------------------------


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.strip().splitlines())


def to_markdown(
    minutes: Minutes, revision: MinutesRevision, *, errata: list[Erratum] | None = None
) -> str:
    """Plain Markdown: the header as a title and a list, then one ``##`` per section."""
    return _markdown(export_data(minutes, revision, errata=errata))


def _markdown(data: ExportData) -> str:
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
        details = _agreement_details(a.responsible, _due(a.due_date))
        if details:
            agreements += ["", f"   {details}"]
        agreements.append("")
    section("agreements", agreements)
    next_meeting = [_next_meeting_when(data), content.next_meeting.text.strip()]
    section(
        "next_meeting", ["\n\n".join(x for x in next_meeting if x)] if any(next_meeting) else []
    )
    section("notes", [content.notes.strip()] if content.notes.strip() else [])
    if data.errata:
        out += [f"## {_('Errata')}", ""]
        out += [
            f"- {_date(e.created_at)} ({_('revision')} {e.revision}): {one_line(e.reason)}"
            for e in data.errata
        ]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _agreement_details(responsible: str, due: str) -> str:
    parts = []
    if responsible.strip():
        parts.append(_("Responsible: %(who)s.") % {"who": one_line(responsible)})
    if due:
        parts.append(_("Due: %(date)s.") % {"date": due})
    return " ".join(parts)


# --- JSON -------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def to_json(
    minutes: Minutes, revision: MinutesRevision, *, errata: list[Erratum] | None = None
) -> str:
    """The meeting, the minutes' state and content, and the errata (no contact data)."""
    return _json(export_data(minutes, revision, errata=errata))


def _json(data: ExportData) -> str:
    meeting, minutes = data.meeting, data.minutes
    document = {
        "meeting": {
            "id": str(meeting.public_id),
            "series": data.series,
            "number": meeting.number,
            "title": meeting.title,
            "starts_at": _iso(meeting.starts_at),
            "ends_at": _iso(meeting.ends_at),
            "time_zone": str(timezone.get_current_timezone()),
            "modality": meeting.modality,
            "place": meeting.place,
            "status": meeting.status,
        },
        "minutes": {
            "status": minutes.status,
            "approved_at": _iso(minutes.approved_at),
            "approved_by": str(minutes.approved_by) if minutes.approved_by else None,
            "published_at": _iso(minutes.published_at),
            "revision": data.revision.number,
            "revision_saved_at": _iso(data.revision.created_at),
            "content": data.content.to_json(),
        },
        "errata": [
            {"revision": e.revision, "reason": e.reason, "date": _iso(e.created_at)}
            for e in data.errata
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- DOCX -------------------------------------------------------------------------------


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
    return _docx(export_data(minutes, revision, errata=errata))


def _docx(data: ExportData) -> bytes:
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
            details = _agreement_details(a.responsible, _due(a.due_date))
            if details:
                document.add_paragraph(details, style="List Continue")
    when = _next_meeting_when(data)
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
                % {"date": _date(e.created_at), "number": e.revision, "reason": one_line(e.reason)},
                style="List Bullet",
            )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render(minutes: Minutes, revision: MinutesRevision, fmt: str) -> bytes:
    """The export of ``revision`` in ``fmt`` (one of :data:`FORMATS`), as bytes.

    Raises :class:`PdfUnavailable` for a PDF where WeasyPrint cannot load.
    """
    data = export_data(minutes, revision)
    if fmt == "pdf":
        return _pdf(data)
    if fmt == "docx":
        return _docx(data)
    if fmt == "md":
        return _markdown(data).encode()
    if fmt == "json":
        return _json(data).encode()
    raise ValueError(fmt)
