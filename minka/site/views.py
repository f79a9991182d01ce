"""The site's own pages: the home page, which gathers what every app shows first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import render
from django.views.decorators.http import require_GET

from minka.meetings import selectors as meetings

if TYPE_CHECKING:
    from django.http import HttpResponse

    from minka.core.http import HtmxHttpRequest


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """The home page, with the next meeting and the latest published minutes the viewer
    may see (two queries)."""
    context = {
        "next_meeting": meetings.meeting_next_for(request.user),
        "latest_minutes": meetings.minutes_latest_published(request.user),
    }
    return render(request, "site/home.html", context)
