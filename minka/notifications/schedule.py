"""What the outbox worker does besides delivering: events due by the clock (reminders) and
digests.

- **Planners**: apps register functions that, given the time, raise the events that are due
  then (a meeting in 7 days or tomorrow, a commitment due in 7 days, tomorrow or overdue).
  Each passes :func:`~minka.notifications.services.notify` a key that names the occurrence
  (``meeting:12:reminder:7d``), so running a planner every minute, or on two workers, sends
  each reminder once.
- **Digests**: messages a person chose to get daily or weekly wait as ``held``. At
  ``MINKA_DIGEST_HOUR`` (in ``MINKA_TIME_ZONE``) every day, and on Mondays for the weekly
  ones, the held messages of each person and channel become one digest message.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.notifications.kinds import (
    Channel,
    EventKind,
    Frequency,
    Notice,
    RenderContext,
    kind_get,
    kind_register,
)
from minka.notifications.models import Message, Preference

logger = logging.getLogger(__name__)

Planner = Callable[[datetime], int]
_planners: list[Planner] = []

DIGEST_KIND = "notifications.digest"
DIGEST_LIMIT = 200


def planner_register(planner: Planner) -> Planner:
    """Register a function that raises the events due at a given time (a decorator)."""
    if planner not in _planners:
        _planners.append(planner)
    return planner


def outbox_plan(now: datetime | None = None) -> int:
    """Run every planner; return how many messages they offered. A failing planner is
    logged and does not stop the others."""
    now = now or timezone.now()
    offered = 0
    for planner in _planners:
        try:
            with transaction.atomic():
                offered += planner(now)
        except Exception:
            logger.exception("notification planner %s failed", planner.__qualname__)
    return offered


def digest_boundary(frequency: str, now: datetime) -> datetime:
    """The last time a digest of ``frequency`` was due at or before ``now``."""
    zone = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    boundary = datetime.combine(local.date(), time(settings.DIGEST_HOUR), tzinfo=zone)
    if boundary > local:
        boundary -= timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        boundary -= timedelta(days=boundary.weekday())
    return boundary


def outbox_digest(now: datetime | None = None) -> int:
    """Bundle the held messages whose digest is due into one message per person, channel and
    period; return how many digests were made."""
    now = now or timezone.now()
    made = 0
    for frequency in (Frequency.DAILY, Frequency.WEEKLY):
        boundary = digest_boundary(frequency, now)
        held = Message.objects.filter(
            status=Message.Status.HELD, digest=frequency, created_at__lt=boundary
        ).values_list("pk", "user_id", "channel", "language")
        groups: dict[tuple[int, str], list[int]] = defaultdict(list)
        languages: dict[tuple[int, str], str] = {}
        for pk, user_id, channel, language in held:
            groups[(user_id, channel)].append(pk)
            languages[(user_id, channel)] = language
        stopped = set(
            Preference.objects.filter(
                kind=DIGEST_KIND, frequency=Frequency.NEVER, user_id__in={u for u, _c in groups}
            ).values_list("user_id", "channel")
        )
        for (user_id, channel), ids in groups.items():
            if (user_id, channel) in stopped:
                # The person unsubscribed from digests (one click in a digest email).
                Message.objects.filter(pk__in=ids, status=Message.Status.HELD).update(
                    status=Message.Status.SKIPPED
                )
                continue
            with transaction.atomic():
                digest, created = Message.objects.get_or_create(
                    key=f"digest|{channel}|u{user_id}|{frequency}|{boundary.isoformat()}",
                    defaults={
                        "kind": DIGEST_KIND,
                        "channel": channel,
                        "user_id": user_id,
                        "params": {"frequency": frequency},
                        "language": languages[(user_id, channel)],
                        "next_attempt_at": now,
                    },
                )
                Message.objects.filter(pk__in=ids, status=Message.Status.HELD).update(
                    status=Message.Status.BUNDLED, bundle=digest
                )
                made += created
    return made


def _render_digest(params: dict[str, Any], context: RenderContext) -> Notice | None:
    """A digest lists what each bundled message says (a line and a link), skipping what
    there is nothing to say about any more."""
    if context.user is None or context.message_id is None:
        return None
    frequency = params.get("frequency")
    bundled = Message.objects.filter(bundle_id=context.message_id).order_by("created_at")[
        :DIGEST_LIMIT
    ]
    items = []
    for message in bundled:
        try:
            notice = kind_get(message.kind).render(dict(message.params), context)
        except LookupError:
            continue
        if notice is not None:
            items.append(notice)
    if not items:
        return None
    daily = frequency == Frequency.DAILY
    subject = str(_("Your daily digest") if daily else _("Your weekly digest"))
    ctx = {"items": items, "daily": daily, "subject": subject}
    return Notice(
        subject=subject,
        text=render_to_string("notifications/emails/digest.txt", ctx),
        html=render_to_string("notifications/emails/digest.html", ctx),
        telegram=render_to_string("notifications/telegram/digest.html", ctx),
    )


kind_register(
    EventKind(
        code=DIGEST_KIND,
        label=_("Digest"),
        group=_("Notifications"),
        render=_render_digest,
        configurable=False,
        defaults={Channel.EMAIL: Frequency.IMMEDIATE, Channel.TELEGRAM: Frequency.IMMEDIATE},
    )
)
