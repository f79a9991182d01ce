"""Standard Webhooks signatures (SECURITY.md §1.8, row 2), checked by the reference library
``standardwebhooks``, and the local receiver that the webhook channel's tests use.

Figure printed (``pytest -s``) and asserted: verification failures on genuine deliveries = 0.
"""

from __future__ import annotations

import base64
import json
import random
import time
from unittest import mock

from django.test import SimpleTestCase, override_settings
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from minka.core import outbound
from minka.core.outbound import OutboundRefused, OutboundTimeoutError, post
from minka.notifications.tests.webhook_receiver import WebhookReceiver
from minka.notifications.webhooks import signing
from minka.notifications.webhooks.signing import (
    SignatureError,
    headers,
    secret_generate,
    sign,
    verify,
)

DELIVERIES = 1_000


def _payload(rng: random.Random) -> bytes:
    """A JSON body like the webhooks' (accents and emoji included), or raw bytes at times."""
    if rng.random() < 0.1:
        return rng.randbytes(rng.randint(0, 2048))
    words = ["acta", "reunión", "acuerdo", "Año", "niño", "✓", "🚀", 'com"illas', "\\", "\n"]
    data = {
        "type": rng.choice(["minutes.published", "meeting.scheduled", "commitment.overdue"]),
        "timestamp": rng.randint(0, 2**31),
        "data": {
            "title": " ".join(rng.choice(words) for _ in range(rng.randint(0, 30))),
            "count": rng.randint(-(10**6), 10**6),
            "ok": rng.random() < 0.5,
        },
    }
    return json.dumps(data, ensure_ascii=rng.random() < 0.5).encode("utf-8")


class SigningTests(SimpleTestCase):
    def test_a_new_secret_is_whsec_and_32_random_bytes(self) -> None:
        made = {secret_generate() for _ in range(200)}
        self.assertEqual(len(made), 200)
        for secret in made:
            self.assertTrue(secret.startswith("whsec_"))
            self.assertEqual(len(base64.b64decode(secret.removeprefix("whsec_"))), 32)

    def test_the_signature_matches_the_reference_test_vector(self) -> None:
        """The example of the Standard Webhooks libraries' own test suites."""
        signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            b'{"test": 2432232314}',
        )
        self.assertEqual(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")

    def test_the_reference_library_verifies_every_genuine_delivery(self) -> None:
        """SECURITY.md §1.8: 1,000 random payloads, signed now, each verified by
        ``standardwebhooks`` and by :func:`verify`. Figure: failures = 0."""
        rng = random.Random(18)
        failures = 0
        for number in range(DELIVERIES):
            secret = secret_generate()
            msg_id = f"msg_{number}_{rng.getrandbits(64):x}"
            body = _payload(rng)
            sent = headers(secret, msg_id, int(time.time()), body)
            try:
                Webhook(secret).verify(body, sent, json_parse=False)
                verify(secret, sent, body)
            except (WebhookVerificationError, SignatureError):
                failures += 1
        print(  # noqa: T201
            f"Standard Webhooks: verification failures on genuine deliveries = {failures} "
            f"(of {DELIVERIES}, checked by standardwebhooks and by minka)"
        )
        self.assertEqual(failures, 0)

    def test_during_rotation_either_secret_verifies(self) -> None:
        """With the new and the previous secret, the header carries two signatures; a
        receiver that knows only one of them accepts; a stranger's secret does not."""
        new, previous, stranger = secret_generate(), secret_generate(), secret_generate()
        body = b'{"type": "minutes.published"}'
        sent = headers([new, previous], "msg_rotation", int(time.time()), body)
        self.assertEqual(len(sent["webhook-signature"].split(" ")), 2)
        for secret in (new, previous):
            with self.subTest(secret="new" if secret == new else "previous"):
                Webhook(secret).verify(body, sent, json_parse=False)
                verify(secret, sent, body)
        with self.assertRaises(WebhookVerificationError):
            Webhook(stranger).verify(body, sent, json_parse=False)
        with self.assertRaises(SignatureError):
            verify(stranger, sent, body)
        verify([stranger, previous], sent, body)

    def test_a_tampered_delivery_is_rejected(self) -> None:
        """Changing one byte of the body, the id or the timestamp breaks the signature."""
        secret = secret_generate()
        body = b'{"type": "minutes.published", "id": 12}'
        now = int(time.time())
        sent = headers(secret, "msg_1", now, body)
        tampered = [
            (body.replace(b"12", b"13"), sent),
            (body + b" ", sent),
            (body, {**sent, "webhook-id": "msg_2"}),
            (body, {**sent, "webhook-timestamp": str(now - 1)}),
            (body, {**sent, "webhook-signature": "v1," + "A" * 44}),
            (body, {k: v for k, v in sent.items() if k != "webhook-signature"}),
        ]
        for number, (received_body, received_headers) in enumerate(tampered):
            with self.subTest(case=number):
                with self.assertRaises(WebhookVerificationError):
                    Webhook(secret).verify(received_body, received_headers, json_parse=False)
                with self.assertRaises(SignatureError):
                    verify(secret, received_headers, received_body)

    def test_a_delivery_older_than_five_minutes_is_rejected(self) -> None:
        secret = secret_generate()
        body = b"{}"
        now = int(time.time())
        for age, accepted in ((0, True), (240, True), (301, False), (3600, False), (-301, False)):
            with self.subTest(age=age):
                sent = headers(secret, "msg_age", now - age, body)
                if accepted:
                    Webhook(secret).verify(body, sent, json_parse=False)
                    verify(secret, sent, body, now=now)
                else:
                    with self.assertRaises(WebhookVerificationError):
                        Webhook(secret).verify(body, sent, json_parse=False)
                    with self.assertRaisesMessage(SignatureError, "too old or too new"):
                        verify(secret, sent, body, now=now)

    def test_verify_accepts_the_reference_librarys_signatures(self) -> None:
        from datetime import UTC, datetime

        secret = secret_generate()
        now = int(time.time())
        body = "¿Acta aprobada? Sí ✓".encode()
        signature = Webhook(secret).sign("msg_ref", datetime.fromtimestamp(now, tz=UTC), body)
        received = {
            "Webhook-Id": "msg_ref",
            "Webhook-Timestamp": str(now),
            "Webhook-Signature": signature,
        }
        verify(secret, received, body)

    def test_malformed_secrets_and_ids_are_refused(self) -> None:
        too_short = "whsec_" + base64.b64encode(b"x" * 16).decode()
        for secret in ("", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", too_short):
            with self.subTest(secret=secret), self.assertRaises(ValueError):
                sign(secret, "msg_1", 1, b"")
        for msg_id in ("", "msg 1", "msg_1\r\nX-Injected: 1", "msg_ñ", "m" * 256):
            with self.subTest(msg_id=msg_id), self.assertRaises(ValueError):
                headers(secret_generate(), msg_id, 1, b"")
        with self.assertRaises(ValueError):
            headers([], "msg_1", 1, b"")
        self.assertEqual(signing.TOLERANCE_SECONDS, 300)


@override_settings(DEBUG=False, OUTBOUND_ALLOW_HTTP=False, OUTBOUND_ALLOWED_HOSTS=[])
class WebhookReceiverTests(SimpleTestCase):
    def test_a_signed_post_arrives_and_is_verified(self) -> None:
        """The outbound helper delivers; the receiver verifies with the reference library."""
        secret = secret_generate()
        body = b'{"type": "minutes.published"}'
        with WebhookReceiver(secrets=[secret]) as receiver, receiver.allowed():
            response = post(
                receiver.url,
                body=body,
                headers={
                    **headers(secret, "msg_ok", int(time.time()), body),
                    "Content-Type": "application/json",
                },
            )
            post(
                receiver.url,
                body=body,
                headers=headers(secret_generate(), "msg_other", int(time.time()), body),
            )
            first, second = receiver.wait_for(2)
        self.assertEqual(response.status, 204)
        self.assertEqual((first.method, first.path, first.body), ("POST", "/webhook", body))
        self.assertEqual(first.headers["webhook-id"], "msg_ok")
        self.assertIs(first.verified, True)
        self.assertIs(second.verified, False)
        self.assertIn("No matching signature", second.verification_error)
        self.assertEqual(receiver.connections, 2)

    def test_it_answers_the_status_it_is_told(self) -> None:
        with WebhookReceiver() as receiver, receiver.allowed():
            receiver.answer(500)
            self.assertEqual(post(receiver.url, body=b"{}", headers={}).status, 500)
            receiver.answer(200)
            self.assertEqual(post(receiver.url, body=b"{}", headers={}).status, 200)
        self.assertIsNone(receiver.requests[0].verified)

    def test_a_hanging_receiver_records_the_request_and_is_released_on_exit(self) -> None:
        with (
            mock.patch.object(outbound, "TOTAL_TIMEOUT", 0.5),
            WebhookReceiver() as receiver,
            receiver.allowed(),
        ):
            receiver.hang(30)
            with self.assertRaises(OutboundTimeoutError):
                post(receiver.url, body=b"{}", headers={})
            self.assertEqual(len(receiver.requests), 1)
            leaving = time.monotonic()
        self.assertLess(time.monotonic() - leaving, 1)

    def test_a_redirect_to_another_receiver_is_not_followed(self) -> None:
        """F9's third endpoint: a 302 to an internal address reaches nothing."""
        with WebhookReceiver() as internal, WebhookReceiver() as receiver, receiver.allowed():
            receiver.redirect(internal.url)
            with self.assertRaises(OutboundRefused) as caught:
                post(receiver.url, body=b"{}", headers={})
            self.assertEqual(caught.exception.code, "redirect")
        self.assertEqual(len(receiver.requests), 1)
        self.assertEqual(internal.connections, 0)

    def test_wait_for_says_how_many_arrived(self) -> None:
        with WebhookReceiver() as receiver:
            with self.assertRaisesMessage(TimeoutError, "0 of 1 webhook requests arrived."):
                receiver.wait_for(1, timeout=0.1)
