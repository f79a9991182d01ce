"""How long the outbox keeps delivered and failed messages (SECURITY.md R13)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from minka.core.retention import register_purger
from minka.notifications.models import Message

FINISHED = (
    Message.Status.SENT,
    Message.Status.BUNDLED,
    Message.Status.SKIPPED,
    Message.Status.FAILED,
    Message.Status.DEAD,
)


@register_purger
def outbox_purge(now: datetime) -> dict[str, int]:
    """Delete finished messages older than ``MINKA_OUTBOX_RETENTION_DAYS`` (a digest only
    once the messages it carried are gone: they point to it)."""
    before = now - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    old = Message.objects.filter(status__in=FINISHED, created_at__lt=before)
    bundled, _ = old.filter(status=Message.Status.BUNDLED).delete()
    rest, _ = old.exclude(bundled__isnull=False).delete()
    return {"notifications (finished)": bundled + rest}
