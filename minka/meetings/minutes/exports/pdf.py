"""PDF: the print document (HTML from a template, with the Markdown rendered and sanitized)
laid out by WeasyPrint as a tagged PDF/UA-1 on A4.

The PDF renderer fetches nothing: Markdown is rendered and sanitized (images dropped), the
stylesheet is inline, ``base_url`` is ``None`` and the URL fetcher refuses every URL, so
neither ``file://`` nor the network can be reached from a minutes text (SECURITY.md 1.6).
WeasyPrint needs the system's Pango; importing it without Pango raises ``OSError``, hence
the lazy import and :class:`PdfUnavailable`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string

from minka.core import markdown
from minka.meetings.minutes.exports.data import date_text, due_text, export_data, next_meeting_when
from minka.meetings.minutes.models import Section

if TYPE_CHECKING:
    from collections.abc import Callable

    from minka.meetings.minutes.exports.data import Erratum, ExportData
    from minka.meetings.minutes.models import Minutes, MinutesRevision


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
            {"item": a, "text": markdown.render(a.text), "due": due_text(a.due_date)}
            for a in content.agreements
        ],
        "next_meeting_when": next_meeting_when(data),
        "next_meeting_text": markdown.render(content.next_meeting.text),
        "notes": markdown.render(content.notes),
        "errata": [{"item": e, "date": date_text(e.created_at)} for e in data.errata],
    }
    return render_to_string("meetings/exports/minutes.html", context)


def _weasyprint() -> Any:
    """Import WeasyPrint, or raise :class:`PdfUnavailable` when its libraries are missing."""
    try:
        import weasyprint  # Needs Pango: imported only when a PDF is asked for.
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
    return from_data(export_data(minutes, revision, errata=errata), url_fetcher=url_fetcher)


def from_data(data: ExportData, *, url_fetcher: Callable[..., Any] | None = None) -> bytes:
    """The PDF of ``data`` (see :func:`to_pdf`)."""
    return html_to_pdf(_html(data), url_fetcher=url_fetcher)


def html_to_pdf(html: str, *, url_fetcher: Callable[..., Any] | None = None) -> bytes:
    """Lay out the print document ``html`` (from :func:`to_html`) as a tagged PDF/UA-1."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(
        string=html, base_url=None, url_fetcher=url_fetcher or RefusingFetcher()
    )
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return pdf
