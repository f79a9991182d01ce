"""``minka telegram_bot``: the Telegram bot by long polling (no public address needed).

It asks Telegram for updates (``getUpdates``, waiting up to 25 s for one), answers each
update once (:func:`minka.notifications.telegram.bot.handle_update`) and confirms them with
the next request's ``offset``. When Telegram cannot be reached it waits and tries again,
1 s at first, doubled after each failure up to a minute (or as long as a 429 asks).
``--once`` does one round and exits (tests, cron).

Webhook mode instead: ``--set-webhook https://<site>/telegram/webhook/`` tells Telegram to
post updates there, with ``MINKA_TELEGRAM_WEBHOOK_SECRET`` as the secret token it sends
back; ``--delete-webhook`` returns to polling.
"""

from __future__ import annotations

import logging
import signal
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection

from minka.notifications.channels import PermanentError, TransientError
from minka.notifications.channels import telegram as transport
from minka.notifications.telegram.bot import handle_update

if TYPE_CHECKING:
    from collections.abc import Callable

logger = logging.getLogger(__name__)

POLL_TIMEOUT = 25  # seconds Telegram holds a getUpdates open waiting for an update
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
ALLOWED_UPDATES = ("message", "channel_post")


class Poller:
    """Long polling, one round at a time: the offset of the next update to ask for, and the
    wait after failures."""

    def __init__(
        self, *, timeout: int = POLL_TIMEOUT, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.timeout = timeout
        self.sleep = sleep
        self.offset: int | None = None
        self.backoff = BACKOFF_FIRST
        self.handled = 0
        self.failures = 0

    def round(self) -> bool:
        """Ask for updates once and answer them; after a failure, wait before returning.
        Returns whether Telegram answered."""
        # A long-running process: drop a database connection that broke meanwhile (not
        # inside a transaction: a test's).
        if not connection.in_atomic_block:
            close_old_connections()
        try:
            updates = transport.get_updates(
                self.offset, self.timeout, allowed_updates=ALLOWED_UPDATES
            )
        except TransientError as error:
            self.failures += 1
            wait = error.retry_after if error.retry_after is not None else self.backoff
            logger.warning("Telegram updates failed (%s); next try in %.0f s", error, wait)
            self.backoff = min(self.backoff * 2, BACKOFF_MAX)
            self.sleep(wait)
            return False
        self.backoff = BACKOFF_FIRST
        for update in updates:
            # Past this one, whatever happens while answering: an update is handled once.
            self.offset = update.update_id + 1
            try:
                handle_update(update)
            except Exception:
                logger.exception("Telegram update %s could not be handled", update.update_id)
            self.handled += 1
        return True

    def confirm(self) -> None:
        """Tell Telegram the updates handled so far are done (the next ``getUpdates``
        with the offset does that; without it they would come again at the next start)."""
        if self.offset is None:
            return
        try:
            transport.get_updates(self.offset, 0, allowed_updates=ALLOWED_UPDATES)
        except TransientError as error:
            logger.warning("Telegram did not confirm the last updates (%s)", error)


class Command(BaseCommand):
    help = "Run the Telegram bot by long polling, or set or delete its webhook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Do one round and exit.")
        parser.add_argument(
            "--set-webhook",
            metavar="URL",
            help="Use webhook mode: Telegram posts updates to URL (https://…/telegram/webhook/).",
        )
        parser.add_argument(
            "--delete-webhook", action="store_true", help="Leave webhook mode (back to polling)."
        )
        parser.add_argument(
            "--timeout", type=int, default=POLL_TIMEOUT, help="Seconds each poll may wait."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        transport.install_log_redaction(settings.TELEGRAM_BOT_TOKEN or None)
        if not transport.telegram_enabled():
            raise CommandError("Telegram is off: set MINKA_TELEGRAM_BOT_TOKEN.")
        try:
            if options["set_webhook"]:
                self._set_webhook(options["set_webhook"])
            elif options["delete_webhook"]:
                transport.delete_webhook()
                self.stdout.write("Webhook deleted: run `minka telegram_bot` to poll.")
            else:
                self._poll(once=options["once"], timeout=options["timeout"])
        except PermanentError as error:
            raise CommandError(str(error)) from None

    def _set_webhook(self, url: str) -> None:
        secret = settings.TELEGRAM_WEBHOOK_SECRET
        if not secret:
            raise CommandError("Set MINKA_TELEGRAM_WEBHOOK_SECRET before using webhook mode.")
        if not url.startswith("https://"):
            raise CommandError("Telegram posts only to https:// addresses.")
        try:
            transport.set_webhook(url, secret, allowed_updates=ALLOWED_UPDATES)
        except TransientError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Webhook set: Telegram now posts updates to {url}.")

    def _poll(self, *, once: bool, timeout: int) -> None:
        poller = Poller(timeout=0 if once else timeout)
        if once:
            answered = poller.round()
            poller.confirm()
            self.stdout.write(f"updates handled: {poller.handled}")
            if not answered:
                raise CommandError("Telegram could not be reached.")
            return
        stop = False

        def request_stop(*_args: Any) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, request_stop)
        self.stdout.write("Polling Telegram for updates (Ctrl+C to stop).")
        try:
            while not stop:
                poller.round()
        except KeyboardInterrupt:
            pass
        poller.confirm()
