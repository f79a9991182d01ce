"""The outbox worker: deliver due messages, with retries, at most once per key.

One pass (:func:`outbox_deliver`) picks the due messages, *claims* each one (a conditional
``UPDATE`` from ``pending`` to ``sending`` with a lease: of several workers only one wins),
renders it in the recipient's language, hands it to its channel and records the outcome:

- sent: done, never sent again;
- nothing to send (the object is gone, or the recipient may no longer see it): skipped;
- permanent failure (unknown chat, rejected address): failed, no retry;
- transient failure (server down, slow, 5xx, 429): retried after the channel's
  ``retry_after`` or on an exponential schedule (``MINKA_OUTBOX_RETRY_BASE`` doubled at each
  attempt, at most ``MINKA_OUTBOX_RETRY_MAX``); after ``MINKA_OUTBOX_MAX_ATTEMPTS`` it is
  given up ("dead") and shown to coordinators, who may retry it.

A worker killed in the middle of a delivery leaves its message ``sending``; once the lease
runs out another pass claims it again. That is the only way a message can go out twice
(the receiver may dedupe: emails carry a ``Message-ID`` and webhooks a ``webhook-id`` made
from the message's public id).

Deliveries of one pass run on ``MINKA_OUTBOX_THREADS`` threads, so a webhook that hangs
until its timeout does not hold back the messages behind it.
"""

from __future__ import annotations

import importlib
import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone, translation

from minka.notifications.channels import PermanentError, TransientError
from minka.notifications.kinds import Channel, RenderContext, kind_get
from minka.notifications.models import Message

if TYPE_CHECKING:
    from minka.notifications.kinds import Notice

logger = logging.getLogger(__name__)


class ChannelSender(Protocol):
    def send(self, message: Message, notice: Notice) -> None: ...


_CHANNELS: dict[str, str] = {
    Channel.EMAIL: "minka.notifications.channels.email.EmailChannel",
    Channel.TELEGRAM: "minka.notifications.channels.telegram.TelegramChannel",
    Channel.WEBHOOK: "minka.notifications.channels.webhook.WebhookChannel",
}


def channel_get(code: str) -> ChannelSender:
    """The sender of channel ``code`` (imported when first used)."""
    module_name, _, class_name = _CHANNELS[code].rpartition(".")
    sender: ChannelSender = getattr(importlib.import_module(module_name), class_name)()
    return sender


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: the base, doubled at each
    failure, capped."""
    base = settings.OUTBOX_RETRY_BASE
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.OUTBOX_RETRY_MAX)
    return timedelta(seconds=seconds)


def outbox_deliver(*, now: datetime | None = None, limit: int = 200) -> Counter[str]:
    """Deliver up to ``limit`` due messages; return the outcomes counted by status."""
    now = now or timezone.now()
    due = list(
        Message.objects.due(now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = [pk for pk in due if _claim(pk, now)]
    threads = settings.OUTBOX_THREADS
    # Other threads' connections cannot see rows of a transaction still open (a test's).
    if threads <= 1 or len(claimed) <= 1 or connection.in_atomic_block:
        return Counter(deliver_one(pk, now=now) for pk in claimed)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return Counter(pool.map(lambda pk: _in_thread(pk, now), claimed))


def _in_thread(pk: int, now: datetime) -> str:
    try:
        return deliver_one(pk, now=now)
    finally:
        close_old_connections()
        connection.close()


def _claim(pk: int, now: datetime) -> bool:
    lease = now + timedelta(seconds=settings.OUTBOX_LEASE)
    return (
        Message.objects.due(now)
        .filter(pk=pk)
        .update(status=Message.Status.SENDING, lease_until=lease)
        == 1
    )


def _render(message: Message) -> Notice | None:
    kind = kind_get(message.kind)
    user = message.user
    if user is not None and not user.is_active:
        return None
    context = RenderContext(
        user=user,
        channel=message.channel,
        public=user is None and (message.chat_id is not None or message.endpoint_id is not None),
        message_id=message.pk,
    )
    return kind.render(dict(message.params), context)


def deliver_one(pk: int, *, now: datetime | None = None) -> str:
    """Deliver the claimed message ``pk`` and record the outcome; returns its new status."""
    now = now or timezone.now()
    message = Message.objects.select_related("user", "chat", "endpoint").get(pk=pk)
    changes: dict[str, object]
    # The recipient's language for the renderer and for the channel's own words (an email's
    # footer, its unsubscribe line).
    try:
        with translation.override(message.language or settings.LANGUAGE_CODE):
            notice = _render(message)
            if notice is not None:
                channel_get(message.channel).send(message, notice)
        if notice is None:
            changes = {"status": Message.Status.SKIPPED}
        else:
            changes = {
                "status": Message.Status.SENT,
                "sent_at": timezone.now(),
                "attempts": message.attempts + 1,
                "last_error": "",
            }
    except PermanentError as error:
        changes = {
            "status": Message.Status.FAILED,
            "attempts": message.attempts + 1,
            "last_error": str(error)[:200],
        }
    except TransientError as error:
        changes = _retry(message, now, str(error), error.retry_after, counts=error.counts)
    except Exception as error:
        # A bug in a renderer or a channel must not stop the queue nor loop forever: it is
        # retried on the schedule and given up after the last attempt, like a transient error.
        logger.exception("notification %s could not be delivered", message.public_id)
        changes = _retry(message, now, type(error).__name__, None, counts=True)
    with transaction.atomic():
        Message.objects.filter(pk=pk, status=Message.Status.SENDING).update(
            lease_until=None, **changes
        )
    return str(changes["status"])


def _retry(
    message: Message, now: datetime, error: str, retry_after: float | None, *, counts: bool
) -> dict[str, object]:
    attempts = message.attempts + (1 if counts else 0)
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        return {"status": Message.Status.DEAD, "attempts": attempts, "last_error": error[:200]}
    delay = timedelta(seconds=retry_after) if retry_after is not None else retry_delay(attempts)
    return {
        "status": Message.Status.PENDING,
        "attempts": attempts,
        "next_attempt_at": now + delay,
        "last_error": error[:200],
    }
