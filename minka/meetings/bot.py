"""The meetings' command of the Telegram bot: ``/proxima``, the next meeting the chat may
see (a visitor's view in a group), with its date, time, place or online link, and agenda."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minka.core.urls_util import absolute_url
from minka.meetings import permissions, selectors
from minka.meetings.models import Modality
from minka.notifications.telegram.bot import bot_command_register, render_reply

if TYPE_CHECKING:
    from minka.notifications.telegram.bot import BotRequest

# Agenda items listed; the rest are on the meeting's page.
AGENDA_SHOWN = 12


def next_meeting(request: BotRequest) -> str:
    """``/proxima``: through the home page's selector, so the chat sees what its viewer may."""
    meeting = selectors.meeting_next_for(request.viewer)
    if meeting is None:
        return render_reply(
            "notifications/telegram/meeting_next.html",
            {"meeting": None, "list_url": absolute_url(reverse("meetings:meeting-list"))},
        )
    agenda = list(meeting.agenda_items.order_by("position", "pk")[: AGENDA_SHOWN + 1])
    more_items = meeting.agenda_items.count() - AGENDA_SHOWN if len(agenda) > AGENDA_SHOWN else 0
    online = meeting.modality in (Modality.VIRTUAL, Modality.HYBRID)
    link = meeting.online_url if permissions.can_view_online_link(request.viewer, meeting) else ""
    return render_reply(
        "notifications/telegram/meeting_next.html",
        {
            "meeting": meeting,
            "url": absolute_url(meeting.get_absolute_url()),
            "same_day": meeting.starts_at.date() == meeting.ends_at.date(),
            "in_person": meeting.modality != Modality.VIRTUAL,
            "online": online,
            "online_url": link if online else "",
            "agenda": agenda[:AGENDA_SHOWN],
            "more_items": more_items,
        },
    )


bot_command_register(
    "proxima", next_meeting, help_text=_("the next meeting: date, place and agenda")
)
