"""The meetings' part of a person's data export ("Mis datos", Ley 29733 right of access)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.directory.portability import register_export_sections

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Person


@register_export_sections(
    {
        "meeting_invitations": "meetings.Invitee",
        "attendances": "meetings.Attendance",
        "agenda_items_presented": "meetings.AgendaItem",
        "meetings_created": "meetings.Meeting",
        "minutes_approved": "meetings.Minutes",
        "minutes_revisions": "meetings.MinutesRevision",
        "minutes_observations": "meetings.Observation",
        "calendar_feed": "meetings.CalendarFeed",
    }
)
def meeting_sections(person: Person, user: User | None) -> dict[str, Any]:
    """Invitations, attendances and agenda items of the person; what their account wrote in
    minutes (revisions, observations, approvals), the meetings it created and its personal
    calendar feed (when it was made and last used; never the token or its hash)."""
    from minka.meetings.minutes.models import Minutes, MinutesRevision, Observation
    from minka.meetings.models import AgendaItem, Attendance, CalendarFeed, Invitee, Meeting

    meeting = ("meeting__public_id", "meeting__title", "meeting__starts_at")
    sections: dict[str, Any] = {
        "meeting_invitations": list(
            Invitee.objects.filter(person=person)
            .order_by("invited_at", "pk")
            .values(*meeting, "organization__name", "rsvp", "responded_at", "invited_at")
        ),
        "attendances": list(
            Attendance.objects.filter(person=person)
            .order_by("created_at", "pk")
            .values(*meeting, "organization__name", "source", "created_at")
        ),
        "agenda_items_presented": list(
            AgendaItem.objects.filter(presenter=person)
            .order_by("meeting__starts_at", "position")
            .values(*meeting, "title", "presenter_organization__name")
        ),
    }
    if user is None:
        account_only = ("meetings_created", "minutes_approved", "minutes_revisions")
        return sections | {
            key: [] for key in (*account_only, "minutes_observations", "calendar_feed")
        }
    minutes = ("minutes__meeting__public_id", "minutes__meeting__title")
    return sections | {
        "meetings_created": list(
            Meeting.objects.filter(created_by=user)
            .order_by("created_at", "pk")
            .values("public_id", "title", "starts_at", "created_at")
        ),
        "minutes_approved": list(
            Minutes.objects.filter(approved_by=user)
            .order_by("approved_at", "pk")
            .values(*meeting, "approved_at")
        ),
        "minutes_revisions": list(
            MinutesRevision.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values(*minutes, "number", "kind", "reason", "created_at")
        ),
        "minutes_observations": list(
            Observation.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values(*minutes, "section", "text", "revision_number", "created_at")
        ),
        "calendar_feed": list(
            CalendarFeed.objects.filter(user=user).values("created_at", "last_used_at")
        ),
    }
