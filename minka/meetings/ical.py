"""iCalendar output (being built)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from minka.meetings.models import Invitee, Meeting


def invitation_ics(
    meeting: Meeting, *, method: Literal["REQUEST", "CANCEL"], invitee: Invitee
) -> bytes:
    """A one-event calendar with ``METHOD:<method>`` addressed to ``invitee`` (ATTENDEE),
    with the meeting's UID and SEQUENCE, for attaching to an invitation or cancellation."""
    raise NotImplementedError
