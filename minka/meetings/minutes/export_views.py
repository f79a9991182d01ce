"""Views: the minutes of a meeting as PDF, DOCX, Markdown or JSON.

``/reuniones/<id>/acta.<fmt>`` exports the current revision to whoever may read the minutes
in their present state (404 otherwise, as the minutes page). Every answer is a download
(``attachment``, ``nosniff``, a sandbox CSP); published public minutes of a public meeting
may be kept five minutes by the browser, the rest is ``private, no-store`` (signed-in
answers are never stored, see ``PrivateCacheMiddleware``). Laying out a PDF and building a
DOCX cost CPU time, so both count against one limit per client (a PDF only when it is laid
out, not when the stored file is served; Markdown and JSON are plain text and free); where
WeasyPrint cannot load (no Pango on the machine) the PDF link answers 503 with a page naming
the packages to install.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from minka.core import ratelimit
from minka.core.storage import (
    FILE_CSP,
    PRIVATE_CACHE,
    PUBLIC_CACHE,
    content_disposition,
    file_response,
)
from minka.core.visibility import Visibility
from minka.meetings import permissions
from minka.meetings.minutes import exports, pdf_store
from minka.meetings.minutes.models import Minutes, MinutesRevision
from minka.meetings.selectors import minutes_get

if TYPE_CHECKING:
    from uuid import UUID

    from django.http import HttpResponseBase

    from minka.core.http import HtmxHttpRequest

# PDF layouts and DOCX builds together, per client and minute: enough for people, a brake
# for scripts (one count, so that alternating formats does not double it).
PDF_RATE_LIMIT = 20
PDF_RATE_WINDOW = 60


def _render_refused(request: HtmxHttpRequest) -> HttpResponse | None:
    """Count one render against the client's limit; the 429 page past it."""
    key = ratelimit.client_key(request)
    retry = ratelimit.hit("minutes-render", key, limit=PDF_RATE_LIMIT, window=PDF_RATE_WINDOW)
    return ratelimit.too_many_requests(request, retry) if retry else None


def _is_public(minutes: Minutes) -> bool:
    """Published minutes that anyone may read: the same bytes for every visitor."""
    return (
        minutes.status == Minutes.Status.PUBLISHED
        and minutes.visibility == Visibility.PUBLIC
        and minutes.meeting.visibility == Visibility.PUBLIC
    )


def _pdf_unavailable(request: HtmxHttpRequest, minutes: Minutes) -> HttpResponse:
    public_id = minutes.meeting.public_id
    alternatives = [
        {"url": reverse("meetings:minutes-export", args=[public_id, fmt]), "label": label}
        for fmt, label in (("docx", "DOCX"), ("md", "Markdown"), ("json", "JSON"))
    ]
    try:
        minutes_url = minutes.get_absolute_url()
    except NoReverseMatch:  # the minutes page is another area's; keep this page working
        minutes_url = ""
    context = {
        "packages": exports.PANGO_PACKAGES,
        "alternatives": alternatives,
        "minutes_url": minutes_url,
    }
    response = render(request, "meetings/exports/minutes_pdf_unavailable.html", context, status=503)
    response["Cache-Control"] = PRIVATE_CACHE
    return response


@require_GET
def minutes_export(request: HtmxHttpRequest, public_id: UUID, fmt: str) -> HttpResponseBase:
    """The current revision of the minutes as a file, after a permission check."""
    if fmt not in exports.FORMATS:
        raise Http404
    minutes = minutes_get(user=request.user, public_id=public_id)
    revision = minutes.current_revision
    if revision is None or not permissions.can_view_revision(request.user, minutes, revision):
        raise Http404
    if fmt == "pdf":
        return _pdf_response(request, minutes, revision)
    if fmt == "docx" and (refused := _render_refused(request)):  # built anew each time
        return refused
    response = HttpResponse(
        exports.render(minutes, revision, fmt), content_type=exports.CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = content_disposition(
        exports.filename(minutes, fmt), inline=False
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = PUBLIC_CACHE if _is_public(minutes) else PRIVATE_CACHE
    return response


def _pdf_response(
    request: HtmxHttpRequest, minutes: Minutes, revision: MinutesRevision
) -> HttpResponseBase:
    """The stored PDF of ``revision``, rendered first if nobody asked for it yet. Only
    renders count against the client's rate limit: a stored PDF costs no layout."""
    name, html = pdf_store.lookup(minutes, revision)
    if not pdf_store.exists(name):
        if refused := _render_refused(request):
            return refused
        try:
            pdf_store.store(minutes, name, html)
        except exports.PdfUnavailable:
            return _pdf_unavailable(request, minutes)
    return file_response(
        request,
        name,
        filename=exports.filename(minutes, "pdf"),
        content_type=exports.CONTENT_TYPES["pdf"],
        inline=False,
        public=_is_public(minutes),
    )
