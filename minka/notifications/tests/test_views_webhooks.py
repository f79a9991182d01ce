"""The coordinators' webhook pages: who may use them, what they show (never a secret, except
once after creation or rotation), bad input refused with a clear message and nothing saved,
and the delivery log in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.notifications.models import Message, WebhookEndpoint
from minka.notifications.tests.helpers import PING, ping_kind
from minka.notifications.tests.test_webhook_channel import PUBLIC_IP, fake_dns
from minka.notifications.webhooks import services, signing
from minka.notifications.webhooks.ping import TEST_KIND

if TYPE_CHECKING:
    from django.test import Client
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

URL = "https://hooks.example.org/minka"
ALLOWED = ("coord", "admin")
REFUSED = ("reg", "mem_a", "mem_b")


class WebhookPagesTests(RoleTestCase):
    def setUp(self) -> None:
        self.enterContext(ping_kind())
        self.enterContext(
            fake_dns({"hooks.example.org": [PUBLIC_IP], "inner.example.org": ["10.0.0.1"]})
        )
        self.endpoint, self.secret = services.endpoint_create(
            actor=self.coord, url=URL, description="Observatorio", kinds=[PING]
        )

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"notifications:{name}", kwargs=kwargs or None)

    def routes(self) -> list[tuple[str, str]]:
        """Every route with the method that reads it (GET) or acts (POST)."""
        pk = self.endpoint.pk
        return [
            ("GET", self.url("webhook-list")),
            ("GET", self.url("webhook-create")),
            ("POST", self.url("webhook-create")),
            ("GET", self.url("webhook-edit", pk=pk)),
            ("POST", self.url("webhook-edit", pk=pk)),
            ("GET", self.url("webhook-rotate", pk=pk)),
            ("POST", self.url("webhook-rotate", pk=pk)),
            ("POST", self.url("webhook-enable", pk=pk)),
            ("POST", self.url("webhook-test", pk=pk)),
            ("GET", self.url("webhook-delete", pk=pk)),
            ("POST", self.url("webhook-delete", pk=pk)),
            ("GET", self.url("webhook-deliveries", pk=pk)),
        ]

    def english(self, persona: str) -> Client:
        """A client signed in as ``persona`` that reads the pages in English."""
        client = self.as_(persona)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    def request(self, persona: str, method: str, url: str, data: Any = None) -> Response:
        client = self.as_(persona)
        response: Response = client.get(url) if method == "GET" else client.post(url, data or {})
        return response

    # --- Who ---

    def test_visitors_are_sent_to_sign_in_and_other_roles_refused(self) -> None:
        for method, url in self.routes():
            for persona in ("anon", *REFUSED):
                with self.subTest(method=method, url=url, persona=persona):
                    response = self.request(persona, method, url)
                    expected = 302 if persona == "anon" else 403
                    self.assertEqual(response.status_code, expected)
                    if persona == "anon":
                        self.assertIn("/cuenta/login/", response["Location"])
        # Nothing changed: same secret, still there, no test event queued.
        self.endpoint.refresh_from_db()
        self.assertEqual(self.endpoint.secret, self.secret)
        self.assertFalse(Message.objects.exists())

    def test_coordinators_and_admins_reach_every_page(self) -> None:
        for persona in ALLOWED:
            for name in ("webhook-list", "webhook-create"):
                with self.subTest(persona=persona, name=name):
                    self.assertEqual(self.request(persona, "GET", self.url(name)).status_code, 200)
            for name in ("webhook-edit", "webhook-rotate", "webhook-delete", "webhook-deliveries"):
                with self.subTest(persona=persona, name=name):
                    url = self.url(name, pk=self.endpoint.pk)
                    self.assertEqual(self.request(persona, "GET", url).status_code, 200)

    def test_services_refuse_other_roles(self) -> None:
        for persona in ("reg", "mem_a", "mem_b"):
            actor = getattr(self, persona)
            with self.subTest(persona=persona):
                with self.assertRaises(PermissionDenied):
                    services.endpoint_create(actor=actor, url=URL, description="", kinds=[PING])
                with self.assertRaises(PermissionDenied):
                    services.endpoint_rotate_secret(actor=actor, endpoint=self.endpoint)
                with self.assertRaises(PermissionDenied):
                    services.endpoint_delete(actor=actor, endpoint=self.endpoint)

    def test_an_unknown_webhook_is_not_found(self) -> None:
        response = self.request("coord", "GET", self.url("webhook-deliveries", pk=999_999))
        self.assertEqual(response.status_code, 404)

    # --- The list ---

    def test_the_list_shows_address_events_status_and_failures_never_the_secret(self) -> None:
        disabled = WebhookEndpoint.objects.create(
            url="https://hooks.example.org/old",
            kinds=[PING],
            secret=signing.secret_generate(),
            active=False,
            failures=10,
            disabled_at=timezone.now(),
        )
        Message.objects.create(
            kind=PING,
            channel="webhook",
            endpoint=disabled,
            language="es",
            key="k",
            status="failed",
            last_error="HTTP 503; endpoint disabled",
        )
        response = self.english("coord").get(self.url("webhook-list"))
        page = response.content.decode()
        self.assertContains(response, URL)
        self.assertContains(response, "Observatorio")
        self.assertContains(response, "Ping")
        self.assertContains(response, "HTTP 503; endpoint disabled")
        self.assertIn(self.url("webhook-enable", pk=disabled.pk), page)
        self.assertNotIn(self.url("webhook-enable", pk=self.endpoint.pk), page)
        self.assertNotIn(self.secret, page)
        self.assertNotIn("whsec_", page)

    def test_the_list_takes_a_fixed_number_of_queries(self) -> None:
        client = self.as_("coord")
        client.get(self.url("webhook-list"))  # session and user cached like every page

        def count() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(client.get(self.url("webhook-list")).status_code, 200)
            return len(queries)

        before = count()
        for n in range(5):
            WebhookEndpoint.objects.create(url=f"{URL}/{n}", kinds=[PING], secret="s")
        self.assertEqual(count(), before)

    # --- Create ---

    def test_creating_shows_the_secret_once_and_not_cached(self) -> None:
        response = self.as_("coord").post(
            self.url("webhook-create"),
            {"url": "https://hooks.example.org/nuevo", "description": "Nuevo", "kinds": [PING]},
        )
        self.assertEqual(response.status_code, 200)
        created = WebhookEndpoint.objects.get(url="https://hooks.example.org/nuevo")
        self.assertEqual(response.content.decode().count(created.secret), 1)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(created.kinds, [PING])
        # Then never again.
        for name in ("webhook-edit", "webhook-rotate", "webhook-delete", "webhook-deliveries"):
            page = self.as_("coord").get(self.url(name, pk=created.pk)).content.decode()
            self.assertNotIn(created.secret, page)
        entry = AuditEntry.objects.filter(action="create", target_id=str(created.pk)).get()
        self.assertNotIn(created.secret, str(entry.changes))
        self.assertNotIn("/nuevo", entry.target_repr)

    def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(self) -> None:
        cases = {
            "internal address": (
                {"url": "https://10.0.0.1/h", "kinds": [PING]},
                "This web address leads to a private or internal network",
            ),
            "name resolving inward": (
                {"url": "https://inner.example.org/h", "kinds": [PING]},
                "This web address leads to a private or internal network",
            ),
            "metadata address": (
                {"url": "https://169.254.169.254/latest/", "kinds": [PING]},
                "This web address leads to a private or internal network",
            ),
            "http in production": (
                {"url": "http://hooks.example.org/h", "kinds": [PING]},
                "Only secure web addresses, starting with https://, are allowed.",
            ),
            "unknown kind": (
                {"url": "https://hooks.example.org/h", "kinds": ["nope"]},
                "Select a valid choice.",
            ),
            "not announced kind": (
                {"url": "https://hooks.example.org/h", "kinds": [TEST_KIND]},
                "Select a valid choice.",
            ),
            "no kind": ({"url": "https://hooks.example.org/h"}, "Choose at least one event."),
            "not a URL": ({"url": "javascript:alert(1)", "kinds": [PING]}, "Enter a valid URL."),
            "too long": (
                {"url": "https://hooks.example.org/" + "a" * 600, "kinds": [PING]},
                "Ensure this value has at most 500 characters",
            ),
            "user and password": (
                {"url": "https://user:pw@hooks.example.org/h", "kinds": [PING]},
                "Web addresses with a user name or password are not allowed.",
            ),
        }
        client = self.english("coord")
        for case, (data, text) in cases.items():
            with self.subTest(case=case):
                response = client.post(self.url("webhook-create"), data)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "There is a problem", status_code=400)
                self.assertContains(response, text, status_code=400)
        self.assertEqual(WebhookEndpoint.objects.count(), 1)

    # --- Edit ---

    def test_editing_changes_the_description_and_events(self) -> None:
        response = self.as_("coord").post(
            self.url("webhook-edit", pk=self.endpoint.pk),
            {"url": URL, "description": "Otro", "kinds": [PING]},
        )
        self.assertRedirects(response, self.url("webhook-list"), fetch_redirect_response=False)
        self.endpoint.refresh_from_db()
        self.assertEqual(self.endpoint.description, "Otro")
        self.assertEqual(self.endpoint.secret, self.secret)

    def test_editing_to_an_internal_address_is_refused(self) -> None:
        response = self.english("coord").post(
            self.url("webhook-edit", pk=self.endpoint.pk),
            {"url": "https://127.0.0.1/h", "description": "", "kinds": [PING]},
        )
        self.assertContains(response, "private or internal network", status_code=400)
        self.endpoint.refresh_from_db()
        self.assertEqual((self.endpoint.url, self.endpoint.description), (URL, "Observatorio"))

    # --- Rotate, enable, test, delete ---

    def test_rotating_shows_the_new_secret_once_and_keeps_the_old_one_a_day(self) -> None:
        page = self.as_("coord").get(self.url("webhook-rotate", pk=self.endpoint.pk))
        self.assertNotIn(self.secret, page.content.decode())
        response = self.as_("coord").post(self.url("webhook-rotate", pk=self.endpoint.pk))
        self.assertEqual(response.status_code, 200)
        self.endpoint.refresh_from_db()
        self.assertNotEqual(self.endpoint.secret, self.secret)
        self.assertEqual(self.endpoint.previous_secret, self.secret)
        assert self.endpoint.previous_secret_until is not None
        remaining = self.endpoint.previous_secret_until - timezone.now()
        self.assertGreater(remaining, timedelta(hours=23, minutes=59))
        self.assertLessEqual(remaining, timedelta(hours=24))
        content = response.content.decode()
        self.assertEqual(content.count(self.endpoint.secret), 1)
        self.assertNotIn(self.secret, content)
        self.assertIn("no-store", response["Cache-Control"])

    def test_enabling_a_disabled_webhook(self) -> None:
        WebhookEndpoint.objects.filter(pk=self.endpoint.pk).update(
            active=False, failures=10, disabled_at=timezone.now()
        )
        response = self.as_("admin").post(self.url("webhook-enable", pk=self.endpoint.pk))
        self.assertEqual(response.status_code, 302)
        self.endpoint.refresh_from_db()
        self.assertEqual((self.endpoint.active, self.endpoint.failures), (True, 0))

    def test_a_test_event_is_queued_for_an_active_webhook_only(self) -> None:
        url = self.url("webhook-test", pk=self.endpoint.pk)
        response = self.as_("coord").post(url)
        self.assertRedirects(
            response,
            self.url("webhook-deliveries", pk=self.endpoint.pk),
            fetch_redirect_response=False,
        )
        message = Message.objects.get()
        self.assertEqual((message.kind, message.endpoint), (TEST_KIND, self.endpoint))
        WebhookEndpoint.objects.filter(pk=self.endpoint.pk).update(active=False)
        response = self.english("coord").post(url, follow=True)
        self.assertContains(response, "Enable the webhook before sending it a test event.")
        self.assertEqual(Message.objects.count(), 1)

    def test_deleting_asks_first_then_removes_the_webhook_and_its_log(self) -> None:
        services.endpoint_test(actor=self.coord, endpoint=self.endpoint)
        url = self.url("webhook-delete", pk=self.endpoint.pk)
        self.assertContains(self.as_("coord").get(url), URL)
        self.assertTrue(WebhookEndpoint.objects.exists())
        response = self.as_("coord").post(url)
        self.assertRedirects(response, self.url("webhook-list"), fetch_redirect_response=False)
        self.assertFalse(WebhookEndpoint.objects.exists())
        self.assertFalse(Message.objects.exists())

    # --- The delivery log ---

    def test_the_delivery_log_lists_the_latest_messages_in_fixed_queries(self) -> None:
        client = self.as_("coord")
        url = self.url("webhook-deliveries", pk=self.endpoint.pk)
        Message.objects.create(
            kind=PING,
            channel="webhook",
            endpoint=self.endpoint,
            language="es",
            key="k-0",
            status="pending",
            attempts=2,
            response_status=502,
            last_error="HTTP 502",
        )
        client.get(url)

        def count() -> tuple[int, str]:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            self.assertEqual(response.status_code, 200)
            return len(queries), response.content.decode()

        before, page = count()
        self.assertIn("HTTP 502", page)
        self.assertIn("502", page)
        self.assertIn("Ping", page)
        now = timezone.now()
        Message.objects.bulk_create(
            Message(
                kind=PING,
                channel="webhook",
                endpoint=self.endpoint,
                language="es",
                key=f"k-{n}",
                status="sent",
                created_at=now + timedelta(seconds=n),
                response_status=204,
            )
            for n in range(1, 60)
        )
        after, page = count()
        self.assertEqual(after, before)
        self.assertEqual(page.count('<th scope="row"><time'), 50)
        self.assertNotIn(self.secret, page)
