"""The coordinators' queue of messages: counts, failures, the filter, and "Reintentar"."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minka.accounts.tests.factories import UserFactory
from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.notifications.kinds import Channel
from minka.notifications.models import Message, TelegramChat, WebhookEndpoint
from minka.notifications.tests.helpers import PING, ping_kind
from minka.notifications.views import OUTBOX_PAGE_SIZE

URL = reverse("notifications:outbox")
DENIED = ("reg", "mem_a", "mem_b")
ALLOWED = ("coord", "admin")


def retry_url(message: Message) -> str:
    return reverse("notifications:message-retry", args=[message.public_id])


_keys = iter(range(1_000_000))


def message(**fields: Any) -> Message:
    defaults: dict[str, Any] = {
        "kind": PING,
        "channel": Channel.EMAIL,
        "language": "es",
        "key": f"k{next(_keys)}",
        "status": Message.Status.FAILED,
        "attempts": 3,
        "last_error": "The mail server did not answer.",
    }
    return Message.objects.create(**{**defaults, **fields})


@override_settings(LANGUAGE_CODE="en")
class OutboxPageTests(RoleTestCase):
    def setUp(self) -> None:
        self.enterContext(ping_kind())
        self.person = UserFactory.create(
            full_name="Rosa Quispe", email="rosa-canary-address@example.org"
        )
        self.failed = message(user=self.person)
        self.dead = message(
            user=self.person, status=Message.Status.DEAD, channel=Channel.TELEGRAM, attempts=8
        )
        self.sent = message(user=self.person, status=Message.Status.SENT, last_error="")

    def test_a_visitor_is_sent_to_sign_in(self) -> None:
        response = self.as_("anon").get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("account_login"), response["Location"])

    def test_people_without_coordination_are_refused(self) -> None:
        for persona in DENIED:
            with self.subTest(persona):
                response = self.as_(persona).get(URL)
                self.assertEqual(response.status_code, 403)
                self.assertNotContains(response, "Rosa Quispe", status_code=403)

    def test_coordinators_and_admins_see_the_failed_and_given_up_messages(self) -> None:
        for persona in ALLOWED:
            with self.subTest(persona):
                response = self.as_(persona).get(URL)
                self.assertEqual(response.status_code, 200)
                rows = [row.message for row in response.context["rows"]]
                self.assertEqual(set(rows), {self.failed, self.dead})
                self.assertContains(response, "Rosa Quispe")
                self.assertContains(response, "The mail server did not answer.")
                self.assertContains(response, retry_url(self.failed))
                self.assertContains(response, retry_url(self.dead))
                self.assertNotContains(response, retry_url(self.sent))

    def test_no_address_or_secret_is_shown(self) -> None:
        chat = TelegramChat.objects.create(chat_id=-100123, title="Grupo de la red")
        hook = WebhookEndpoint.objects.create(
            url="https://hooks.example.org/secret-path", description="", secret="whsec-canary"
        )
        message(chat=chat, channel=Channel.TELEGRAM)
        message(endpoint=hook, channel=Channel.WEBHOOK)
        message(params={"email": "guest-canary@example.org"})
        nameless = UserFactory.create(full_name="", email="nameless-canary@example.org")
        message(user=nameless)
        response = self.as_("coord").get(URL)
        body = response.content.decode()
        for secret in (
            "rosa-canary-address",
            "nameless-canary",
            "guest-canary",
            "hooks.example.org",
            "whsec-canary",
            "-100123",
        ):
            self.assertNotIn(secret, body)
        for shown in (
            "Grupo de la red",
            "Webhook without a description",
            "A guest without an account",
            "A person without a name",
        ):
            self.assertIn(shown, body)

    def test_counts_by_status_and_channel(self) -> None:
        response = self.as_("coord").get(URL)
        counts = {row.status: dict(row.counts) for row in response.context["counts"]}
        self.assertEqual(counts["failed"], {"Email": 1, "Telegram": 0, "Webhook": 0})
        self.assertEqual(counts["dead"], {"Email": 0, "Telegram": 1, "Webhook": 0})
        self.assertEqual(counts["sent"]["Email"], 1)
        self.assertEqual(counts["pending"], {"Email": 0, "Telegram": 0, "Webhook": 0})

    def test_the_filter_lists_one_status(self) -> None:
        client = self.as_("coord")
        rows = client.get(URL, {"status": "sent"}).context["rows"]
        self.assertEqual([row.message for row in rows], [self.sent])
        rows = client.get(URL, {"status": "dead"}).context["rows"]
        self.assertEqual([row.message for row in rows], [self.dead])

    def test_an_unknown_status_falls_back_to_the_problems(self) -> None:
        response = self.as_("coord").get(URL, {"status": "exploded"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            {row.message for row in response.context["rows"]}, {self.failed, self.dead}
        )

    def test_the_page_runs_a_fixed_number_of_queries(self) -> None:
        client = self.as_("coord")
        client.get(URL)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(URL)
        people = UserFactory.create_batch(5)
        for n in range(OUTBOX_PAGE_SIZE + 10):
            message(user=people[n % 5])
        with self.assertNumQueries(len(few.captured_queries)):
            response = client.get(URL)
        self.assertEqual(len(response.context["rows"]), OUTBOX_PAGE_SIZE)
        with self.assertNumQueries(len(few.captured_queries)):
            response = client.get(URL, {"page": "2"})
        self.assertEqual(len(response.context["rows"]), 12)


@override_settings(LANGUAGE_CODE="en")
class RetryTests(RoleTestCase):
    def setUp(self) -> None:
        self.enterContext(ping_kind())
        self.failed = message(user=self.mem_a)

    def test_a_visitor_is_sent_to_sign_in_and_nothing_changes(self) -> None:
        response = self.as_("anon").post(retry_url(self.failed))
        self.assertEqual(response.status_code, 302)
        self.failed.refresh_from_db()
        self.assertEqual(self.failed.status, Message.Status.FAILED)

    def test_people_without_coordination_are_refused_even_for_their_own_message(self) -> None:
        for persona in DENIED:
            with self.subTest(persona):
                self.assertEqual(self.as_(persona).post(retry_url(self.failed)).status_code, 403)
        self.failed.refresh_from_db()
        self.assertEqual((self.failed.status, self.failed.attempts), ("failed", 3))

    def test_coordinators_and_admins_send_a_failed_or_given_up_message_again(self) -> None:
        for persona in ALLOWED:
            for status in (Message.Status.FAILED, Message.Status.DEAD):
                with self.subTest(persona=persona, status=status):
                    target = message(user=self.mem_b, status=status)
                    response = self.as_(persona).post(retry_url(target), follow=True)
                    self.assertRedirects(response, URL)
                    self.assertContains(response, "The message goes out again in a moment.")
                    target.refresh_from_db()
                    self.assertEqual(
                        (target.status, target.attempts, target.last_error), ("pending", 0, "")
                    )
        self.assertEqual(AuditEntry.objects.filter(target_type="notifications.message").count(), 4)

    def test_a_message_that_has_not_failed_is_left_as_it_is(self) -> None:
        for status in (Message.Status.SENT, Message.Status.PENDING, Message.Status.HELD):
            with self.subTest(status):
                target = message(user=self.mem_b, status=status, attempts=1)
                response = self.as_("coord").post(retry_url(target), follow=True)
                self.assertContains(response, "This message has not failed: nothing to retry.")
                target.refresh_from_db()
                self.assertEqual((target.status, target.attempts), (status, 1))
        self.assertFalse(AuditEntry.objects.filter(target_type="notifications.message").exists())

    def test_an_unknown_message_answers_404(self) -> None:
        url = reverse("notifications:message-retry", args=[uuid.uuid4()])
        self.assertEqual(self.as_("coord").post(url).status_code, 404)
        self.assertEqual(self.as_("mem_a").post(url).status_code, 403)

    def test_only_post_is_allowed(self) -> None:
        self.assertEqual(self.as_("coord").get(retry_url(self.failed)).status_code, 405)

    def test_it_returns_to_the_filtered_list_but_never_outside_the_site(self) -> None:
        back = f"{URL}?status=dead"
        response = self.as_("coord").post(retry_url(self.failed), {"next": back})
        self.assertRedirects(response, back, fetch_redirect_response=False)
        again = message(user=self.mem_a)
        response = self.as_("coord").post(retry_url(again), {"next": "https://evil.example/"})
        self.assertRedirects(response, URL, fetch_redirect_response=False)
