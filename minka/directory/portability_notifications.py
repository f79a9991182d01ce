"""The notifications' part of a person's data export ("Mis datos", Ley 29733 right of
access): their preferences, what they follow, their linked Telegram chat and the messages
sent to them (kind, channel, status and times; no rendered text is stored).

It lives here because the notifications app sits below the directory and cannot register
into it; the directory reads the notifications' tables, as the layers allow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.directory.portability import register_export_sections

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Person

SECTIONS = {
    "notification_preferences": "notifications.Preference",
    "follows": "notifications.Follow",
    "telegram_account": "notifications.TelegramAccount",
    "notifications_sent": "notifications.Message",
}


@register_export_sections(SECTIONS)
def notification_sections(person: Person, user: User | None) -> dict[str, Any]:
    from minka.notifications.models import Follow, Message, Preference, TelegramAccount

    if user is None:
        return {section: [] for section in SECTIONS}
    return {
        "notification_preferences": list(
            Preference.objects.filter(user=user)
            .order_by("kind", "channel")
            .values("kind", "channel", "frequency")
        ),
        "follows": list(
            Follow.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values("target_type", "target_id", "created_at")
        ),
        "telegram_account": list(
            TelegramAccount.objects.filter(user=user).values("chat_id", "username", "linked_at")
        ),
        "notifications_sent": list(
            Message.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values("public_id", "created_at", "kind", "channel", "status", "sent_at")
        ),
    }
