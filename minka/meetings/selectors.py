"""Reads shared by every page of the meetings app: a meeting or its minutes, permission-checked.

Each area (meetings, attendance, minutes, calendars) adds the selectors its pages need; these
two are the entry points every view uses so that an invisible meeting always answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404

from minka.meetings import permissions
from minka.meetings.models import Meeting, Minutes

if TYPE_CHECKING:
    from uuid import UUID


def meeting_get(*, user: Any, public_id: UUID | str) -> Meeting:
    """The meeting ``public_id`` with its series, if ``user`` may see it (``Http404`` otherwise)."""
    meeting: Meeting | None = (
        Meeting.objects.visible_to(user)
        .select_related("series")
        .filter(public_id=public_id)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def minutes_get(*, user: Any, public_id: UUID | str) -> Minutes:
    """The minutes of meeting ``public_id`` (with the meeting, its series and the current
    revision) if ``user`` may read them in their present state (``Http404`` otherwise)."""
    minutes = (
        Minutes.objects.select_related("meeting__series", "current_revision", "approved_by")
        .filter(meeting__public_id=public_id)
        .first()
    )
    if minutes is None or not permissions.can_view_minutes(user, minutes):
        raise Http404
    return minutes
