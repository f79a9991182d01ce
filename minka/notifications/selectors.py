"""Reads of the notifications pages: a person's preferences, follows, Telegram link and last
messages; the coordinators' view of the outbox. Each runs a fixed number of queries,
whatever the number of rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils.translation import gettext as _

from minka.notifications.follows import follow_target_get
from minka.notifications.kinds import Channel, kind_get
from minka.notifications.models import Follow, Message, Preference, TelegramAccount

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import QuerySet
    from django.utils.functional import Promise

    from minka.accounts.models import User
    from minka.core.types import Actor

MESSAGES_SHOWN = 50


def preference_map(user: User) -> dict[tuple[str, str], str]:
    """``user``'s own choices, ``{(kind, channel): frequency}`` (defaults not included)."""
    rows = Preference.objects.filter(user=user).values_list("kind", "channel", "frequency")
    return {(kind, channel): frequency for kind, channel, frequency in rows}


def telegram_account_get(user: User) -> TelegramAccount | None:
    """The Telegram chat ``user`` linked, if any."""
    return TelegramAccount.objects.filter(user=user).first()


@dataclass
class FollowRow:
    """One thing a person follows; ``title`` and ``url`` are empty when it is gone or the
    person may no longer see it (it is then only named by its type)."""

    target_type: str
    target_id: int
    type_label: str | Promise
    title: str
    url: str


def follow_list(user: User) -> list[FollowRow]:
    """What ``user`` follows, by type and title: one query for the follows and one per
    registered type among them. Follows of an unregistered type (an app switched off) are
    left out; those of objects gone or hidden keep a row without a title."""
    ids: dict[str, list[int]] = defaultdict(list)
    for target_type, target_id in (
        Follow.objects.filter(user=user)
        .order_by("target_type", "created_at", "id")
        .values_list("target_type", "target_id")
    ):
        ids[target_type].append(target_id)
    rows: list[FollowRow] = []
    for target_type, target_ids in ids.items():
        try:
            target = follow_target_get(target_type)
        except LookupError:
            continue
        found = target.lookup(target_ids, user)
        rows += [
            FollowRow(target_type, target_id, target.label, *found.get(target_id, ("", "")))
            for target_id in target_ids
        ]
    return sorted(rows, key=lambda row: (str(row.type_label), not row.title, row.title.lower()))


def follow_exists(user: Actor, target_type: str, target_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(
        user_id=user.pk, target_type=target_type, target_id=target_id
    ).exists()


@dataclass
class SentRow:
    """A message as its recipient sees it in their list: what, where, how it went."""

    kind: str
    channel: str
    status: str
    date: datetime


def kind_label(code: str) -> str:
    """A kind's label, or a plain word for a kind no longer registered."""
    try:
        return str(kind_get(code).label)
    except LookupError:
        return _("Another notice")


def message_list_for(user: User) -> list[SentRow]:
    """The last :data:`MESSAGES_SHOWN` messages written to ``user`` (one query): kind,
    channel, status and date; never a body, an address or an error text."""
    messages = (
        Message.objects.filter(user=user)
        .order_by("-created_at", "-id")
        .only("kind", "channel", "status", "created_at", "sent_at")[:MESSAGES_SHOWN]
    )
    return [
        SentRow(
            kind=kind_label(message.kind),
            channel=message.get_channel_display(),
            status=message.get_status_display(),
            date=message.sent_at or message.created_at,
        )
        for message in messages
    ]


@dataclass
class OutboxCount:
    status: str
    label: str
    counts: list[tuple[str, int]]  # (channel's label, count)
    total: int


def outbox_counts() -> tuple[list[str], list[OutboxCount]]:
    """Messages by status and channel (one query): the channels' labels, and a row per
    status with a count per channel."""
    channels = list(Channel)
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for row in Message.objects.order_by().values("status", "channel").annotate(n=Count("id")):
        table[row["status"]][row["channel"]] = row["n"]
    rows = []
    for status in Message.Status:
        counts = [(str(channel.label), table[status].get(channel, 0)) for channel in channels]
        total = sum(count for _label, count in counts)
        rows.append(OutboxCount(status.value, str(status.label), counts, total))
    return [str(channel.label) for channel in channels], rows


def outbox_list(statuses: tuple[str, ...]) -> QuerySet[Message]:
    """Messages of ``statuses``, newest first, with their recipient's name or chat or
    webhook title: the only columns read, so no address or secret leaves the database."""
    return (
        Message.objects.filter(status__in=statuses)
        .select_related("user", "chat", "endpoint")
        .only(
            "public_id",
            "created_at",
            "kind",
            "channel",
            "status",
            "attempts",
            "next_attempt_at",
            "last_error",
            "response_status",
            "user",
            "chat",
            "endpoint",
            "user__full_name",
            "chat__title",
            "endpoint__description",
        )
        .order_by("-created_at", "-id")
    )


def recipient_name(message: Message) -> str:
    """Who a message is for, as a coordinator may read it: a person's name, a group's
    title, a webhook's description; never an address."""
    if message.user_id is not None and message.user is not None:
        return message.user.full_name or _("A person without a name")
    if message.chat_id is not None and message.chat is not None:
        return message.chat.title
    if message.endpoint_id is not None and message.endpoint is not None:
        return message.endpoint.description or _("Webhook without a description")
    return _("A guest without an account")
