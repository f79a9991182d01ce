"""``minka outbox``: the notifications worker (``make run`` starts it beside ``db_worker``).

Once a minute it raises the events due by the clock (reminders) and bundles the digests
that are due (each planner's queries cost the same whether or not anything is due, and no
reminder needs a finer clock); meanwhile it keeps ``MINKA_OUTBOX_THREADS`` deliveries
going (:class:`~minka.notifications.delivery.OutboxServer`). SIGTERM or Ctrl+C lets the
deliveries in flight finish. ``--once`` does one pass and exits (tests, cron).
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from minka.notifications.delivery import OutboxServer, outbox_deliver
from minka.notifications.schedule import outbox_digest, outbox_plan

# Seconds between two runs of the planners and the digests.
PLAN_EVERY = 60


class Command(BaseCommand):
    help = "Deliver notifications: reminders, digests and the outbox's due messages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Do one pass and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            planned = outbox_plan()
            digests = outbox_digest()
            outcomes = outbox_deliver()
            self.stdout.write(
                f"planned {planned}, digests {digests}, delivered {sum(outcomes.values())}: "
                + ", ".join(f"{status} {count}" for status, count in sorted(outcomes.items()))
            )
            return
        self._stop = False
        signal.signal(signal.SIGTERM, self._request_stop)
        signal.signal(signal.SIGINT, self._request_stop)
        server = OutboxServer(settings.OUTBOX_THREADS)
        planned_at = 0.0
        try:
            while not self._stop:
                if time.monotonic() - planned_at >= PLAN_EVERY:
                    outbox_plan()
                    outbox_digest()
                    planned_at = time.monotonic()
                handed = server.tick()
                if server.busy:
                    # Back as soon as a delivery ends, to hand its thread the next message.
                    server.wait(timeout=0.5)
                elif not handed:
                    time.sleep(settings.OUTBOX_INTERVAL)
        finally:
            # Deliveries in flight finish (each within its channel's timeout) before exit.
            server.close()

    def _request_stop(self, *_args: Any) -> None:
        self._stop = True
