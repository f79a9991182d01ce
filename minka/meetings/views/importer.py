"""Views: "Importar acta", the minutes people already write turned into a held meeting.

Two steps, both for coordinators: upload a file (read in the extraction sandbox, parsed
into a structure in a child process with a time budget), then correct any field of that
structure beside the source text and create the meeting with its minutes as a draft.
Nothing is saved before the second step, and nothing of the upload is kept between the two.
Each step's POST counts against the account's ``IMPORT_RATE_LIMIT`` (a minute), as other
pages that cost work do.
"""

from __future__ import annotations

import tempfile
from functools import wraps
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from minka.core import ratelimit
from minka.core.decorators import permission_required
from minka.meetings import permissions
from minka.meetings.minutes.importers.budget import parse_minutes_within_budget
from minka.meetings.minutes.importers.errors import ParserUnavailable, UnreadableMinutes
from minka.meetings.minutes.importers.formats import read_minutes
from minka.meetings.minutes.importers.forms import MAX_ROWS, ImportForm, UploadForm
from minka.meetings.minutes.importers.matching import attendee_candidates, series_propose
from minka.meetings.minutes.importers.parsed import MISSED
from minka.meetings.minutes.importers.service import minutes_import

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpResponse

    from minka.core.http import AuthenticatedHttpRequest
    from minka.meetings.minutes.importers.parsed import ParsedMinutes

    View = Callable[[AuthenticatedHttpRequest], HttpResponse]


def _rate_limited(view: View) -> View:
    """Count each POST against the account's ``IMPORT_RATE_LIMIT`` a minute (a 429 past
    it): an upload costs a file read and a parse, a confirmation look-ups and writes."""

    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest) -> HttpResponse:
        if request.method == "POST":
            key = ratelimit.client_key(request)
            limit = settings.IMPORT_RATE_LIMIT
            retry_after = ratelimit.hit("minutes-import", key, limit=limit, window=60)
            if retry_after:
                return ratelimit.too_many_requests(request, retry_after)
        return view(request)

    return wrapper


def read_upload(upload: UploadedFile[bytes]) -> str:
    """The text of an uploaded minutes file (raises :class:`UnreadableMinutes`)."""
    suffix = PurePath(upload.name or "").suffix.lower()[:10]
    with tempfile.TemporaryDirectory(prefix="minka-import-") as folder:
        target = Path(folder) / f"minutes{suffix}"
        with target.open("wb") as file:
            for chunk in upload.chunks():
                file.write(chunk)
        return read_minutes(target, filename=upload.name)


def _preview(request: AuthenticatedHttpRequest, form: ImportForm, *, status: int) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "source_text": form["source_text"].value() or "",
        "attendees": [
            (row, form.candidate(index)) for index, row in enumerate(form.attendee_rows())
        ],
        "warnings": getattr(form, "warnings", []),
        "missed": getattr(form, "missed", {}),
    }
    return render(request, "meetings/minutes_import_preview.html", context, status=status)


def _review_form(parsed: ParsedMinutes, *, source_name: str, source_text: str) -> ImportForm:
    """The review form of ``parsed``: the series proposed, and the directory people each
    attendee may refer to (the single exact match pre-selected)."""
    initial = ImportForm.initial_for(
        parsed,
        source_name=source_name,
        source_text=source_text,
        series=series_propose(parsed.title),
    )
    names = [attendee.name for attendee in parsed.attendees[:MAX_ROWS]]
    form = ImportForm(initial=initial, candidates=attendee_candidates(names))
    # Ignored type errors: the preview form carries the parser's warnings for its template, a
    # missed field's beside the field and the others above the form.
    missed = {name: str(MISSED[name]) for name in parsed.missed()}
    form.missed = missed  # type: ignore[attr-defined]
    shown = set(missed.values())
    form.warnings = [w for w in parsed.warnings if w not in shown]  # type: ignore[attr-defined]
    return form


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_import_minutes)
@_rate_limited
def minutes_import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 1: the file (and the year, for minutes that say "del presente")."""
    is_post = request.method == "POST"
    form = UploadForm(request.POST, request.FILES) if is_post else UploadForm()
    status = 400 if is_post else 200
    if is_post and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = read_upload(upload)
            parsed = parse_minutes_within_budget(text, year=form.cleaned_data["year"])
        except UnreadableMinutes as error:
            form.add_error("file", str(error))
            status = 503 if isinstance(error, ParserUnavailable) else 400
        else:
            preview = _review_form(parsed, source_name=upload.name or "", source_text=text)
            return _preview(request, preview, status=200)
    return render(request, "meetings/minutes_import.html", {"form": form}, status=status)


@require_POST
@permission_required(permissions.can_import_minutes)
@_rate_limited
def minutes_import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 2: the corrected structure becomes a held meeting with draft minutes."""
    names = ImportForm.posted_names(request.POST)
    form = ImportForm(request.POST, candidates=attendee_candidates(names))  # as in the preview
    if form.is_valid():
        parsed, choices = form.parsed()
        try:
            meeting = minutes_import(
                actor=request.user,
                parsed=parsed,
                series=form.cleaned_data["series"],
                new_series=form.cleaned_data["new_series"],
                choices=choices,
                source_name=form.cleaned_data["source_name"],
                visibility=form.cleaned_data["visibility"],
            )
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, _("The minutes were imported as a draft: review them."))
            return redirect(reverse("meetings:minutes-detail", args=[meeting.public_id]))
    return _preview(request, form, status=400)
