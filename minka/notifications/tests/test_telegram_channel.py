"""The outbox's Telegram channel (``TelegramChannel``) against the local Bot API server:
announcements to the network's group, messages to linked people, refusals, and outages
(500s, the server down, a 429) after which every message arrives exactly once (F8).

Time is a fake clock shared by the server, the transport's pacing and the outbox's ``now``,
so minutes of back-off pass in milliseconds.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import TestCase, override_settings

from minka.accounts.tests.factories import UserFactory
from minka.notifications import services
from minka.notifications.channels import PermanentError, TransientError
from minka.notifications.channels import telegram as transport
from minka.notifications.channels.telegram import TelegramChannel, notice_text
from minka.notifications.delivery import outbox_deliver
from minka.notifications.kinds import Notice
from minka.notifications.models import Message, TelegramAccount, TelegramChat
from minka.notifications.tests.botapi import BotAPIServer
from minka.notifications.tests.helpers import PING, ping_kind

if TYPE_CHECKING:
    from minka.accounts.models import User

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*attribute `retry_after` will be:telegram.warnings.PTBDeprecationWarning"
)

GROUP = -1001000000001
OTHER_GROUP = -1001000000002
ANA_CHAT = 7001


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now, tz=UTC)


class ChannelTestCase(TestCase):
    def setUp(self) -> None:
        cache.clear()
        self.clock = FakeClock()
        self.api = self.enterContext(BotAPIServer(clock=self.clock, hang_seconds=1.0))
        self.enterContext(
            override_settings(
                TELEGRAM_BOT_TOKEN=self.api.token,
                TELEGRAM_API_URL=self.api.base_url,
                BASE_URL="https://minka.example.org",
            )
        )
        self.enterContext(mock.patch.object(transport, "_clock", self.clock))
        self.enterContext(ping_kind())
        self.api.add_chat(GROUP, title="Red TIC")
        self.api.add_chat(OTHER_GROUP, title="CODESI")
        self.api.add_chat(ANA_CHAT, first_name="Ana")
        self.group = TelegramChat.objects.create(chat_id=GROUP, title="Red TIC", kinds=[PING])
        self.ana = UserFactory.create(email="ana@example.org")
        TelegramAccount.objects.create(user=self.ana, chat_id=ANA_CHAT)

    def announce(self, count: int) -> None:
        for n in range(count):
            services.notify(
                PING, key=f"ping:{n}", params={"n": n}, announce=True, now=self.clock.datetime()
            )

    def drain(self, *, limit: int = 500) -> Counter[str]:
        """Run the outbox until nothing is waiting, the clock jumping to the next attempt."""
        outcomes: Counter[str] = Counter()
        for _ in range(limit):
            outcomes += outbox_deliver(now=self.clock.datetime())
            waiting = Message.objects.filter(status=Message.Status.PENDING).order_by(
                "next_attempt_at"
            )
            first = waiting.first()
            if first is None:
                return outcomes
            self.clock.now = max(self.clock.now + 0.001, first.next_attempt_at.timestamp())
        self.fail("messages still waiting")

    def texts(self, chat_id: int) -> list[str]:
        return [m.plain_text for m in self.api.messages(chat_id)]


class SendTests(ChannelTestCase):
    def test_an_announcement_reaches_the_group_once(self) -> None:
        """notify(announce=True) + the outbox: the group that chose the kind gets it once;
        another pass sends nothing more."""
        TelegramChat.objects.create(chat_id=OTHER_GROUP, title="CODESI", kinds=["other"])
        self.announce(1)
        self.assertEqual(self.drain(), Counter({"sent": 1}))
        outbox_deliver(now=self.clock.datetime())
        self.assertEqual(self.texts(GROUP), ["Ping 0\nhttp://testserver/ping/"])
        self.assertEqual(self.texts(OTHER_GROUP), [])
        self.assertEqual(Message.objects.get().status, Message.Status.SENT)

    def test_a_linked_person_gets_their_message(self) -> None:
        services.notify(
            PING, key="ping:1", params={"n": 1}, users=[self.ana], now=self.clock.datetime()
        )
        self.drain()
        self.assertEqual(self.texts(ANA_CHAT), ["Ping 1\nhttp://testserver/ping/"])

    def test_the_notices_telegram_text_is_sent_as_it_is(self) -> None:
        message = self.message_for(self.ana)
        notice = Notice(
            subject="s", text="t", telegram='<b>Acta</b> <a href="https://x.org/">aquí</a>'
        )
        TelegramChannel().send(message, notice)
        self.assertEqual(self.api.messages()[0].text, notice.telegram)

    def test_the_default_text_escapes_the_subject(self) -> None:
        notice = Notice(
            subject='Acta <borrador> & "anexos"\n', text="", url="https://x.org/?a=1&b=2"
        )
        self.assertEqual(
            notice_text(notice),
            "<b>Acta &lt;borrador&gt; &amp; &quot;anexos&quot;</b>\nhttps://x.org/?a=1&amp;b=2",
        )
        TelegramChannel().send(self.message_for(self.ana), notice)
        self.assertEqual(
            self.api.messages()[0].plain_text, 'Acta <borrador> & "anexos"\nhttps://x.org/?a=1&b=2'
        )

    def message_for(self, user: User) -> Message:
        return Message.objects.create(
            kind=PING,
            channel="telegram",
            user=user,
            key=f"k{Message.objects.count()}",
            language="es",
        )


class RefusalTests(ChannelTestCase):
    def test_a_person_without_a_link_is_a_permanent_failure(self) -> None:
        beto = UserFactory.create()
        message = Message.objects.create(
            kind=PING, channel="telegram", user=beto, key="k", language="es"
        )
        with self.assertRaisesMessage(PermanentError, "not linked"):
            TelegramChannel().send(message, Notice(subject="s", text="t"))
        self.assertEqual(self.api.requests(), [])

    def test_a_person_who_blocked_the_bot_is_unlinked(self) -> None:
        """403 "blocked by the user": a permanent failure, and the person's link is removed
        (their next messages are not written for Telegram; they may link again)."""
        self.api.block(ANA_CHAT)
        services.notify(
            PING, key="ping:1", params={"n": 1}, users=[self.ana], now=self.clock.datetime()
        )
        self.assertEqual(self.drain(), Counter({"failed": 1, "sent": 1}))
        failed = Message.objects.get(status=Message.Status.FAILED)
        self.assertEqual((failed.channel, failed.last_error), ("telegram", transport.BLOCKED))
        self.assertFalse(TelegramAccount.objects.filter(user=self.ana).exists())
        services.notify(PING, key="ping:2", params={"n": 2}, users=[self.ana])
        self.assertFalse(Message.objects.filter(key__startswith="ping:2|telegram").exists())

    def test_a_deactivated_group_gets_nothing(self) -> None:
        self.announce(1)
        self.group.active = False
        self.group.save()
        self.assertEqual(self.drain(), Counter({"failed": 1}))
        self.assertEqual(self.api.requests(), [])

    def test_a_group_that_removed_the_bot_fails_for_good(self) -> None:
        self.api.block(GROUP)
        self.announce(1)
        self.assertEqual(self.drain(), Counter({"failed": 1}))
        self.assertEqual(Message.objects.get().last_error, "The bot was removed from the chat.")
        self.assertEqual(len(self.api.requests("sendMessage")), 1)


class OutageTests(ChannelTestCase):
    """SECURITY.md F8 on the outbox: Telegram fails, then recovers; every message once."""

    def assert_each_once(self, expected: int) -> dict[str, int]:
        delivered = [m.text for m in self.api.messages(GROUP)]
        figures = {
            "sent": len(delivered),
            "lost": expected - len(set(delivered)),
            "duplicates": len(delivered) - len(set(delivered)),
            "early_requests": self.api.early_requests(),
            "max_group_msg_per_min": self.api.max_in_window(60.0, chat_id=GROUP),
        }
        self.assertEqual(figures["lost"], 0)
        self.assertEqual(figures["duplicates"], 0)
        self.assertEqual(figures["early_requests"], 0)
        self.assertLessEqual(figures["max_group_msg_per_min"], 20)
        self.assertEqual(Message.objects.filter(status=Message.Status.SENT).count(), expected)
        return figures

    def test_server_errors_then_recovery(self) -> None:
        """500 to the first 6 requests: retried on the outbox's schedule; all arrive once."""
        self.announce(5)
        self.api.fail_next("error", times=6)
        self.drain()
        figures = self.assert_each_once(5)
        errors = sum(1 for r in self.api.requests("sendMessage") if r.status == 500)
        print(json.dumps({"F8_outbox_500": errors, **figures}))  # noqa: T201
        self.assertEqual(errors, 6)

    def test_server_down_for_a_while_then_back(self) -> None:
        """The server is down for three passes of the outbox: nothing is lost; once it is
        back, each message arrives once."""
        self.announce(4)
        self.api.stop()
        for _ in range(3):
            outbox_deliver(now=self.clock.datetime())
            self.clock.now += 3600
        self.assertEqual(self.api.messages(), [])
        # One message tried per pass (pacing holds the others back without an attempt).
        waiting = Message.objects.filter(status=Message.Status.PENDING)
        self.assertEqual(waiting.count(), 4)
        self.assertEqual(sum(waiting.values_list("attempts", flat=True)), 3)
        self.api.start()
        self.drain()
        print(json.dumps({"F8_outbox_down": self.assert_each_once(4)}))  # noqa: T201

    def test_a_429_is_honoured(self) -> None:
        """429 retry_after=5 on the first message: it waits exactly 5 s; the others are
        held back meanwhile (no request reaches Telegram before the pause ends)."""
        self.announce(3)
        self.api.fail_next("flood", retry_after=5)
        started = self.clock()
        outbox_deliver(now=self.clock.datetime())
        flooded = Message.objects.get(status=Message.Status.PENDING, attempts=1)
        self.assertAlmostEqual(flooded.next_attempt_at.timestamp() - started, 5.0, places=3)
        self.assertEqual(len(self.api.requests("sendMessage")), 1)
        self.drain()
        later = [r.at - started for r in self.api.requests("sendMessage")[1:]]
        self.assertGreaterEqual(min(later), 5.0)
        print(json.dumps({"F8_outbox_429": self.assert_each_once(3)}))  # noqa: T201

    def test_pacing_defers_without_using_up_attempts(self) -> None:
        """25 announcements to one group: at most 20 a minute, none failed, none lost."""
        self.announce(25)
        outcomes = self.drain()
        self.assertEqual(outcomes["sent"], 25)
        self.assertEqual(set(Message.objects.values_list("attempts", flat=True)), {1})
        self.assert_each_once(25)


class TransportErrorsPassThroughTests(ChannelTestCase):
    def test_transient_and_permanent_errors_are_the_transports(self) -> None:
        message = Message.objects.create(
            kind=PING, channel="telegram", chat=self.group, key="k", language="es"
        )
        self.api.fail_next("flood", retry_after=9)
        with self.assertRaises(TransientError) as caught:
            TelegramChannel().send(message, Notice(subject="s", text="t"))
        self.assertEqual(caught.exception.retry_after, 9.0)
        self.clock.now += 10
        self.api.fail_next("error")
        with self.assertRaisesMessage(TransientError, "Telegram could not be reached or failed."):
            TelegramChannel().send(message, Notice(subject="s", text="t"))
        self.clock.now += 2
        with self.assertRaisesMessage(
            PermanentError, "Telegram could not read the message's HTML."
        ):
            TelegramChannel().send(message, Notice(subject="s", text="t", telegram="<div>x</div>"))
