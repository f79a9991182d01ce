"""The outbox: rows written with the change, once per key; delivery with retries, leases and
digests; the one-click unsubscribe."""

from __future__ import annotations

import unittest
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from unittest import mock

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.test import Client, TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.core.tests.base import RoleTestCase
from minka.notifications import services
from minka.notifications.channels import PermanentError, TransientError
from minka.notifications.consent import consent_granted, consent_record
from minka.notifications.delivery import OutboxServer, outbox_deliver, retry_delay
from minka.notifications.kinds import Channel, Frequency
from minka.notifications.models import (
    Message,
    Preference,
    TelegramAccount,
    TelegramChat,
    WebhookEndpoint,
)
from minka.notifications.retention import outbox_purge
from minka.notifications.schedule import DIGEST_KIND, digest_boundary, outbox_digest
from minka.notifications.tests.helpers import PING, consent_to_news, ping_kind

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in Lima


class NotifyTests(TestCase):
    def setUp(self) -> None:
        self.kind = self.enterContext(ping_kind())
        self.ana = UserFactory.create(email="ana@example.org", language="en")
        self.beto = UserFactory.create(email="beto@example.org")

    def test_each_person_gets_a_row_per_channel_they_can_receive(self) -> None:
        """Email by default; Telegram only once linked."""
        TelegramAccount.objects.create(user=self.ana, chat_id=111)
        services.notify(PING, key="ping:1", params={"n": 1}, users=[self.ana, self.beto])
        rows = set(Message.objects.values_list("user__email", "channel", "status", "language"))
        self.assertEqual(
            rows,
            {
                ("ana@example.org", "email", "pending", "en"),
                ("ana@example.org", "telegram", "pending", "en"),
                ("beto@example.org", "email", "pending", "es"),
            },
        )

    def test_the_same_event_twice_makes_no_second_message(self) -> None:
        for _ in range(2):
            services.notify(PING, key="ping:1", params={"n": 1}, users=[self.ana])
        self.assertEqual(Message.objects.count(), 1)

    def test_preferences_choose_never_or_a_digest(self) -> None:
        services.preference_set(
            user=self.ana, kind=PING, channel=Channel.EMAIL, frequency=Frequency.NEVER
        )
        services.preference_set(
            user=self.beto, kind=PING, channel=Channel.EMAIL, frequency=Frequency.WEEKLY
        )
        services.notify(PING, key="ping:1", params={}, users=[self.ana, self.beto])
        message = Message.objects.get()
        self.assertEqual(
            (message.user, message.status, message.digest), (self.beto, "held", "weekly")
        )

    def test_who_caused_the_event_and_inactive_people_are_not_written_to(self) -> None:
        gone = UserFactory.create(is_active=False)
        services.notify(
            PING, key="k", params={}, users=[self.ana, self.beto, gone], exclude=self.ana
        )
        self.assertEqual(list(Message.objects.values_list("user", flat=True)), [self.beto.pk])

    def test_a_guest_gets_an_email_with_its_own_ids(self) -> None:
        services.notify(PING, key="k", params={"n": 2}, guests=[{"invitee_id": 7}])
        message = Message.objects.get()
        self.assertEqual((message.user, message.channel), (None, "email"))
        self.assertEqual(message.params, {"n": 2, "invitee_id": 7})

    def test_announcements_go_to_the_chats_and_webhooks_that_chose_the_kind(self) -> None:
        chosen = TelegramChat.objects.create(chat_id=-100, title="Red", kinds=[PING])
        TelegramChat.objects.create(chat_id=-200, title="Otra", kinds=["other"])
        TelegramChat.objects.create(chat_id=-300, title="Inactiva", kinds=[PING], active=False)
        hook = WebhookEndpoint.objects.create(url="https://example.org/h", kinds=[PING], secret="s")
        services.notify(PING, key="k", params={}, announce=True)
        self.assertEqual(
            set(Message.objects.values_list("channel", "chat", "endpoint")),
            {("telegram", chosen.pk, None), ("webhook", None, hook.pk)},
        )

    def test_parameters_are_ids_not_objects(self) -> None:
        with self.assertRaisesMessage(TypeError, "Message parameters are ids: user is User."):
            services.notify(PING, key="k", params={"user": self.ana}, users=[self.ana])  # type: ignore[dict-item]

    def test_an_unknown_kind_is_refused(self) -> None:
        with self.assertRaisesMessage(LookupError, "No event kind is registered as 'nope'."):
            services.notify("nope", key="k", params={}, users=[self.ana])

    def test_a_rolled_back_change_leaves_no_message(self) -> None:
        class AbortError(Exception):
            pass

        with self.assertRaises(AbortError), transaction.atomic():
            services.notify(PING, key="k", params={}, users=[self.ana])
            raise AbortError
        self.assertFalse(Message.objects.exists())


class ConsentTests(TestCase):
    """News reach only those who consented on that channel (their directory record);
    transactional kinds reach everyone they are meant for."""

    def setUp(self) -> None:
        from minka.directory import services as directory_services

        self.enterContext(ping_kind(transactional=False))
        self.yes = UserFactory.create(email="yes@example.org")
        self.no = UserFactory.create(email="no@example.org")
        self.unknown = UserFactory.create(email="unknown@example.org")
        for user in (self.yes, self.no):
            TelegramAccount.objects.create(user=user, chat_id=user.pk)
            directory_services.person_for_user(user=user)
        consent_record(actor=self.yes, user=self.yes, channel=Channel.EMAIL, granted=True)

    def test_news_go_only_to_those_who_consented_on_each_channel(self) -> None:
        services.notify(PING, key="k", params={}, users=[self.yes, self.no, self.unknown])
        self.assertEqual(
            list(Message.objects.values_list("user__email", "channel")),
            [("yes@example.org", "email")],
        )
        self.assertIs(consent_granted(self.yes, Channel.EMAIL), True)
        self.assertIs(consent_granted(self.yes, Channel.TELEGRAM), False)

    def test_a_withdrawal_applies_to_the_next_event(self) -> None:
        consent_record(actor=self.yes, user=self.yes, channel=Channel.EMAIL, granted=False)
        services.notify(PING, key="k", params={}, users=[self.yes])
        self.assertFalse(Message.objects.exists())

    def test_the_consent_is_recorded_as_a_directory_consent_event(self) -> None:
        from minka.directory.models import ConsentEvent

        event = ConsentEvent.objects.filter(person__user=self.yes).latest("created_at")
        self.assertEqual((event.purpose, event.granted), ("email_notifications", True))

    def test_transactional_kinds_do_not_depend_on_consent(self) -> None:
        with ping_kind(transactional=True):
            services.notify(PING, key="k", params={}, users=[self.no, self.unknown])
        self.assertEqual(Message.objects.count(), 3)


@override_settings(OUTBOX_THREADS=1, OUTBOX_RETRY_BASE=30, OUTBOX_MAX_ATTEMPTS=3)
class DeliveryTests(TestCase):
    def setUp(self) -> None:
        self.kind = self.enterContext(ping_kind())
        self.ana = UserFactory.create(email="ana@example.org")

    def notify(self, **params: int | str) -> Message:
        services.notify(
            PING, key=f"k{Message.objects.count()}", params=params, users=[self.ana], now=NOW
        )
        return Message.objects.latest("id")

    def test_an_email_is_sent_once_with_its_unsubscribe_headers(self) -> None:
        message = self.notify(n=5)
        self.assertEqual(outbox_deliver(now=NOW), {"sent": 1})
        self.assertEqual(outbox_deliver(now=NOW + timedelta(hours=1)), {})
        [email] = mail.outbox
        assert isinstance(email, EmailMultiAlternatives)
        self.assertEqual((email.to, email.subject), (["ana@example.org"], "Ping 5"))
        self.assertIn("Ping 5 for ana@example.org", email.body)
        self.assertIn(f"{message.public_id}@", email.extra_headers["Message-ID"])
        self.assertEqual(email.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        unsubscribe = email.extra_headers["List-Unsubscribe"].strip("<>")
        self.assertIn(unsubscribe, email.body)
        html = email.alternatives[0][0]
        self.assertIn("<p>Ping 5</p>", str(html))
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), ("sent", 1))

    def test_nothing_to_say_any_more_is_skipped(self) -> None:
        self.notify(gone=1)
        self.assertEqual(outbox_deliver(now=NOW), {"skipped": 1})
        self.assertEqual(mail.outbox, [])

    def test_a_permanent_failure_stops_retries(self) -> None:
        message = self.notify()
        with mock.patch(
            "minka.notifications.channels.email.EmailChannel.send",
            side_effect=PermanentError("recipient refused"),
        ):
            self.assertEqual(outbox_deliver(now=NOW), {"failed": 1})
        self.assertEqual(outbox_deliver(now=NOW + timedelta(days=1)), {})
        message.refresh_from_db()
        self.assertEqual(message.last_error, "recipient refused")

    def test_transient_failures_back_off_then_give_up(self) -> None:
        message = self.notify()
        down = mock.patch(
            "minka.notifications.channels.email.EmailChannel.send",
            side_effect=TransientError("SMTP: ConnectionRefusedError"),
        )
        with down:
            self.assertEqual(outbox_deliver(now=NOW), {"pending": 1})
            message.refresh_from_db()
            self.assertEqual(message.next_attempt_at, NOW + timedelta(seconds=30))
            self.assertEqual(outbox_deliver(now=NOW + timedelta(seconds=29)), {})
            later = NOW + timedelta(seconds=30)
            self.assertEqual(outbox_deliver(now=later), {"pending": 1})
            message.refresh_from_db()
            self.assertEqual(message.next_attempt_at, later + timedelta(seconds=60))
            self.assertEqual(outbox_deliver(now=later + timedelta(seconds=60)), {"dead": 1})
        self.assertEqual(message.attempts, 2)
        self.assertEqual(retry_delay(20), timedelta(hours=6))

    def test_a_retry_after_is_honoured_and_pacing_uses_no_attempt(self) -> None:
        message = self.notify()
        with mock.patch(
            "minka.notifications.channels.email.EmailChannel.send",
            side_effect=TransientError("wait", retry_after=5, counts=False),
        ):
            outbox_deliver(now=NOW)
        message.refresh_from_db()
        self.assertEqual(
            (message.attempts, message.next_attempt_at), (0, NOW + timedelta(seconds=5))
        )

    def test_a_renderer_bug_is_retried_not_fatal(self) -> None:
        self.notify(broken=1)
        good = self.notify(n=2)
        with self.assertLogs("minka.notifications.delivery", "ERROR"):
            self.assertEqual(outbox_deliver(now=NOW), {"pending": 1, "sent": 1})
        good.refresh_from_db()
        self.assertEqual(good.status, "sent")

    def test_a_message_left_sending_by_a_dead_worker_is_claimed_again_after_its_lease(self) -> None:
        message = self.notify()
        Message.objects.filter(pk=message.pk).update(
            status="sending", lease_until=NOW + timedelta(minutes=2)
        )
        self.assertEqual(outbox_deliver(now=NOW + timedelta(minutes=1)), {})
        self.assertEqual(outbox_deliver(now=NOW + timedelta(minutes=3)), {"sent": 1})
        self.assertEqual(len(mail.outbox), 1)

    def test_a_guest_is_written_to_at_the_renderers_address(self) -> None:
        services.notify(
            PING, key="g", params={"to": "guest@example.org"}, guests=[{"id": 1}], now=NOW
        )
        outbox_deliver(now=NOW)
        self.assertEqual(mail.outbox[0].to, ["guest@example.org"])
        self.assertNotIn("List-Unsubscribe", mail.outbox[0].extra_headers)

    def test_an_inactive_persons_message_is_skipped(self) -> None:
        self.notify()
        User.objects.filter(pk=self.ana.pk).update(is_active=False)
        self.assertEqual(outbox_deliver(now=NOW), {"skipped": 1})


@unittest.skipUnless(connection.vendor == "postgresql", "threads and row claims: PostgreSQL stage")
class ConcurrentClaimTests(TransactionTestCase):
    def test_two_workers_never_send_the_same_message(self) -> None:
        """Two passes racing over the same due messages on threads send each once."""
        with ping_kind(), override_settings(OUTBOX_THREADS=4):
            ana = UserFactory.create(email="ana@example.org")
            for n in range(20):
                services.notify(PING, key=f"k{n}", params={"n": n}, users=[ana], now=NOW)

            def run() -> int:
                try:
                    return sum(outbox_deliver(now=NOW).values())
                finally:
                    connection.close()

            with ThreadPoolExecutor(2) as pool:
                total = sum(pool.map(lambda _: run(), range(2)))
        self.assertEqual(total, 20)
        self.assertEqual(len(mail.outbox), 20)


class DigestTests(TestCase):
    def setUp(self) -> None:
        self.enterContext(ping_kind())
        self.ana = UserFactory.create(email="ana@example.org")
        services.preference_set(
            user=self.ana, kind=PING, channel=Channel.EMAIL, frequency=Frequency.DAILY
        )

    def test_the_boundaries_are_at_the_digest_hour_in_lima(self) -> None:
        self.assertEqual(digest_boundary("daily", NOW), datetime(2026, 12, 7, 12, 0, tzinfo=UTC))
        early = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)  # 06:00 in Lima
        self.assertEqual(digest_boundary("daily", early), datetime(2026, 12, 6, 12, 0, tzinfo=UTC))
        thursday = NOW + timedelta(days=3)
        self.assertEqual(
            digest_boundary("weekly", thursday), datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
        )

    def test_held_messages_go_out_as_one_email_at_the_next_boundary(self) -> None:
        evening = NOW + timedelta(hours=8)
        for n in (1, 2):
            services.notify(PING, key=f"k{n}", params={"n": n}, users=[self.ana], now=evening)
        services.notify(PING, key="gone", params={"gone": 1}, users=[self.ana], now=evening)
        self.assertEqual(outbox_digest(evening), 0)
        self.assertEqual(outbox_deliver(now=evening), {})
        morning = NOW + timedelta(days=1)
        self.assertEqual(outbox_digest(morning), 1)
        self.assertEqual(outbox_digest(morning), 0)
        self.assertEqual(outbox_deliver(now=morning), {"sent": 1})
        [email] = mail.outbox
        self.assertEqual(email.subject, "Su resumen diario")
        self.assertIn("Ping 1", email.body)
        self.assertIn("Ping 2", email.body)
        self.assertEqual(Message.objects.filter(status="bundled").count(), 3)

    def test_a_person_who_stopped_digests_gets_none(self) -> None:
        services.preference_set(
            user=self.ana, kind=DIGEST_KIND, channel=Channel.EMAIL, frequency=Frequency.NEVER
        )
        services.notify(PING, key="k", params={}, users=[self.ana], now=NOW)
        self.assertEqual(outbox_digest(NOW + timedelta(days=1)), 0)
        self.assertEqual(Message.objects.get().status, "skipped")


class UnsubscribeTests(RoleTestCase):
    def setUp(self) -> None:
        self.enterContext(ping_kind())
        self.url = services.unsubscribe_url(user=self.mem_a, kind=PING).removeprefix(
            "http://testserver"
        )

    def test_opening_the_link_changes_nothing(self) -> None:
        response = Client().get(self.url)
        self.assertContains(response, "Dejar de recibir estos correos")
        self.assertFalse(Preference.objects.exists())

    def test_one_click_post_without_session_or_csrf_turns_the_kind_off(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post(self.url, {"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 200)
        preference = Preference.objects.get()
        self.assertEqual(
            (preference.user, preference.kind, preference.channel, preference.frequency),
            (self.mem_a, PING, "email", "never"),
        )

    def test_every_role_may_use_a_valid_link_and_none_a_tampered_one(self) -> None:
        for persona in ("anon", "reg", "mem_a", "mem_b", "coord", "admin"):
            with self.subTest(persona):
                self.assertEqual(self.as_(persona).get(self.url).status_code, 200)
                response = self.as_(persona).post(self.url[:-3] + "xx/")
                self.assertContains(response, "Este enlace no funciona", status_code=400)
        self.assertFalse(
            Preference.objects.filter(frequency="never").exclude(user=self.mem_a).exists()
        )

    def test_a_link_for_an_unknown_kind_is_refused(self) -> None:
        token = services.unsubscribe_token(user=self.mem_a, kind=PING)
        self.enterContext(mock.patch.dict("minka.notifications.kinds._kinds", {}, clear=True))
        response = Client().post(reverse("notifications:unsubscribe", kwargs={"token": token}))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Preference.objects.exists())


class RetentionTests(TestCase):
    def test_finished_messages_are_purged_after_the_retention(self) -> None:
        with ping_kind():
            ana = UserFactory.create()
            old = timezone.now() - timedelta(days=91)
            services.notify(PING, key="old", params={}, users=[ana], now=old)
            services.notify(PING, key="new", params={}, users=[ana])
            services.notify(PING, key="waiting", params={}, users=[ana], now=old)
            Message.objects.exclude(key__startswith="waiting").update(status="sent")
            self.assertEqual(outbox_purge(timezone.now()), {"notifications (finished)": 1})
        self.assertEqual(
            sorted(Message.objects.values_list("key", flat=True)),
            [f"new|email|u{ana.pk}", f"waiting|email|u{ana.pk}"],
        )


class ChunkTests(TestCase):
    def test_recipients_are_read_in_chunks(self) -> None:
        """Preferences, links and consent are read in chunks of ids (SQLite's limit)."""
        with ping_kind(transactional=False), mock.patch.object(services, "ID_CHUNK", 2):
            users = [UserFactory.create() for _ in range(5)]
            consent_to_news(*users)
            TelegramAccount.objects.create(user=users[4], chat_id=4)
            services.preference_set(
                user=users[3], kind=PING, channel=Channel.EMAIL, frequency=Frequency.NEVER
            )
            services.notify(PING, key="k", params={}, users=users)
        self.assertEqual(
            sorted(Message.objects.values_list("user", "channel")),
            sorted([(u.pk, "email") for u in users if u != users[3]] + [(users[4].pk, "telegram")]),
        )


@unittest.skipUnless(connection.vendor == "postgresql", "threads need a shared database")
class OutboxServerTests(TransactionTestCase):
    """A receiver that hangs holds one thread; the others keep delivering."""

    def test_a_hanging_webhook_holds_one_thread_and_never_the_healthy_ones(self) -> None:
        import threading
        import time

        slow = WebhookEndpoint.objects.create(url="https://slow.example/h", secret="s")
        healthy = [
            WebhookEndpoint.objects.create(url=f"https://ok{n}.example/h", secret="s")
            for n in range(5)
        ]
        lock = threading.Lock()
        state = {"slow_now": 0, "slow_max": 0}
        delivered: dict[int, float] = {}
        start = time.monotonic()

        def send(_self: object, message: Message, notice: object) -> None:
            if message.endpoint_id == slow.pk:
                with lock:
                    state["slow_now"] += 1
                    state["slow_max"] = max(state["slow_max"], state["slow_now"])
                time.sleep(1.0)
                with lock:
                    state["slow_now"] -= 1
            else:
                delivered[message.pk] = time.monotonic() - start

        with (
            ping_kind(),
            mock.patch("minka.notifications.channels.webhook.WebhookChannel.send", send),
            override_settings(OUTBOX_THREADS=3),
        ):
            for n in range(4):
                Message.objects.create(
                    kind=PING, channel="webhook", endpoint=slow, language="es", key=f"s{n}"
                )
            for n, endpoint in enumerate(healthy):
                Message.objects.create(
                    kind=PING, channel="webhook", endpoint=endpoint, language="es", key=f"h{n}"
                )
            server = OutboxServer(3)
            try:
                while Message.objects.exclude(status="sent").exists():
                    server.tick()
                    server.wait(timeout=0.2)
                    self.assertLess(time.monotonic() - start, 15)
            finally:
                server.close()
        self.assertEqual(len(delivered), 5)
        self.assertLess(max(delivered.values()), 1.0)
        self.assertEqual(state["slow_max"], 1)
