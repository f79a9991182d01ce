"""The Telegram transport (``channels/telegram.py``) against the local Bot API server: sending,
classifying failures, pacing, the 429 pause and the bot token kept out of every log
(SECURITY.md §1.8 row 3, fault test F8).

Pacing tests run on a fake clock shared by the transport and the server, so a minute of
Telegram's limits passes in milliseconds and arrival times are exact; one test checks the
429 pause on the real clock too.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import threading
import time
from typing import TYPE_CHECKING, Any
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from minka.notifications.channels import PermanentError, TransientError
from minka.notifications.channels import telegram as transport
from minka.notifications.tests.botapi import BotAPIServer, run_in_own_loop

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence


# python-telegram-bot 22.2+ warns on each 429 (its RetryAfter reads a deprecated attribute);
# the transport silences it, but pytest resets warning filters around every test.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*attribute `retry_after` will be:telegram.warnings.PTBDeprecationWarning"
)

START = 1_800_000_000.0
PRIVATE = 1001
GROUP = -5001


class FakeClock:
    """Seconds since the epoch that move only when told to."""

    def __init__(self) -> None:
        self.now = START
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


class TransportTestCase(SimpleTestCase):
    """A Bot API server on 127.0.0.1, the settings pointing at it, a fake clock for pacing."""

    def setUp(self) -> None:
        self.clock = FakeClock()
        self.api = self.enterContext(BotAPIServer(clock=self.clock, hang_seconds=3.0))
        self.enterContext(
            override_settings(
                TELEGRAM_BOT_TOKEN=self.api.token,
                TELEGRAM_API_URL=self.api.base_url,
                TELEGRAM_BOT_USERNAME="minka_test_bot",
            )
        )
        self.enterContext(mock.patch.object(transport, "_clock", self.clock))
        self.api.add_chat(PRIVATE, first_name="Ana")
        self.api.add_chat(GROUP, title="Red TIC")

    def deliver(
        self, queue: Sequence[tuple[int | str, str]], *, limit: float = 600.0
    ) -> dict[str, int]:
        """Work like the outbox: try every pending message, wait (on the fake clock) for the
        shortest ``retry_after`` when none could go, retry transient failures, stop on
        permanent ones. Returns counts of what happened."""
        pending = list(queue)
        counts = {"sent": 0, "deferred": 0, "failed": 0}
        deadline = self.clock() + limit
        while pending:
            waits = []
            for item in list(pending):
                try:
                    transport.send_message(*item)
                except TransientError as error:
                    counts["failed" if error.counts else "deferred"] += 1
                    waits.append(error.retry_after or 1.0)
                else:
                    pending.remove(item)
                    counts["sent"] += 1
            if pending:
                self.assertLess(self.clock(), deadline, "messages still pending")
                self.clock.advance(max(min(waits), 0.001))
        return counts


class SendTests(TransportTestCase):
    def test_send_returns_the_message_id(self) -> None:
        """A message goes out as HTML without link previews; its id comes back."""
        self.assertIs(transport.telegram_enabled(), True)
        message_id = transport.send_message(PRIVATE, "<b>Próxima reunión</b>: 5 de diciembre")
        request = self.api.requests("sendMessage")[0]
        self.assertEqual(message_id, self.api.messages(PRIVATE)[0].message_id)
        self.assertEqual(
            (request.chat_id, request.text, request.parse_mode),
            (PRIVATE, "<b>Próxima reunión</b>: 5 de diciembre", "HTML"),
        )
        self.assertEqual(request.params["link_preview_options"], {"is_disabled": True})

    def test_chat_id_as_text_and_channel_username(self) -> None:
        """A stored chat id may come back as text; channels have @usernames."""
        self.api.add_chat(-1001234567890, "channel", title="Avisos", username="avisos_red")
        transport.send_message(str(GROUP), "hola")
        transport.send_message("@avisos_red", "hola")
        self.assertEqual([m.chat_id for m in self.api.messages()], [GROUP, "@avisos_red"])
        with self.assertRaisesMessage(PermanentError, "This is not a Telegram chat id."):
            transport.send_message("1001; drop", "hola")

    def test_telegram_html_escapes_text(self) -> None:
        """Escaped text arrives verbatim; the server's HTML parser accepts it."""
        text = 'Acta <borrador> "final" & anexos'
        self.assertEqual(
            transport.telegram_html(text),
            "Acta &lt;borrador&gt; &quot;final&quot; &amp; anexos",
        )
        transport.send_message(PRIVATE, f"<i>{transport.telegram_html(text)}</i>")
        self.assertEqual(self.api.messages()[0].plain_text, text)

    def test_disabled_without_token(self) -> None:
        """No token: Telegram is off and nothing is sent."""
        with override_settings(TELEGRAM_BOT_TOKEN=""):
            self.assertIs(transport.telegram_enabled(), False)
            with self.assertRaisesMessage(PermanentError, "Telegram is off"):
                transport.send_message(PRIVATE, "hola")
        self.assertEqual(self.api.requests(), [])

    def test_deep_link(self) -> None:
        self.assertEqual(
            transport.deep_link("abc_123-x"), "https://t.me/minka_test_bot?start=abc_123-x"
        )
        with self.assertRaises(ValueError):
            transport.deep_link("a b")
        with override_settings(TELEGRAM_BOT_USERNAME=""), self.assertRaises(ImproperlyConfigured):
            transport.deep_link("abc")

    def test_callable_from_async_code(self) -> None:
        """Inside a running event loop the call runs on a loop of its own."""

        async def caller() -> int:
            return transport.send_message(PRIVATE, "hola")

        self.assertEqual(run_in_own_loop(caller()), 1)


class FailureTests(TransportTestCase):
    def assert_permanent(self, chat_id: int, text: str, message: str) -> None:
        with self.assertRaisesMessage(PermanentError, message) as caught:
            transport.send_message(chat_id, text)
        self.assertNotIn(self.api.token, str(caught.exception))

    def test_chat_not_found_is_permanent(self) -> None:
        self.assert_permanent(999, "hola", "Telegram does not know this chat.")

    def test_blocked_and_kicked_are_permanent(self) -> None:
        self.api.block(PRIVATE)
        self.api.block(GROUP)
        self.assert_permanent(PRIVATE, "hola", "The person blocked the bot.")
        self.assert_permanent(GROUP, "hola", "The bot was removed from the chat.")

    def test_bad_html_and_migrated_group_are_permanent(self) -> None:
        self.assert_permanent(
            PRIVATE, "<div>x</div>", "Telegram could not read the message's HTML."
        )
        self.api.migrate(GROUP, -1009876543210)
        self.assert_permanent(GROUP, "hola", "The group became a supergroup with a new chat id.")

    def test_server_error_is_transient(self) -> None:
        """500: a failed attempt (counts), retried on the outbox's schedule."""
        self.api.fail_next("error")
        with self.assertRaisesMessage(
            TransientError, "Telegram could not be reached or failed."
        ) as caught:
            transport.send_message(PRIVATE, "hola")
        self.assertIs(caught.exception.counts, True)
        self.assertIsNone(caught.exception.retry_after)

    def test_wrong_token_is_transient_and_not_quoted(self) -> None:
        """A token Telegram refuses (401) waits for an operator to fix it; the error names
        the setting, never the token."""
        wrong = "987654321:AAwrongwrongwrongwrongwrongwrongwro"
        with override_settings(TELEGRAM_BOT_TOKEN=wrong):
            with self.assertRaisesMessage(TransientError, "MINKA_TELEGRAM_BOT_TOKEN") as caught:
                transport.send_message(PRIVATE, "hola")
        self.assertNotIn(wrong, repr(caught.exception))
        self.assertIs(caught.exception.__suppress_context__, True)

    def test_hang_is_transient_within_the_timeout(self) -> None:
        """A server that never answers: TransientError once the read timeout runs out."""
        self.api.fail_next("hang")
        with mock.patch.object(transport, "READ_TIMEOUT", 0.5):
            started = time.monotonic()
            with self.assertRaisesMessage(TransientError, "Telegram did not answer in time."):
                transport.send_message(PRIVATE, "hola")
            elapsed = time.monotonic() - started
        print(f"hang: TransientError after {elapsed:.2f} s (read timeout 0.5 s)")  # noqa: T201
        self.assertLess(elapsed, 1.5)

    def test_down_then_up(self) -> None:
        """Server down: TransientError; back on the same port: the retry succeeds."""
        self.api.stop()
        with self.assertRaisesMessage(TransientError, "Telegram could not be reached or failed."):
            transport.send_message(PRIVATE, "hola")
        self.api.start()
        self.clock.advance(60)  # the outbox's first back-off step
        self.assertEqual(transport.send_message(PRIVATE, "hola"), 1)
        self.assertEqual(len(self.api.messages()), 1)

    def test_wrappers_for_the_bot(self) -> None:
        """getMe, getChat, getUpdates and the webhook methods go through the same client."""
        self.assertEqual(transport.bot_get_me().username, "minka_test_bot")
        self.assertEqual(transport.get_chat(GROUP).title, "Red TIC")
        self.api.inject_message("/proxima", user_id=42)
        updates = transport.get_updates(offset=None, timeout=0)
        self.assertEqual([u.message.text for u in updates if u.message], ["/proxima"])
        self.assertEqual(transport.get_updates(offset=updates[-1].update_id + 1, timeout=0), [])
        self.assertIs(transport.set_webhook("https://minka.example.org/telegram/", "s3cr3t"), True)
        self.assertEqual(self.api.webhook["secret_token"], "s3cr3t")
        self.assertEqual(transport.get_webhook_info().url, "https://minka.example.org/telegram/")
        with self.assertRaisesMessage(TransientError, "a webhook is set"):
            transport.get_updates()
        self.assertIs(transport.delete_webhook(), True)
        with self.assertRaisesMessage(PermanentError, "Telegram does not know this chat."):
            transport.get_chat(-6000)


class FloodControlTests(TransportTestCase):
    def test_retry_after_pauses_every_chat(self) -> None:
        """429 retry_after=5: TransientError(retry_after=5); until it runs out every chat is
        deferred without a request; afterwards messages go out again (F8)."""
        self.api.add_chat(1002)
        self.api.fail_next("flood", retry_after=5)
        with self.assertRaises(TransientError) as caught:
            transport.send_message(PRIVATE, "uno")
        self.assertEqual((caught.exception.retry_after, caught.exception.counts), (5.0, True))
        flood_at = self.clock()
        deferrals = []
        while self.clock() < flood_at + 5:
            for chat in (PRIVATE, 1002, GROUP):
                with self.assertRaises(TransientError) as deferred:
                    transport.send_message(chat, "dos")
                self.assertIs(deferred.exception.counts, False)
                deferrals.append(deferred.exception.retry_after or 0)
            self.clock.advance(0.5)
        self.assertAlmostEqual(deferrals[0], 5.0)
        self.assertLessEqual(max(deferrals), 5.0)
        for chat in (PRIVATE, 1002, GROUP):
            transport.send_message(chat, "tres")
        early = sum(1 for r in self.api.requests("sendMessage") if flood_at < r.at < flood_at + 5)
        print(f"F8: requests before retry_after ran out = {early}")  # noqa: T201
        self.assertEqual(early, 0)
        self.assertEqual(self.api.early_requests(), 0)
        self.assertEqual(len(self.api.messages()), 3)

    def test_retry_after_on_the_real_clock(self) -> None:
        """The same with real time: a 1 s retry_after is honoured to the millisecond."""
        transport_clock = mock.patch.object(transport, "_clock", time.time)
        with transport_clock:
            self.api.clock = time.time
            self.api.fail_next("flood", retry_after=1)
            with self.assertRaises(TransientError):
                transport.send_message(PRIVATE, "uno")
            self.assertEqual(self.deliver_real([(GROUP, "dos"), (PRIVATE, "tres")]), 2)
        flood = self.api.requests("sendMessage")[0]
        after = [r.at - flood.at for r in self.api.requests("sendMessage")[1:]]
        print(f"F8 (real clock): first request {min(after):.3f} s after a 1 s retry_after")  # noqa: T201
        self.assertGreaterEqual(min(after), 1.0)
        self.assertEqual(self.api.early_requests(), 0)

    def deliver_real(self, queue: list[tuple[int, str]]) -> int:
        sent = 0
        for chat, text in queue:
            while True:
                try:
                    transport.send_message(chat, text)
                except TransientError as error:
                    self.assertIs(error.counts, False)
                    time.sleep(error.retry_after or 0.1)
                else:
                    sent += 1
                    break
        return sent


class PacingTests(TransportTestCase):
    def test_quick_sends_to_one_chat_are_deferred(self) -> None:
        """Five sends in a row to one chat: the first goes, four are deferred (not counted as
        attempts) and never reach the server; delivered as the outbox retries, 1 msg/s."""
        transport.send_message(PRIVATE, "0")
        for index in range(1, 5):
            with self.assertRaises(TransientError) as caught:
                transport.send_message(PRIVATE, str(index))
            self.assertIs(caught.exception.counts, False)
            self.assertAlmostEqual(caught.exception.retry_after or 0, 1.0)
        self.assertEqual(len(self.api.requests("sendMessage")), 1)
        counts = self.deliver([(PRIVATE, str(index)) for index in range(1, 5)])
        rate = self.api.max_in_window(1.0)
        print(f"F8: max rate per chat = {rate} msg/s; {counts}")  # noqa: T201
        self.assertEqual(rate, 1)
        self.assertEqual(counts["failed"], 0)
        self.assertEqual(len(self.api.messages(PRIVATE)), 5)

    def test_groups_get_at_most_20_per_minute(self) -> None:
        """30 messages to a group: never more than 20 in any minute, nor 1 per second."""
        counts = self.deliver([(GROUP, f"aviso {index}") for index in range(30)])
        per_minute = self.api.max_in_window(60.0)
        per_second = self.api.max_in_window(1.0)
        print(f"F8: max rate per group = {per_minute} msg/min, {per_second} msg/s")  # noqa: T201
        self.assertEqual(per_minute, 20)
        self.assertEqual(per_second, 1)
        self.assertEqual(len(self.api.messages(GROUP)), 30)
        self.assertEqual(counts["failed"], 0)

    def test_private_chats_are_not_limited_per_minute(self) -> None:
        """The 20/min limit is for groups: a person's chat takes one a second."""
        self.deliver([(PRIVATE, str(index)) for index in range(30)])
        self.assertEqual(self.api.max_in_window(60.0), 30)

    def test_all_chats_together_at_most_30_per_second(self) -> None:
        chats = list(range(2000, 2040))
        for chat in chats:
            self.api.add_chat(chat)
        counts = self.deliver([(chat, "hola") for chat in chats])
        self.assertEqual(counts["sent"], 40)
        times = sorted(r.at for r in self.api.requests("sendMessage"))
        busiest = max(sum(1 for t in times if start <= t < start + 1) for start in times)
        self.assertEqual(busiest, 30)

    def test_threads_share_the_pacing(self) -> None:
        """Eight threads write to one chat at once: one message goes, seven are deferred."""
        self.enterContext(mock.patch.object(transport, "_clock", time.time))
        outcomes: list[str] = []
        barrier = threading.Barrier(8)

        def worker() -> None:
            barrier.wait()
            try:
                transport.send_message(PRIVATE, "hola")
            except TransientError as error:
                outcomes.append("deferred" if not error.counts else "failed")
            else:
                outcomes.append("sent")

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(outcomes), ["deferred"] * 7 + ["sent"])
        self.assertEqual(len(self.api.requests("sendMessage")), 1)

    def test_f8_faults_lose_nothing_and_keep_the_limits(self) -> None:
        """F8 in small: 30 % 429 (retry_after 5), 10 % 500, 5 % hangs; 40 messages to 8
        chats and 2 groups. Everything arrives once; pauses and limits hold."""
        self.api.add_chat(-5002, title="CODESI")
        chats: list[int] = [*range(3001, 3009)]
        for chat in chats:
            self.api.add_chat(chat)
        queue = [(chat, f"{chat}-{n}") for chat in chats for n in range(3)]
        queue += [(group, f"{group}-{n}") for group in (GROUP, -5002) for n in range(8)]
        self.api.hang_seconds = 0.3
        self.api.set_fault_rates(flood=0.3, error=0.1, hang=0.05, retry_after=5, seed=18)
        with mock.patch.object(transport, "READ_TIMEOUT", 0.2):
            counts = self.deliver(queue, limit=3600)
        delivered = [m.text for m in self.api.messages()]
        figures = {
            "F8_early_requests": self.api.early_requests(),
            "F8_lost": len({text for _, text in queue} - set(delivered)),
            "F8_duplicates": len(delivered) - len(set(delivered)),
            "F8_max_chat_msg_per_s": self.api.max_in_window(1.0),
            "F8_max_group_msg_per_min": self.api.max_in_window(60.0, chat_id=GROUP),
            "F8_faults": sum(1 for r in self.api.requests() if r.fault),
            **counts,
        }
        print(json.dumps(figures))  # noqa: T201
        self.assertEqual(figures["F8_early_requests"], 0)
        self.assertEqual(figures["F8_lost"], 0)
        self.assertEqual(figures["F8_duplicates"], 0)
        self.assertEqual(figures["F8_max_chat_msg_per_s"], 1)
        self.assertLessEqual(figures["F8_max_group_msg_per_min"], 20)
        self.assertGreater(figures["F8_faults"], 5)


# --- The token never reaches a log (SECURITY.md §1.8) -----------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def all_loggers_at_debug() -> Iterator[None]:
    """Every logger (the root, httpx, httpcore, telegram and the rest) at DEBUG."""
    manager = logging.root.manager
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in list(manager.loggerDict))]
    for name in ("httpx", "httpcore", "httpcore.connection", "httpcore.http11", "telegram"):
        loggers.append(logging.getLogger(name))
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    yield
    for logger, level, disabled in saved:
        logger.setLevel(level)
        logger.disabled = disabled


@pytest.mark.usefixtures("all_loggers_at_debug")
def test_bot_token_never_reaches_a_log(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """A canary token, every logger at DEBUG, every sink captured (a root handler, caplog, the
    console handler's stderr, the errors raised) through getMe, sends, refusals, a 429, a
    500, a hang, a refused token and an outage: the token occurs 0 times, while the
    requests' URLs were logged (redacted)."""
    canary = f"{secrets.randbelow(10**9) + 10**9}:AA{secrets.token_urlsafe(25)}"
    # The secret part, less its last character: also catches the second, refused token.
    secret_part = canary.split(":", 1)[1][:-1]
    collect = _Collect()
    logging.getLogger().addHandler(collect)
    caplog.set_level(logging.DEBUG)
    errors: list[str] = []

    def attempt(call: Any, *args: Any) -> None:
        try:
            call(*args)
        except (PermanentError, TransientError) as error:
            errors.append(f"{error!r} {error} {error.__cause__!r} {error.__context__!r}")

    try:
        with contextlib.ExitStack() as stack, BotAPIServer(token=canary, hang_seconds=1.0) as api:
            api.add_chat(PRIVATE)
            configured = override_settings(TELEGRAM_BOT_TOKEN=canary, TELEGRAM_API_URL=api.base_url)
            stack.enter_context(configured)
            transport.bot_get_me()
            transport.send_message(PRIVATE, "hola")
            attempt(transport.send_message, 999, "hola")
            api.fail_next("error", methods=None)
            attempt(transport.bot_get_me)
            api.fail_next("flood", retry_after=1, methods=None)
            attempt(transport.get_chat, PRIVATE)
            api.fail_next("hang", methods=None)
            with mock.patch.object(transport, "READ_TIMEOUT", 0.3):
                attempt(transport.bot_get_me)
            api.stop()
            attempt(transport.bot_get_me)
            api.start()
            refused = canary[:-1] + ("A" if canary[-1] != "A" else "B")
            with override_settings(TELEGRAM_BOT_TOKEN=refused):
                attempt(transport.bot_get_me)
    finally:
        logging.getLogger().removeHandler(collect)
    out, err = capfd.readouterr()
    sinks = {
        "root handler": "\n".join(collect.lines),
        "caplog text": caplog.text,
        "caplog records": "\n".join(
            f"{r.getMessage()} {r.exc_text or ''} {r.stack_info or ''}" for r in caplog.records
        ),
        "stdout+stderr": out + err,
        "errors": "\n".join(errors),
    }
    occurrences = {name: text.count(secret_part) for name, text in sinks.items()}
    total = sum(occurrences.values())
    print(f"token occurrences = {total} ({occurrences}; {len(collect.lines)} log lines)")  # noqa: T201
    assert total == 0
    assert "/bot<token>/getMe" in sinks["root handler"]  # the URLs were logged, redacted
    assert "/bot<token>/sendMessage" in sinks["caplog text"]
    assert len(errors) == 6
