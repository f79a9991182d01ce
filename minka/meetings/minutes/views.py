"""Views: the minutes page, editing, the review cycle, revisions (being built)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.urls import URLPattern

    from minka.meetings.models import Meeting

urlpatterns: list[URLPattern] = []


def minutes_panel(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    """Context for ``meetings/partials/meeting_minutes.html`` on the meeting page."""
    return {}
