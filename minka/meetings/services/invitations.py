"""Services: invitations, RSVP, attendance, check-in, notices to invitees (being built)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from minka.meetings.models import Meeting


def invitees_notify(*, meeting: Meeting, change: Literal["updated", "cancelled"]) -> int:
    """Tell every invitee that ``meeting`` moved or changed (``updated``) or was cancelled,
    with an iCalendar REQUEST (new SEQUENCE) or CANCEL attached; sent on commit. Returns
    the number of invitees notified. Callers raise ``meeting.ical_sequence`` first."""
    return 0
