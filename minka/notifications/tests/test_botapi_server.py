"""The local Bot API server (``botapi.py``), driven by the real client, python-telegram-bot,
and by plain HTTP for the raw JSON shapes: if it answered differently from Telegram, the
transport's tests would prove nothing."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest
from django.test import SimpleTestCase
from telegram import Bot, Message
from telegram.constants import ChatType, MessageEntityType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.request import HTTPXRequest

from minka.notifications.tests.botapi import DEFAULT_TOKEN, BotAPIServer, run_in_own_loop

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable


def raw_call(api: BotAPIServer, method: str, body: bytes = b"", content_type: str = "") -> Any:
    """POST to the server without python-telegram-bot; return (status, decoded JSON)."""
    request = urllib.request.Request(  # noqa: S310 (a loopback test server)
        f"{api.base_url}{api.token}/{method}", data=body, method="POST"
    )
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


# python-telegram-bot 22.2+ warns on each 429 (its RetryAfter reads a deprecated attribute);
# the transport silences it, but pytest resets warning filters around every test.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*attribute `retry_after` will be:telegram.warnings.PTBDeprecationWarning"
)


async def send_html(bot: Bot, *, text: str) -> Message:
    return await bot.send_message(1001, text, "HTML")


class BotAPIServerTestCase(SimpleTestCase):
    def setUp(self) -> None:
        self.api = self.enterContext(BotAPIServer(hang_seconds=2.0))
        self.api.add_chat(1001, first_name="Ana")
        self.api.add_chat(-5001, title="Red TIC")

    def with_bot(self, operation: Callable[[Bot], Awaitable[Any]], **request: Any) -> Any:
        """Run ``operation`` with an initialized python-telegram-bot ``Bot`` on the server."""

        async def main() -> Any:
            bot = Bot(
                self.api.token,
                base_url=self.api.base_url,
                request=HTTPXRequest(**request),
                get_updates_request=HTTPXRequest(**request),
            )
            async with bot:
                return await operation(bot)

        return run_in_own_loop(main())


class MethodTests(BotAPIServerTestCase):
    def test_get_me_answers_the_bot_user(self) -> None:
        """getMe returns a User with is_bot and the bot's username."""
        me = self.with_bot(lambda bot: bot.get_me())
        self.assertIs(me.is_bot, True)
        self.assertEqual(me.username, "minka_test_bot")

    def test_wrong_token_is_unauthorized(self) -> None:
        """Another token gets 401 Unauthorized, which python-telegram-bot raises as
        InvalidToken; the request is still recorded."""

        async def main() -> None:
            async with Bot("1:wrong", base_url=self.api.base_url) as bot:
                await bot.get_me()

        with self.assertRaises(InvalidToken):
            run_in_own_loop(main())
        self.assertEqual([r.status for r in self.api.requests()], [401])
        self.assertIs(self.api.requests()[0].token_ok, False)

    def test_send_message_returns_a_message_and_is_recorded(self) -> None:
        """sendMessage returns a Message (id, date, chat, text without the HTML tags) and the
        server records method, chat, text and parse mode."""
        message: Message = self.with_bot(
            lambda bot: bot.send_message(1001, "<b>Próxima</b> reunión &amp; acta", "HTML")
        )
        self.assertEqual(message.message_id, 1)
        self.assertEqual(message.chat.id, 1001)
        self.assertEqual(message.chat.type, ChatType.PRIVATE)
        self.assertEqual(message.text, "Próxima reunión & acta")
        self.assertIsNotNone(message.date)
        request = self.api.requests("sendMessage")[0]
        self.assertEqual(
            (request.chat_id, request.text, request.parse_mode, request.status),
            (1001, "<b>Próxima</b> reunión &amp; acta", "HTML", 200),
        )
        self.assertEqual(self.api.messages(1001)[0].plain_text, "Próxima reunión & acta")

    def test_message_ids_count_per_chat(self) -> None:
        """Each chat numbers its own messages."""

        async def three(bot: Bot) -> list[int]:
            chats = (1001, 1001, -5001)
            return [(await bot.send_message(chat, "hola")).message_id for chat in chats]

        self.assertEqual(self.with_bot(three), [1, 2, 1])

    def test_unknown_chat_is_bad_request(self) -> None:
        """A chat the test did not register: 400 "Bad Request: chat not found"."""
        with self.assertRaisesMessage(BadRequest, "Chat not found"):
            self.with_bot(lambda bot: bot.send_message(999, "hola"))
        status, body = raw_call(self.api, "sendMessage", b"chat_id=999&text=x", FORM)
        self.assertEqual(
            (status, body),
            (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}),
        )

    def test_blocked_user_and_kicked_bot_are_forbidden(self) -> None:
        """403 with Telegram's descriptions for a person who blocked the bot and a group that
        removed it."""
        self.api.block(1001)
        self.api.block(-5001)
        with self.assertRaisesMessage(Forbidden, "Forbidden: bot was blocked by the user"):
            self.with_bot(lambda bot: bot.send_message(1001, "hola"))
        with self.assertRaisesMessage(Forbidden, "Forbidden: bot was kicked from the group chat"):
            self.with_bot(lambda bot: bot.send_message(-5001, "hola"))

    def test_migrated_group_answers_with_the_new_chat_id(self) -> None:
        """A group upgraded to a supergroup: 400 with parameters.migrate_to_chat_id."""
        self.api.migrate(-5001, -1001234567890)
        with self.assertRaises(ChatMigrated) as caught:
            self.with_bot(lambda bot: bot.send_message(-5001, "hola"))
        self.assertEqual(caught.exception.new_chat_id, -1001234567890)

    def test_html_the_bot_api_refuses(self) -> None:
        """Unsupported or unclosed tags, empty and over-long texts: 400 as on Telegram."""
        cases = {
            "<div>x</div>": 'unsupported start tag "div"',
            "<b>x": 'can\'t find end tag corresponding to start tag "b"',
            "<b>x</i>": 'unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
            "<b></b>": "text must be non-empty",
            "x" * 4097: "message is too long",
        }
        # python-telegram-bot drops "Bad Request: " and lowercases the rest after the first
        # letter.
        for text, description in cases.items():
            with (
                self.subTest(text=text[:20]),
                self.assertRaisesRegex(BadRequest, "(?i)" + re.escape(description)),
            ):
                self.with_bot(partial(send_html, text=text))
        self.assertEqual(self.api.messages(), [])

    def test_json_and_form_bodies(self) -> None:
        """Parameters arrive as JSON or as a form, typed the same way."""
        form = raw_call(self.api, "sendMessage", b"chat_id=-5001&text=hola", FORM)
        body = json.dumps({"chat_id": -5001, "text": "chau"}).encode()
        as_json = raw_call(self.api, "sendMessage", body, "application/json")
        self.assertEqual((form[0], as_json[0]), (200, 200))
        self.assertEqual(
            form[1]["result"]["chat"], {"id": -5001, "type": "group", "title": "Red TIC"}
        )
        self.assertEqual([m.chat_id for m in self.api.messages()], [-5001, -5001])

    def test_unknown_method_is_not_found(self) -> None:
        status, body = raw_call(self.api, "sendPigeon")
        self.assertEqual((status, body["description"]), (404, "Not Found"))

    def test_get_chat_answers_chat_full_info(self) -> None:
        """getChat: the registered group as ChatFullInfo; an unknown one is "chat not found"."""
        chat = self.with_bot(lambda bot: bot.get_chat(-5001))
        self.assertEqual((chat.id, chat.type, chat.title), (-5001, ChatType.GROUP, "Red TIC"))
        with self.assertRaisesMessage(BadRequest, "Chat not found"):
            self.with_bot(lambda bot: bot.get_chat(-6000))


class UpdatesTests(BotAPIServerTestCase):
    def test_commands_from_a_private_chat_and_a_group(self) -> None:
        """Injected messages arrive as Updates with their bot_command entity, sender and chat."""
        self.api.inject_message("/proxima", user_id=42, first_name="Rosa", username="rosa")
        self.api.inject_message("/buscar@minka_test_bot actas", user_id=43, chat_id=-5001)
        updates = self.with_bot(lambda bot: bot.get_updates())
        private, group = (u.message for u in updates)
        self.assertEqual(
            (private.text, private.chat.id, private.from_user.id), ("/proxima", 42, 42)
        )
        self.assertEqual(private.entities[0].type, MessageEntityType.BOT_COMMAND)
        self.assertEqual(private.parse_entity(private.entities[0]), "/proxima")
        self.assertEqual((group.chat.type, group.chat.id, group.from_user.id), ("group", -5001, 43))
        self.assertEqual(group.parse_entity(group.entities[0]), "/buscar@minka_test_bot")

    def test_offset_confirms_updates(self) -> None:
        """Updates stay until a later offset confirms them."""
        first = self.api.inject_message("/ayuda", user_id=42)["update_id"]
        self.api.inject_message("/proxima", user_id=42)
        again = self.with_bot(lambda bot: bot.get_updates())
        self.assertEqual(len(again), 2)
        rest = self.with_bot(lambda bot: bot.get_updates(offset=first + 1))
        self.assertEqual([u.update_id for u in rest], [first + 1])
        self.assertEqual(len(self.api.pending_updates()), 1)

    def test_long_poll_returns_when_an_update_arrives(self) -> None:
        """A long poll waits; an update injected meanwhile ends it at once."""
        timer = threading.Timer(0.3, lambda: self.api.inject_message("/ayuda", user_id=42))
        timer.start()
        started = time.monotonic()
        updates = self.with_bot(lambda bot: bot.get_updates(timeout=10))
        elapsed = time.monotonic() - started
        timer.join()
        self.assertEqual(len(updates), 1)
        self.assertLess(elapsed, 3)

    def test_long_poll_times_out_empty(self) -> None:
        started = time.monotonic()
        self.assertEqual(self.with_bot(lambda bot: bot.get_updates(timeout=1)), ())
        self.assertGreaterEqual(time.monotonic() - started, 0.9)

    def test_webhook_set_info_delete(self) -> None:
        """setWebhook needs HTTPS and a valid secret; while set, getUpdates conflicts;
        deleteWebhook ends it."""
        ok = self.with_bot(
            lambda bot: bot.set_webhook("https://minka.example.org/telegram/", secret_token="s_1-x")
        )
        self.assertIs(ok, True)
        self.assertEqual(self.api.webhook["secret_token"], "s_1-x")
        info = self.with_bot(lambda bot: bot.get_webhook_info())
        self.assertEqual(info.url, "https://minka.example.org/telegram/")
        with self.assertRaises(Conflict):
            self.with_bot(lambda bot: bot.get_updates())
        with self.assertRaisesMessage(BadRequest, "an https url must be provided"):
            self.with_bot(lambda bot: bot.set_webhook("http://minka.example.org/telegram/"))
        with self.assertRaisesMessage(BadRequest, "Secret token contains unallowed characters"):
            self.with_bot(lambda bot: bot.set_webhook("https://x.example/", secret_token="a b"))
        self.assertIs(self.with_bot(lambda bot: bot.delete_webhook()), True)
        self.assertEqual(self.with_bot(lambda bot: bot.get_webhook_info()).url, "")
        self.assertEqual(self.with_bot(lambda bot: bot.get_updates()), ())


class FaultTests(BotAPIServerTestCase):
    def test_flood_answers_retry_after_and_holds_it(self) -> None:
        """A 429 carries parameters.retry_after; sendMessage keeps getting 429 until it runs
        out, and those early requests are counted."""
        self.api.fail_next("flood", retry_after=1)
        status, body = raw_call(self.api, "sendMessage", b"chat_id=1001&text=x", FORM)
        self.assertEqual(
            (status, body),
            (
                429,
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
            ),
        )
        with self.assertRaises(RetryAfter):
            self.with_bot(lambda bot: bot.send_message(-5001, "x"))
        self.assertEqual(self.api.early_requests(), 1)
        time.sleep(1.05)
        self.with_bot(lambda bot: bot.send_message(-5001, "x"))
        self.assertEqual(self.api.early_requests(), 1)

    def test_error_and_hang(self) -> None:
        """A 500 is a NetworkError to the client; a hang outlasts the client's timeout."""
        self.api.fail_next("error")
        with self.assertRaisesMessage(NetworkError, "Internal Server Error"):
            self.with_bot(lambda bot: bot.send_message(1001, "x"))
        self.api.fail_next("hang")
        started = time.monotonic()
        with self.assertRaises(TimedOut):
            self.with_bot(lambda bot: bot.send_message(1001, "x"), read_timeout=0.3)
        self.assertLess(time.monotonic() - started, 1.5)
        self.assertEqual([r.fault for r in self.api.requests("sendMessage")], ["error", "hang"])
        self.assertEqual(self.api.messages(), [])

    def test_down_then_up_on_the_same_port(self) -> None:
        port = self.api.port
        self.api.stop()
        with self.assertRaises(NetworkError):
            self.with_bot(lambda bot: bot.send_message(1001, "x"))
        self.api.start()
        self.assertEqual(self.api.port, port)
        self.assertEqual(self.with_bot(lambda bot: bot.send_message(1001, "x")).message_id, 1)

    def test_fault_rates_are_drawn_per_call(self) -> None:
        """Random faults hit about the fraction asked for, reproducibly by seed; a hung call
        ends with the connection closed and no answer."""
        self.api.hang_seconds = 0.05
        self.api.enforce_flood = False

        def draw(seed: int) -> list[int]:
            self.api.clear_log()
            self.api.set_fault_rates(flood=0.3, error=0.1, hang=0.05, seed=seed)
            statuses = []
            for _ in range(100):
                try:
                    statuses.append(raw_call(self.api, "sendMessage", FORM_BODY, FORM)[0])
                except OSError:  # closed without an answer
                    statuses.append(0)
            return statuses

        statuses = draw(7)
        self.assertEqual(draw(7), statuses)
        self.assertTrue(20 <= statuses.count(429) <= 40, statuses.count(429))
        self.assertTrue(4 <= statuses.count(500) <= 18, statuses.count(500))
        self.assertTrue(1 <= statuses.count(0) <= 12, statuses.count(0))
        faults = [r.fault for r in self.api.requests("sendMessage")]
        self.assertEqual(statuses.count(200), faults.count(None))
        self.assertEqual(statuses.count(0), faults.count("hang"))

    def test_concurrent_requests_are_all_recorded(self) -> None:
        """Thread-safety: 40 parallel sendMessage calls, every one recorded and numbered once."""
        threads = [
            threading.Thread(
                target=raw_call, args=(self.api, "sendMessage", b"chat_id=1001&text=x", FORM)
            )
            for _ in range(40)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        ids = sorted(m.message_id for m in self.api.messages(1001))
        self.assertEqual(ids, list(range(1, 41)))

    def test_max_in_window(self) -> None:
        """The pacing figure: most requests of one chat in any window, by arrival time."""
        times = iter([0.0, 0.5, 1.0, 1.2, 10.0])
        api = BotAPIServer(clock=lambda: next(times))
        with api:
            api.add_chat(7)
            for _ in range(5):
                raw_call(api, "sendMessage", b"chat_id=7&text=x", FORM)
        self.assertEqual(api.max_in_window(1.0), 3)  # 0.5, 1.0, 1.2
        self.assertEqual(api.max_in_window(0.5), 2)  # 1.0, 1.2
        self.assertEqual(api.max_in_window(0.1), 1)
        self.assertEqual(api.max_in_window(60.0, chat_id=7), 5)

    def test_default_token_has_botfathers_shape(self) -> None:
        self.assertRegex(DEFAULT_TOKEN, r"^\d+:[A-Za-z0-9_-]{35}$")


FORM = "application/x-www-form-urlencoded"
FORM_BODY = b"chat_id=1001&text=x"
