"""Access-matrix entries of Telegram: the webhook the Bot API posts to, and the coordinators'
pages of the network's group chats and channels.

The webhook is for Telegram alone: without the secret token header (the matrix sends none,
and no secret is configured in tests) every POST is refused (403) before anything is read;
other methods answer 405.

The chats' pages are for coordinators and admins: visitors are sent to sign in (302), the
other roles get 403 before any lookup. An empty form is refused (400), a complete one saves
and goes back to the list (302); an unknown chat is not found (404). Without a bot token (as
in tests) a chat is registered by its number, unchecked.
"""

from __future__ import annotations

from typing import Any

from minka.core.tests.access_matrix import Access, everyone, form_view, row
from minka.notifications.models import TelegramChat

COORDINATOR_PAGE = row(302, 403, 403, 403, 200, 200)
COORDINATOR_REFUSED = row(302, 403, 403, 403, 400, 400)
COORDINATOR_DONE = row(302, 403, 403, 403, 302, 302)
COORDINATOR_UNKNOWN = row(302, 403, 403, 403, 404, 404)

MATRIX: dict[str, Access] = {
    "notifications:telegram-webhook": Access({"POST": everyone(403)}),
    "notifications:telegramchat-list": Access({"GET": COORDINATOR_PAGE}),
    "notifications:telegramchat-create": Access(form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED)),
    "notifications:telegramchat-create[valid]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_DONE),
        data={"chat": "-1001000000099", "title": "Grupo de la red", "active": "on"},
    ),
    "notifications:telegramchat-edit": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="nt_telegram_chat"
    ),
    "notifications:telegramchat-edit[valid]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_DONE),
        kwargs="nt_telegram_chat",
        data={"title": "Red TIC"},
    ),
    "notifications:telegramchat-edit[unknown]": Access(
        form_view(COORDINATOR_UNKNOWN, COORDINATOR_UNKNOWN), kwargs="nt_telegram_chat_unknown"
    ),
    "notifications:telegramchat-delete": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_DONE), kwargs="nt_telegram_chat"
    ),
    "notifications:telegramchat-delete[unknown]": Access(
        form_view(COORDINATOR_UNKNOWN, COORDINATOR_UNKNOWN), kwargs="nt_telegram_chat_unknown"
    ),
}

KWARGS = {
    "nt_telegram_chat": lambda o: {"pk": o.nt_telegram_chat.pk},
    "nt_telegram_chat_unknown": lambda o: {"pk": 999_999},
}


def setup_objects(case: Any, objects: Any) -> None:
    objects.nt_telegram_chat = TelegramChat.objects.create(
        chat_id=-1001000000001, title="Red TIC", kinds=[]
    )
