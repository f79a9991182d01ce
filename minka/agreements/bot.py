"""The agreements' command of the Telegram bot: ``/acuerdos`` lists the open commitments the
chat may see (a visitor's view in a group) with their owners and deadlines, soonest first;
``/acuerdos vencidos`` only the overdue ones."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minka.agreements.selectors import commitments_visible_to, with_owners
from minka.core.urls_util import absolute_url
from minka.notifications.telegram.bot import bot_command_register, render_reply

if TYPE_CHECKING:
    from minka.agreements.models import Commitment
    from minka.notifications.telegram.bot import BotRequest

# Commitments listed; the dashboard has the rest.
SHOWN = 10
OVERDUE_WORDS = frozenset({"vencidos", "vencido", "overdue"})


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _owners(commitment: Commitment) -> str:
    """Who answers for it, as the viewer may see them (prefetched by ``with_owners``)."""
    names = [o.acronym or o.name for o in commitment.responsible_organizations.all()]
    names += [p.full_name for p in commitment.responsible_people.all()]
    return ", ".join(names) or commitment.responsible_text


def commitments(request: BotRequest) -> str:
    """``/acuerdos [vencidos]``."""
    argument = _plain(request.args)
    if argument and argument not in OVERDUE_WORDS:
        return render_reply("notifications/telegram/commitments_usage.html")
    overdue = bool(argument)
    visible = commitments_visible_to(request.viewer)
    chosen = visible.overdue() if overdue else visible.open()
    ordered = chosen.order_by(F("due_date").asc(nulls_last=True), "pk")
    total = ordered.count()
    items = [
        {
            "title": commitment.title,
            "url": absolute_url(commitment.get_absolute_url()),
            "owners": _owners(commitment),
            "due_date": commitment.due_date,
            "overdue": commitment.is_overdue,
        }
        for commitment in with_owners(ordered, request.viewer)[:SHOWN]
    ]
    dashboard = reverse("agreements:dashboard") + ("?overdue=1" if overdue else "")
    return render_reply(
        "notifications/telegram/commitments.html",
        {
            "overdue": overdue,
            "items": items,
            "more": max(total - SHOWN, 0),
            "list_url": absolute_url(dashboard),
        },
    )


bot_command_register(
    "acuerdos",
    commitments,
    help_text=_("open commitments with owners and deadlines (add “vencidos” for the overdue)"),
)
