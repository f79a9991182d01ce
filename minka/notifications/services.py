"""Writes of the notifications app: the outbox rows of an event, preferences, follows and the
coordinators' retry.

:func:`notify` is called by the service that made the change, inside its transaction, so
that the change and its messages are committed together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from minka.core.permissions import require
from minka.core.services import audit_record
from minka.core.urls_util import absolute_url
from minka.notifications import permissions
from minka.notifications.consent import consent_allowed
from minka.notifications.kinds import (
    DIGESTS,
    PERSONAL_CHANNELS,
    Channel,
    Frequency,
    kind_get,
)
from minka.notifications.models import (
    Follow,
    Message,
    Preference,
    TelegramAccount,
    TelegramChat,
    WebhookEndpoint,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import datetime

    from minka.accounts.models import User
    from minka.core.types import Actor

# What a message may carry: ids and short codes, never a text or an address.
Param = int | str | None

BULK_BATCH = 500
ID_CHUNK = 10_000
UNSUBSCRIBE_SALT = "minka.notifications.unsubscribe"


def _check_params(params: Mapping[str, Param]) -> None:
    for name, value in params.items():
        if not isinstance(value, int | str | None):
            raise TypeError(f"Message parameters are ids: {name} is {type(value).__name__}.")


def _guest_key(guest: dict[str, Param]) -> str:
    encoded = json.dumps(guest, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


def notify(
    kind: str,
    *,
    key: str,
    params: Mapping[str, Param],
    users: Iterable[User] = (),
    guests: Iterable[dict[str, Param]] = (),
    announce: bool = False,
    exclude: User | None = None,
    now: datetime | None = None,
) -> int:
    """Write the outbox rows of one event of ``kind`` and return how many were offered (a
    row whose key exists already is left as it is).

    ``key`` names the event (``meeting:12:changed:3``): with the recipient and the channel it
    makes each row's idempotency key, so calling twice for the same event adds nothing.
    ``users`` who consented to news on a channel (any user, for a transactional kind: see
    :mod:`minka.notifications.consent`) get it on the channels they chose (immediately, or
    held for their digest; Telegram only when linked); ``guests`` (ids of people without an
    account, e.g. an invitee) get an email; with ``announce`` the kind also goes to the
    active group chats and webhooks that chose it. ``exclude`` (who caused the event) is
    not written to.

    Call it inside the transaction of the change it reports.
    """
    event = kind_get(kind)
    _check_params(params)
    now = now or timezone.now()
    recipients = {
        user.pk: user
        for user in users
        if user.is_active and (exclude is None or user.pk != exclude.pk)
    }
    chosen: dict[tuple[int, str], str] = {}
    linked: set[int] = set()
    consented: dict[str, set[int]] = {channel: set() for channel in PERSONAL_CHANNELS}
    ids = list(recipients)
    # In chunks: SQLite takes at most 32,766 values in one query.
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        chosen.update(
            ((user_id, channel), frequency)
            for user_id, channel, frequency in Preference.objects.filter(
                kind=kind, user_id__in=chunk
            ).values_list("user_id", "channel", "frequency")
        )
        linked.update(
            TelegramAccount.objects.filter(user_id__in=chunk).values_list("user_id", flat=True)
        )
        for channel in PERSONAL_CHANNELS:
            consented[channel] |= (
                set(chunk) if event.transactional else consent_allowed(chunk, channel)
            )
    rows = []
    for user in recipients.values():
        for channel in PERSONAL_CHANNELS:
            if user.pk not in consented[channel]:
                continue
            frequency = chosen.get((user.pk, channel)) or event.default(channel)
            if frequency == Frequency.NEVER:
                continue
            if channel == Channel.TELEGRAM and user.pk not in linked:
                continue
            held = frequency in DIGESTS
            rows.append(
                Message(
                    kind=kind,
                    channel=channel,
                    user=user,
                    params=dict(params),
                    language=user.language or settings.LANGUAGE_CODE,
                    key=f"{key}|{channel}|u{user.pk}",
                    status=Message.Status.HELD if held else Message.Status.PENDING,
                    digest=frequency if held else "",
                    created_at=now,
                    next_attempt_at=now,
                )
            )
    for guest in guests:
        _check_params(guest)
        language = str(guest.get("language") or settings.LANGUAGE_CODE)
        rows.append(
            Message(
                kind=kind,
                channel=Channel.EMAIL,
                params={**params, **guest},
                language=language,
                key=f"{key}|email|g{_guest_key(guest)}",
                created_at=now,
                next_attempt_at=now,
            )
        )
    if announce and event.announce:
        rows.extend(_announcements(kind, key=key, params=params, now=now))
    Message.objects.bulk_create(rows, batch_size=BULK_BATCH, ignore_conflicts=True)
    return len(rows)


def _announcements(
    kind: str, *, key: str, params: Mapping[str, Param], now: datetime
) -> list[Message]:
    """The rows for the group chats and webhooks that chose ``kind`` (their lists are
    short: filtered here rather than with JSON lookups, which SQLite lacks)."""
    language = settings.LANGUAGE_CODE
    rows = [
        Message(
            kind=kind,
            channel=Channel.TELEGRAM,
            chat=chat,
            params=dict(params),
            language=language,
            key=f"{key}|telegram|c{chat.pk}",
            created_at=now,
            next_attempt_at=now,
        )
        for chat in TelegramChat.objects.filter(active=True)
        if kind in chat.kinds
    ]
    rows += [
        Message(
            kind=kind,
            channel=Channel.WEBHOOK,
            endpoint=endpoint,
            params=dict(params),
            language=language,
            key=f"{key}|webhook|w{endpoint.pk}",
            created_at=now,
            next_attempt_at=now,
        )
        for endpoint in WebhookEndpoint.objects.filter(active=True)
        if kind in endpoint.kinds
    ]
    return rows


def follower_ids(*targets: tuple[str, int]) -> set[int]:
    """The ids of the people who follow any of ``targets`` (``(type, id)`` pairs)."""
    from django.db.models import Q

    query = Q()
    for target_type, target_id in targets:
        query |= Q(target_type=target_type, target_id=target_id)
    if not targets:
        return set()
    return set(Follow.objects.filter(query).values_list("user_id", flat=True))


@transaction.atomic
def preference_set(*, user: User, kind: str, channel: str, frequency: str) -> Preference:
    """Record ``user``'s choice for ``kind`` on a personal ``channel``."""
    kind_get(kind)
    if channel not in PERSONAL_CHANNELS:
        raise ValueError(f"{channel!r} is not a personal channel.")
    if frequency not in Frequency.values:
        raise ValueError(f"{frequency!r} is not a frequency.")
    preference, _created = Preference.objects.update_or_create(
        user=user, kind=kind, channel=channel, defaults={"frequency": frequency}
    )
    return preference


def follow_set(*, user: User, target_type: str, target_id: int, following: bool) -> bool:
    """Start or stop following a target; returns whether ``user`` follows it now. The
    caller checks that ``user`` may see the target."""
    if following:
        Follow.objects.get_or_create(user=user, target_type=target_type, target_id=target_id)
    else:
        Follow.objects.filter(user=user, target_type=target_type, target_id=target_id).delete()
    return following


def unsubscribe_token(*, user: User, kind: str, channel: str = Channel.EMAIL) -> str:
    """A signed token that turns ``kind`` off on ``channel`` for ``user`` (one click, no
    sign-in: the link in every email and its ``List-Unsubscribe`` header)."""
    return signing.dumps(
        {"u": str(user.public_id), "k": kind, "c": channel}, salt=UNSUBSCRIBE_SALT, compress=True
    )


def unsubscribe_url(*, user: User, kind: str, channel: str = Channel.EMAIL) -> str:
    token = unsubscribe_token(user=user, kind=kind, channel=channel)
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token}))


@transaction.atomic
def message_retry(*, actor: Actor, message: Message) -> Message:
    """Send a failed or given-up message again, now, with a fresh count of attempts."""
    require(permissions.can_manage_outbox(actor))
    retryable = (Message.Status.FAILED, Message.Status.DEAD)
    updated = Message.objects.filter(pk=message.pk, status__in=retryable).update(
        status=Message.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        lease_until=None,
        last_error="",
    )
    if updated:
        audit_record(actor=actor, action="update", target=message, changes={"status": "pending"})
    message.refresh_from_db()
    return message
