"""``minka outbox``: the notifications worker (``make run`` starts it beside ``db_worker``).

Every ``MINKA_OUTBOX_INTERVAL`` seconds it raises the events due by the clock (reminders),
bundles the digests that are due and delivers the due messages. ``--once`` does one pass and
exits (tests, cron).
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from minka.notifications.delivery import outbox_deliver
from minka.notifications.schedule import outbox_digest, outbox_plan


class Command(BaseCommand):
    help = "Deliver notifications: reminders, digests and the outbox's due messages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Do one pass and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        self._stop = False
        signal.signal(signal.SIGTERM, self._request_stop)
        while True:
            planned = outbox_plan()
            digests = outbox_digest()
            outcomes = outbox_deliver()
            delivered = sum(outcomes.values())
            if options["once"]:
                self.stdout.write(
                    f"planned {planned}, digests {digests}, delivered {delivered}: "
                    + ", ".join(f"{status} {count}" for status, count in sorted(outcomes.items()))
                )
                return
            if self._stop:
                return
            if not delivered:
                time.sleep(settings.OUTBOX_INTERVAL)

    def _request_stop(self, *_args: Any) -> None:
        self._stop = True
