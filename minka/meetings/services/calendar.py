"""Services: the personal calendar feed (create or replace, revoke, usage bookkeeping).

A feed's token is a random 256-bit secret shown to its owner once, as part of the feed's URL,
and stored only as its SHA-256 (like API tokens): the database never holds the plaintext, so
a copy of it cannot be turned into working feed URLs. Replacing the feed makes the old URL
stop working at once.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.core.models import AuditEntry
from minka.core.permissions import is_signed_in, require
from minka.core.services import audit_record
from minka.meetings.ical import token_hash
from minka.meetings.models import CalendarFeed

if TYPE_CHECKING:
    from minka.accounts.models import User

# ``last_used_at`` is written at most this often: a feed is polled by calendar clients, and
# reading it must not turn every poll into a write.
TOUCH_EVERY = timedelta(hours=1)


@transaction.atomic
def calendar_feed_create(*, actor: User) -> tuple[CalendarFeed, str]:
    """Create ``actor``'s personal feed, replacing any earlier one (whose URL stops working),
    and return it with the plaintext token, which the caller shows once and never stores.

    Any signed-in, active user may have a feed; what it lists is decided at each request.
    """
    require(is_signed_in(actor))
    replaced = CalendarFeed.objects.filter(user=actor).delete()[0] > 0
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=actor, token_hash=token_hash(token))
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE if replaced else AuditEntry.Action.CREATE,
        target=feed,
        changes={"token": ["***", "***"]} if replaced else None,
    )
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> None:
    """Remove ``actor``'s personal feed: its URL answers 404 from now on. Refused with a
    ``ValidationError`` when there is none."""
    require(is_signed_in(actor))
    feed = CalendarFeed.objects.filter(user=actor).first()
    if feed is None:
        raise ValidationError(_("You have no personal calendar feed."), code="missing")
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, target=feed)
    feed.delete()


def calendar_feed_touch(*, feed: CalendarFeed) -> bool:
    """Record that ``feed`` was read, at most once per :data:`TOUCH_EVERY`.

    The only write a feed request makes: one conditional UPDATE (no audit entry, no other
    side effect), so that polling clients cost a write at most once an hour and concurrent
    polls cannot race. Returns whether the row was updated.
    """
    now = timezone.now()
    if feed.last_used_at is not None and feed.last_used_at > now - TOUCH_EVERY:
        return False
    updated = (
        CalendarFeed.objects.filter(pk=feed.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOUCH_EVERY))
        .update(last_used_at=now)
    )
    feed.last_used_at = now
    return updated > 0
