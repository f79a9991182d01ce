"""Views: invitations, RSVP, attendance, check-in and the attendees directory (being built)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.urls import URLPattern

    from minka.meetings.models import Meeting

urlpatterns: list[URLPattern] = []


def rsvp_panel(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    """Context for ``meetings/partials/meeting_rsvp.html`` and
    ``meetings/partials/meeting_attendance.html`` on the meeting page (fixed query count)."""
    return {}
