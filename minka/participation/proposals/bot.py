"""The proposals' command of the Telegram bot: ``/propuestas`` lists the open proposals the
chat may see (a visitor's view in a group, the linked account's in its private chat), most
supported first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minka.core.urls_util import absolute_url
from minka.notifications.telegram.bot import bot_command_register, render_reply
from minka.participation.proposals.selectors import proposals_visible_to

if TYPE_CHECKING:
    from minka.notifications.telegram.bot import BotRequest

SHOWN = 10


def proposals(request: BotRequest) -> str:
    """``/propuestas``."""
    ordered = (
        proposals_visible_to(request.viewer).open().order_by("-support_count", "-created_at", "-pk")
    )
    total = ordered.count()
    items = [
        {
            "title": proposal.title,
            "url": absolute_url(proposal.get_absolute_url()),
            "supports": proposal.support_count,
        }
        for proposal in ordered.only("public_id", "title", "support_count")[:SHOWN]
    ]
    return render_reply(
        "participation/emails/proposal_bot_list.html",
        {
            "items": items,
            "more": max(total - SHOWN, 0),
            "list_url": absolute_url(reverse("participation:proposal-list")),
        },
    )


def register() -> None:
    bot_command_register(
        "propuestas", proposals, help_text=_("open agenda proposals, most supported first")
    )
