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
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
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


def _due(now: datetime, limit: int) -> list[tuple[int, str | None]]:
    """Due messages, oldest first, each with its *target*: the webhook or group chat it goes
    to (``None`` for a person's email or chat), so that one receiver is written to by one
    thread at a time."""
    rows = (
        Message.objects.due(now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", "endpoint_id", "chat_id")[:limit]
    )
    return [
        (pk, f"w{endpoint}" if endpoint else f"c{chat}" if chat else None)
        for pk, endpoint, chat in rows
    ]


def _claim_and_deliver(pk: int, now: datetime | None) -> str | None:
    """Claim ``pk`` just before delivering it (``None``: another worker has it). The lease
    is counted from this moment, so a long pass cannot let it run out before the send."""
    claimed_at = now or timezone.now()
    if not _claim(pk, claimed_at):
        return None
    return deliver_one(pk, now=claimed_at)


def outbox_deliver(*, now: datetime | None = None, limit: int = 200) -> Counter[str]:
    """One pass over up to ``limit`` due messages (``minka outbox --once``, tests); return
    the outcomes counted by status. Each message is claimed just before it is sent; with
    threads, at most one message per webhook or group chat is in flight."""
    now = now or timezone.now()
    due = _due(now, limit)
    threads = settings.OUTBOX_THREADS
    # Other threads' connections cannot see rows of a transaction still open (a test's).
    if threads <= 1 or len(due) <= 1 or connection.in_atomic_block:
        outcomes = [_claim_and_deliver(pk, now) for pk, _target in due]
        return Counter(outcome for outcome in outcomes if outcome)
    server = OutboxServer(threads)
    try:
        return server.drain(due, now)
    finally:
        server.close()


class OutboxServer:
    """Deliveries on a pool of threads that stays busy: whenever a thread is free, the next
    due message is claimed and handed to it, so a receiver that hangs until its timeout
    holds one thread, never the messages behind it (and never two threads: one message per
    webhook or group chat at a time). ``minka outbox`` runs one; :meth:`tick` hands out
    work, :meth:`wait` collects what finished."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="outbox")
        self.in_flight: dict[Future[str | None], tuple[int, str | None]] = {}

    @property
    def busy(self) -> bool:
        return bool(self.in_flight)

    def _submit(self, pk: int, target: str | None, now: datetime | None) -> None:
        future = self.pool.submit(_in_thread, pk, now)
        self.in_flight[future] = (pk, target)

    def _eligible(self, due: list[tuple[int, str | None]]) -> list[tuple[int, str | None]]:
        taken = {pk for pk, _target in self.in_flight.values()}
        targets = {target for _pk, target in self.in_flight.values() if target}
        chosen: list[tuple[int, str | None]] = []
        for pk, target in due:
            if len(chosen) + len(self.in_flight) >= self.threads:
                break
            if pk in taken or (target is not None and target in targets):
                continue
            chosen.append((pk, target))
            if target is not None:
                targets.add(target)
        return chosen

    def tick(self, now: datetime | None = None) -> int:
        """Hand due messages to the free threads; return how many."""
        free = self.threads - len(self.in_flight)
        if free <= 0:
            return 0
        chosen = self._eligible(_due(now or timezone.now(), free * 4 + len(self.in_flight)))
        for pk, target in chosen:
            self._submit(pk, target, now)
        return len(chosen)

    def wait(self, timeout: float) -> Counter[str]:
        """Wait up to ``timeout`` seconds for a delivery to finish; count the finished ones."""
        if not self.in_flight:
            return Counter()
        done, _pending = wait(self.in_flight, timeout=timeout, return_when=FIRST_COMPLETED)
        outcomes: Counter[str] = Counter()
        for future in done:
            del self.in_flight[future]
            outcome = future.result()
            if outcome:
                outcomes[outcome] += 1
        return outcomes

    def drain(self, due: list[tuple[int, str | None]], now: datetime) -> Counter[str]:
        """Deliver exactly the messages ``due`` (one pass), keeping every thread busy."""
        waiting = list(due)
        outcomes: Counter[str] = Counter()
        while waiting or self.in_flight:
            for pk, target in self._eligible(waiting):
                waiting.remove((pk, target))
                self._submit(pk, target, now)
            outcomes += self.wait(timeout=1.0)
        return outcomes

    def close(self) -> None:
        self.pool.shutdown(wait=True)


def _in_thread(pk: int, now: datetime | None) -> str | None:
    try:
        return _claim_and_deliver(pk, now)
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
