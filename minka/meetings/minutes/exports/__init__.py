"""Minutes as files: PDF (WeasyPrint, tagged PDF/UA-1), DOCX (python-docx), Markdown and JSON.

Every export shows one revision (the current one, chosen by the caller) with the same
header (series, meeting, date and time in the site's time zone, America/Lima, with the
weekday, place, modality), a status line, the sections in order, the errata and, in PDF
and DOCX, page numbers. The meeting's online link and anybody's contact data are never
part of an export; names appear only as the minutes wrote them, plus the approver's name.

:mod:`~minka.meetings.minutes.exports.data` gathers what every format shows; one module per
format writes it out (:mod:`~minka.meetings.minutes.exports.pdf`,
:mod:`~minka.meetings.minutes.exports.docx`, :mod:`~minka.meetings.minutes.exports.markdown`,
:mod:`~minka.meetings.minutes.exports.json`), and :func:`render` picks one by its name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from minka.meetings.minutes.exports import docx, json, markdown, pdf
from minka.meetings.minutes.exports.data import Erratum, export_data
from minka.meetings.minutes.exports.docx import to_docx
from minka.meetings.minutes.exports.json import to_json
from minka.meetings.minutes.exports.markdown import to_markdown
from minka.meetings.minutes.exports.pdf import (
    PANGO_PACKAGES,
    PdfUnavailable,
    RefusingFetcher,
    html_to_pdf,
    to_html,
    to_pdf,
)

if TYPE_CHECKING:
    from minka.meetings.minutes.models import Minutes, MinutesRevision

__all__ = [
    "CONTENT_TYPES",
    "FORMATS",
    "PANGO_PACKAGES",
    "Erratum",
    "PdfUnavailable",
    "RefusingFetcher",
    "export_data",
    "filename",
    "html_to_pdf",
    "render",
    "to_docx",
    "to_html",
    "to_json",
    "to_markdown",
    "to_pdf",
]

FORMATS = ("pdf", "docx", "md", "json")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


def filename(minutes: Minutes, fmt: str) -> str:
    """``acta-reunion-3-2026-11-28.pdf`` (the number is left out when the meeting has none)."""
    meeting = minutes.meeting
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    number = f"-{meeting.number}" if meeting.number else ""
    return f"acta-reunion{number}-{day}.{fmt}"


def render(minutes: Minutes, revision: MinutesRevision, fmt: str) -> bytes:
    """The export of ``revision`` in ``fmt`` (one of :data:`FORMATS`), as bytes.

    Raises :class:`PdfUnavailable` for a PDF where WeasyPrint cannot load.
    """
    data = export_data(minutes, revision)
    if fmt == "pdf":
        return pdf.from_data(data)
    if fmt == "docx":
        return docx.from_data(data)
    if fmt == "md":
        return markdown.from_data(data).encode()
    if fmt == "json":
        return json.from_data(data).encode()
    raise ValueError(fmt)
