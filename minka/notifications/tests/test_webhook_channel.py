"""Outgoing webhooks end to end: an event announced through the outbox reaches a local receiver
as signed JSON that the reference library (``standardwebhooks``) verifies; rotation, retries,
auto-disabling, and the address guard at registration and on every delivery (SECURITY.md §1.8).

The receivers run on 127.0.0.1 (``WebhookReceiver``) and are let through the guard with
``allowed()``; DNS answers for made-up names come from a stub of ``socket.getaddrinfo``.
"""

from __future__ import annotations

import contextlib
import json
import socket
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.utils import timezone, translation
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.core import outbound
from minka.core.models import AuditEntry
from minka.notifications import services as notification_services
from minka.notifications.channels import PermanentError, TransientError
from minka.notifications.channels.webhook import USER_AGENT, WebhookChannel
from minka.notifications.delivery import outbox_deliver
from minka.notifications.kinds import Notice
from minka.notifications.models import Message, WebhookEndpoint
from minka.notifications.tests.helpers import PING, ping_kind
from minka.notifications.tests.webhook_receiver import WebhookReceiver
from minka.notifications.webhooks import services, signing
from minka.notifications.webhooks.ping import TEST_KIND

if TYPE_CHECKING:
    from collections.abc import Iterator

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
PUBLIC_IP = "93.184.215.14"  # a public address: only looked up here, never connected to
REAL_GETADDRINFO = socket.getaddrinfo


@contextlib.contextmanager
def fake_dns(answers: dict[str, list[str]]) -> Iterator[dict[str, list[str]]]:
    """``socket.getaddrinfo`` answers ``answers[name]`` (IPv4 addresses) for the names listed;
    change the dict inside the block to flip an answer (DNS rebinding)."""

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = str(host).lower()
        if name not in answers:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))
            for address in answers[name]
        ]

    with mock.patch("socket.getaddrinfo", getaddrinfo):
        yield answers


def coordinator() -> User:
    return UserFactory.create(role=User.Role.COORDINATOR)


@override_settings(OUTBOX_THREADS=1, OUTBOX_RETRY_BASE=30, OUTBOX_MAX_ATTEMPTS=12)
class WebhookDeliveryTests(TestCase):
    """A local receiver gets the announced events, signed, once each."""

    def setUp(self) -> None:
        self.enterContext(ping_kind())
        self.coord = coordinator()
        self.receiver = self.enterContext(WebhookReceiver())
        self.enterContext(self.receiver.allowed())
        self.endpoint, self.secret = services.endpoint_create(
            actor=self.coord, url=self.receiver.url, description="Red", kinds=[PING]
        )
        self.receiver.secrets = [self.secret]

    def announce(self, n: int = 1, *, now: datetime = NOW) -> Message:
        notification_services.notify(PING, key=f"ping:{n}", params={"n": n}, announce=True, now=now)
        return Message.objects.get(key=f"ping:{n}|webhook|w{self.endpoint.pk}")

    def test_an_announced_event_arrives_signed_and_verified_by_the_reference_library(
        self,
    ) -> None:
        message = self.announce(7)
        self.assertEqual(outbox_deliver(now=NOW), {"sent": 1})
        (request,) = self.receiver.requests
        self.assertIs(request.verified, True, request.verification_error)
        self.assertEqual(
            json.loads(request.body),
            {"type": PING, "timestamp": "2026-12-07T15:00:00Z", "data": {"n": 7}},
        )
        self.assertNotIn(b": ", request.body)  # compact JSON
        self.assertEqual(request.headers["webhook-id"], str(message.public_id))
        self.assertEqual(request.headers["content-type"], "application/json")
        self.assertEqual(request.headers["user-agent"], USER_AGENT)
        self.assertEqual(len(request.headers["webhook-signature"].split(" ")), 1)
        # Minka's own verifier agrees with the reference one.
        signing.verify(self.secret, request.headers, request.body)
        message.refresh_from_db()
        self.assertEqual((message.status, message.response_status), ("sent", 204))

    def test_only_webhooks_that_chose_the_kind_and_are_active_get_it(self) -> None:
        WebhookEndpoint.objects.create(url=self.receiver.url, kinds=["other"], secret=self.secret)
        WebhookEndpoint.objects.create(
            url=self.receiver.url, kinds=[PING], secret=self.secret, active=False
        )
        self.announce()
        self.assertEqual(Message.objects.filter(channel="webhook").count(), 1)

    def test_during_a_rotation_both_secrets_verify_then_only_the_new_one(self) -> None:
        old = self.secret
        _endpoint, new = services.endpoint_rotate_secret(actor=self.coord, endpoint=self.endpoint)
        self.receiver.secrets = [old]  # a receiver not yet told about the new secret
        self.announce(1)
        outbox_deliver(now=NOW)
        (request,) = self.receiver.requests
        self.assertIs(request.verified, True)
        Webhook(new).verify(request.body, request.headers, json_parse=False)
        self.assertEqual(len(request.headers["webhook-signature"].split(" ")), 2)
        # After the overlap, the previous secret signs no more.
        WebhookEndpoint.objects.filter(pk=self.endpoint.pk).update(
            previous_secret_until=timezone.now() - timedelta(seconds=1)
        )
        self.announce(2)
        outbox_deliver(now=NOW)
        second = self.receiver.requests[1]
        self.assertIs(second.verified, False)
        Webhook(new).verify(second.body, second.headers, json_parse=False)
        with self.assertRaises(WebhookVerificationError):
            Webhook(old).verify(second.body, second.headers, json_parse=False)

    def test_a_tampered_body_or_an_old_timestamp_is_rejected_by_the_receiver(self) -> None:
        self.announce()
        outbox_deliver(now=NOW)
        (request,) = self.receiver.requests
        with self.assertRaises(WebhookVerificationError):
            Webhook(self.secret).verify(request.body + b" ", request.headers, json_parse=False)
        later = int(request.headers["webhook-timestamp"]) + 6 * 60
        with self.assertRaisesMessage(signing.SignatureError, "too old"):
            signing.verify(self.secret, request.headers, request.body, now=later)

    def test_a_failing_receiver_is_retried_then_gets_the_event_once_it_recovers(self) -> None:
        """The same webhook-id on every try: a receiver that dedupes counts one event."""
        message = self.announce()
        self.receiver.answer(500)
        self.assertEqual(outbox_deliver(now=NOW), {"pending": 1})
        message.refresh_from_db()
        self.assertEqual((message.attempts, message.response_status), (1, 500))
        self.assertEqual(message.last_error, "HTTP 500")
        self.endpoint.refresh_from_db()
        self.assertEqual(self.endpoint.failures, 1)
        self.receiver.answer(204)
        self.assertEqual(outbox_deliver(now=NOW + timedelta(seconds=29)), {})
        self.assertEqual(outbox_deliver(now=NOW + timedelta(seconds=30)), {"sent": 1})
        self.assertEqual(outbox_deliver(now=NOW + timedelta(hours=1)), {})
        requests = self.receiver.requests
        self.assertEqual(len(requests), 2)
        self.assertEqual({r.headers["webhook-id"] for r in requests}, {str(message.public_id)})
        self.assertTrue(all(r.verified for r in requests))
        message.refresh_from_db()
        self.assertEqual((message.status, message.response_status), ("sent", 204))
        self.endpoint.refresh_from_db()
        self.assertEqual(self.endpoint.failures, 0)

    def test_answers_are_classified_permanent_or_transient(self) -> None:
        cases = {
            400: PermanentError,
            404: PermanentError,
            410: PermanentError,
            408: TransientError,
            429: TransientError,
            500: TransientError,
            503: TransientError,
        }
        for status, expected in cases.items():
            with self.subTest(status=status):
                message = self.announce(status)
                self.receiver.answer(status)
                notice = Notice(subject="s", text="t", payload={"n": status})
                with self.assertRaisesMessage(expected, f"HTTP {status}"):
                    WebhookChannel().send(message, notice)
                message.refresh_from_db()
                self.assertEqual(message.response_status, status)
                WebhookEndpoint.objects.filter(pk=self.endpoint.pk).update(failures=0)

    def test_a_retry_after_in_seconds_is_honoured(self) -> None:
        message = self.announce()
        with mock.patch.object(
            outbound,
            "post",
            return_value=outbound.OutboundResponse(429, {"retry-after": "120"}, b""),
        ):
            outbox_deliver(now=NOW)
        message.refresh_from_db()
        self.assertEqual(message.next_attempt_at, NOW + timedelta(seconds=120))

    def test_a_receiver_that_hangs_times_out_and_is_retried(self) -> None:
        message = self.announce()
        self.receiver.hang(10)
        with mock.patch.object(outbound, "TOTAL_TIMEOUT", 0.5):
            started = timezone.now()
            self.assertEqual(outbox_deliver(now=NOW), {"pending": 1})
            elapsed = (timezone.now() - started).total_seconds()
        self.assertLess(elapsed, 3)
        message.refresh_from_db()
        self.assertEqual(message.last_error, "The receiver did not answer in time.")
        self.assertIsNone(message.response_status)

    def test_a_receiver_that_is_down_is_retried(self) -> None:
        message = self.announce()
        self.receiver.stop()
        self.assertEqual(outbox_deliver(now=NOW), {"pending": 1})
        message.refresh_from_db()
        self.assertEqual(message.last_error, "The receiver could not be reached.")

    def test_errors_name_no_address_secret_or_reply(self) -> None:
        port = str(self.receiver.port)
        self.receiver.answer(500)
        self.announce(1)
        outbox_deliver(now=NOW)
        self.receiver.stop()
        self.announce(2)
        outbox_deliver(now=NOW)
        for error in Message.objects.values_list("last_error", flat=True):
            self.assertNotIn("127.0.0.1", error)
            self.assertNotIn(port, error)
            self.assertNotIn("whsec_", error)

    def test_the_test_event_reaches_only_this_webhook(self) -> None:
        other = WebhookEndpoint.objects.create(url=self.receiver.url, kinds=[PING], secret="x")
        message = services.endpoint_test(actor=self.coord, endpoint=self.endpoint)
        self.assertEqual(outbox_deliver(now=timezone.now()), {"sent": 1})
        (request,) = self.receiver.requests
        self.assertIs(request.verified, True)
        body = json.loads(request.body)
        self.assertEqual((body["type"], body["data"]), (TEST_KIND, {"test": True}))
        self.assertEqual(message.endpoint, self.endpoint)
        self.assertFalse(Message.objects.filter(endpoint=other).exists())


@override_settings(
    OUTBOX_THREADS=1, OUTBOX_RETRY_BASE=30, OUTBOX_MAX_ATTEMPTS=12, WEBHOOK_MAX_FAILURES=3
)
class WebhookHealthTests(TestCase):
    """Failures in a row disable a webhook; a success resets the count."""

    def setUp(self) -> None:
        self.enterContext(ping_kind())
        self.coord = coordinator()
        self.receiver = self.enterContext(WebhookReceiver())
        self.enterContext(self.receiver.allowed())
        self.endpoint, secret = services.endpoint_create(
            actor=self.coord, url=self.receiver.url, description="", kinds=[PING]
        )
        self.receiver.secrets = [secret]

    def announce(self, *numbers: int) -> None:
        for n in numbers:
            notification_services.notify(
                PING, key=f"ping:{n}", params={"n": n}, announce=True, now=NOW
            )

    def test_a_success_resets_the_count_of_failures(self) -> None:
        self.receiver.answer(500)
        self.announce(1, 2)
        outbox_deliver(now=NOW)
        self.endpoint.refresh_from_db()
        self.assertEqual(self.endpoint.failures, 2)
        self.receiver.answer(200)
        self.announce(3)
        outbox_deliver(now=NOW)
        self.endpoint.refresh_from_db()
        self.assertEqual((self.endpoint.failures, self.endpoint.active), (0, True))

    def test_the_webhook_is_disabled_after_max_failures_in_a_row(self) -> None:
        self.receiver.answer(500)
        self.announce(1, 2, 3, 4)
        outbox_deliver(now=NOW)
        self.endpoint.refresh_from_db()
        self.assertIs(self.endpoint.active, False)
        self.assertEqual(self.endpoint.failures, 3)
        self.assertIsNotNone(self.endpoint.disabled_at)
        # Three tries reached the receiver; the fourth message, still waiting (each message is
        # claimed just before it is sent), was skipped when the webhook was disabled.
        self.assertEqual(len(self.receiver.requests), 3)
        outcomes = dict(
            Message.objects.filter(endpoint=self.endpoint).values_list("key", "last_error")
        )
        statuses = dict(Message.objects.filter(endpoint=self.endpoint).values_list("key", "status"))
        suffix = f"|webhook|w{self.endpoint.pk}"
        self.assertEqual(statuses[f"ping:1{suffix}"], "skipped")
        self.assertEqual(outcomes[f"ping:1{suffix}"], "endpoint disabled")
        self.assertEqual(statuses[f"ping:3{suffix}"], "failed")
        self.assertEqual(outcomes[f"ping:3{suffix}"], "HTTP 500; endpoint disabled")
        self.assertEqual(
            (statuses[f"ping:4{suffix}"], outcomes[f"ping:4{suffix}"]),
            ("skipped", "endpoint disabled"),
        )
        entry = AuditEntry.objects.filter(target_type="notifications.webhookendpoint").latest("pk")
        self.assertEqual(entry.changes["active"], [True, False])
        self.assertIsNone(entry.actor)
        # Nothing is sent any more, and new events do not queue for it.
        self.announce(5)
        self.assertFalse(Message.objects.filter(key=f"ping:5{suffix}").exists())
        self.assertEqual(outbox_deliver(now=NOW + timedelta(days=1)), {})
        self.assertEqual(len(self.receiver.requests), 3)

    def test_a_message_for_a_disabled_webhook_fails_without_a_connection(self) -> None:
        self.announce(1)
        WebhookEndpoint.objects.filter(pk=self.endpoint.pk).update(active=False)
        self.assertEqual(outbox_deliver(now=NOW), {"failed": 1})
        self.assertEqual(self.receiver.connections, 0)
        self.assertEqual(Message.objects.get().last_error, "endpoint disabled")

    def test_enabling_again_resets_the_count_and_events_flow(self) -> None:
        self.receiver.answer(500)
        self.announce(1, 2, 3)
        outbox_deliver(now=NOW)
        self.endpoint.refresh_from_db()
        self.assertIs(self.endpoint.active, False)
        services.endpoint_enable(actor=self.coord, endpoint=self.endpoint)
        self.endpoint.refresh_from_db()
        self.assertEqual((self.endpoint.active, self.endpoint.failures), (True, 0))
        self.assertIsNone(self.endpoint.disabled_at)
        self.receiver.answer(204)
        self.announce(4)
        self.assertEqual(outbox_deliver(now=NOW + timedelta(hours=1)), {"sent": 1})


class AddressGuardTests(TestCase):
    """SSRF (SECURITY.md §1.8): registration refuses internal addresses, and every delivery
    checks again; redirects are never followed. A loopback receiver counts connections."""

    def setUp(self) -> None:
        self.enterContext(ping_kind())
        self.enterContext(translation.override("en"))
        self.coord = coordinator()

    def create(self, url: str) -> tuple[WebhookEndpoint, str]:
        return services.endpoint_create(actor=self.coord, url=url, description="", kinds=[PING])

    def test_registration_refuses_internal_addresses_and_names_resolving_to_them(self) -> None:
        refused = [
            "https://127.0.0.1/hook",
            "https://10.0.0.1/hook",
            "https://169.254.169.254/latest/meta-data/",
            "https://loopback.example.org/hook",
            "https://private.example.org/hook",
            "https://metadata.example.org/hook",
        ]
        answers = {
            "loopback.example.org": ["127.0.0.1"],
            "private.example.org": ["10.0.0.1"],
            "metadata.example.org": ["169.254.169.254"],
        }
        with WebhookReceiver() as listener, fake_dns(answers):
            refused.append(f"https://127.0.0.1:{listener.port}/webhook")
            for url in refused:
                with self.subTest(url=url), self.assertRaises(ValidationError) as caught:
                    self.create(url)
                self.assertEqual(
                    caught.exception.message_dict["url"],
                    [
                        "This web address leads to a private or internal network, so Minka "
                        "does not send requests to it."
                    ],
                )
            self.assertEqual(listener.connections, 0)
        self.assertFalse(WebhookEndpoint.objects.exists())

    def test_registration_refuses_plain_http_outside_development(self) -> None:
        with fake_dns({"hooks.example.org": [PUBLIC_IP]}), self.assertRaises(ValidationError) as c:
            self.create("http://hooks.example.org/hook")
        self.assertEqual(
            c.exception.message_dict["url"],
            ["Only secure web addresses, starting with https://, are allowed."],
        )

    def test_registration_refuses_kinds_that_are_not_announced(self) -> None:
        with fake_dns({"hooks.example.org": [PUBLIC_IP]}):
            for kinds, text in (
                ([], "Choose at least one event."),
                (["nope"], "These events cannot be sent to webhooks: nope."),
                ([TEST_KIND], f"These events cannot be sent to webhooks: {TEST_KIND}."),
            ):
                with self.subTest(kinds=kinds), self.assertRaises(ValidationError) as caught:
                    services.endpoint_create(
                        actor=self.coord,
                        url="https://hooks.example.org/h",
                        description="",
                        kinds=kinds,
                    )
                self.assertEqual(caught.exception.message_dict["kinds"], [text])
        self.assertFalse(WebhookEndpoint.objects.exists())

    def test_a_delivery_whose_name_now_resolves_inward_is_refused_without_a_connection(
        self,
    ) -> None:
        """DNS rebinding: public when registered, loopback when delivered."""
        with WebhookReceiver() as listener:
            with fake_dns({"hooks.example.org": [PUBLIC_IP]}) as answers:
                endpoint, _secret = self.create(f"https://hooks.example.org:{listener.port}/h")
                answers["hooks.example.org"] = ["127.0.0.1"]
                notification_services.notify(PING, key="p", params={"n": 1}, announce=True, now=NOW)
                message = Message.objects.get(endpoint=endpoint)
                notice = Notice(subject="s", text="t", payload={})
                with self.assertRaisesMessage(PermanentError, "private or internal network"):
                    WebhookChannel().send(message, notice)
                self.assertEqual(outbox_deliver(now=NOW), {"failed": 1})
            self.assertEqual(listener.connections, 0)
        message.refresh_from_db()
        self.assertEqual(message.status, "failed")
        self.assertIsNone(message.response_status)

    def test_a_redirect_to_an_internal_address_is_refused_and_never_followed(self) -> None:
        with WebhookReceiver() as internal, WebhookReceiver() as receiver, receiver.allowed():
            receiver.redirect(f"http://127.0.0.1:{internal.port}/admin")
            endpoint, _secret = self.create(receiver.url)
            notification_services.notify(PING, key="p", params={"n": 1}, announce=True, now=NOW)
            self.assertEqual(outbox_deliver(now=NOW), {"failed": 1})
            self.assertEqual(len(receiver.requests), 1)
            self.assertEqual(internal.connections, 0)
        message = Message.objects.get(endpoint=endpoint)
        self.assertIn("redirect", message.last_error)
        self.assertEqual(message.status, "failed")
