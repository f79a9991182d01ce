"""Security baseline checks that walk every route (shared/SECURITY.md 1.1, 1.5, 1.7, 1.10)."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING
from unittest import mock

from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from minka.core.logging import RequestIdFilter, SafeFormatter
from minka.core.tests.base import RoleTestCase
from minka.core.tests.routes import all_routes

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret-marker-in-exception DATABASE_URL=postgres://u:p@db/x")


urlpatterns = [path("boom/", _boom)]


class HeaderTests(RoleTestCase):
    def _urls(self) -> list[str]:
        urls = []
        for route in all_routes():
            if route.name.startswith("admin:") and route.name != "admin:index":
                continue
            try:
                urls.append(reverse(route.name))
            except Exception:  # noqa: S112  (routes with arguments are covered elsewhere)
                continue
        return urls

    def test_every_response_carries_the_baseline_headers(self) -> None:
        """nosniff, same-origin referrer and opener policy, DENY framing and a strict CSP."""
        checked = 0
        for persona in ("anon", "mem_a", "admin"):
            client = self.as_(persona)
            for url in self._urls():
                response = client.get(url)
                checked += 1
                with self.subTest(url=url, persona=persona):
                    self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                    self.assertEqual(response["Referrer-Policy"], "same-origin")
                    self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")
                    self.assertEqual(response["X-Frame-Options"], "DENY")
                    csp = response["Content-Security-Policy"]
                    for directive in (
                        "object-src 'none'",
                        "base-uri 'none'",
                        "frame-ancestors 'none'",
                        "form-action 'self'",
                        "script-src 'self'",
                    ):
                        self.assertIn(directive, csp)
                    self.assertNotIn("unsafe-inline", csp.split("script-src")[1].split(";")[0])
                    self.assertIn("X-Request-ID", response)
        print(f"headers: {checked} responses checked, 0 missing")  # noqa: T201

    def test_no_development_artefacts_are_served(self) -> None:
        client = Client()
        for url in ("/.git/HEAD", "/__debug__/", "/media/", "/static/", "/.env"):
            with self.subTest(url=url):
                self.assertEqual(client.get(url).status_code, 404)
        self.assertEqual(client.generic("TRACE", "/").status_code, 405)


class CsrfTests(RoleTestCase):
    def test_no_view_is_csrf_exempt(self) -> None:
        """Only reviewed endpoints that a program posts to without a session are exempt,
        each authorized by a secret of its own instead of the session's token."""
        reviewed = {
            # RFC 8058 one-click unsubscribe: mail programs POST with no cookie; the signed
            # token in the path says whose preference to change (and nothing else).
            "cuenta/notificaciones/baja/<str:token>/",
            # Telegram's webhook: the Bot API POSTs updates with no session; the secret token
            # header (MINKA_TELEGRAM_WEBHOOK_SECRET, compared in constant time) authorizes.
            "telegram/webhook/",
            # The language switch: a visitor's posts carry no token (public pages set no CSRF
            # cookie) and only set the language cookie; a signed-in user's choice is saved to
            # the account, so the view checks the token for them (csrf_protect inside).
            "idioma/",
        }
        exempt = []

        def walk(resolver: URLResolver) -> None:
            for entry in resolver.url_patterns:
                if isinstance(entry, URLResolver):
                    walk(entry)
                elif isinstance(entry, URLPattern) and getattr(
                    entry.callback, "csrf_exempt", False
                ):
                    exempt.append(str(entry.pattern))

        walk(get_resolver())
        self.assertEqual(sorted(set(exempt) - reviewed), [])

    def test_posts_without_a_token_are_refused(self) -> None:
        """Every POST route answers 403 without a CSRF token, for visitors and members."""
        checked = 0
        for persona in ("anon", "mem_a", "coord"):
            client = Client(enforce_csrf_checks=True)
            user = getattr(self, persona, None) if persona != "anon" else None
            if user is not None:
                client.force_login(user)
            for url in (
                reverse("directory:invitation-list"),
                reverse("accounts:preferences"),
                *([reverse("accounts:set-language")] if user is not None else []),
                reverse("account_login"),
                reverse("account_signup"),
                reverse("account_logout"),
                reverse("account_reset_password"),
                reverse("account_change_password"),
                reverse("mfa_authenticate"),
            ):
                checked += 1
                with self.subTest(url=url, persona=persona):
                    self.assertEqual(client.post(url, {"language": "en"}).status_code, 403)
        print(f"csrf: {checked} unprotected POSTs refused")  # noqa: T201


@override_settings(ROOT_URLCONF="minka.core.tests.test_security", DEBUG=False)
class ErrorPageTests(RoleTestCase):
    def test_server_error_page_shows_no_traceback_or_secret(self) -> None:
        client = Client(raise_request_exception=False)
        response = client.get("/boom/")
        self.assertEqual(response.status_code, 500)
        body = response.content.decode()
        for marker in ("Traceback", "secret-marker", "DATABASE_URL", "postgres://", "settings"):
            self.assertNotIn(marker, body)
        self.assertIn("<h1>Algo salió mal</h1>", body)


class LoggingTests(RoleTestCase):
    def _format(self, message: str) -> str:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(SafeFormatter("%(levelname)s [%(request_id)s] %(message)s"))
        logger = logging.getLogger("minka.test")
        logger.addHandler(handler)
        try:
            logger.warning("%s", message)
        finally:
            logger.removeHandler(handler)
        return stream.getvalue()

    def test_a_forged_line_break_stays_on_one_line(self) -> None:
        output = self._format("bob\nINFO fake entry\r\x1b[31m")
        self.assertEqual(output.count("\n"), 1)
        self.assertIn("bob\\nINFO fake entry\\r\\x1b", output)

    def test_tokens_and_session_ids_are_redacted(self) -> None:
        output = self._format(
            "GET /bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage "
            "Cookie: sessionid=abcdef123456; Authorization: Bearer tok_123"
        )
        self.assertNotIn("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", output)
        self.assertNotIn("abcdef123456", output)
        self.assertNotIn("tok_123", output)

    def test_the_tokens_of_emailed_links_are_redacted(self) -> None:
        """A 404 for a stale link logs its path: never the token in it."""
        paths = {
            "/invitacion/gTUaQiiwEVXIZnFotwCTCwx8BZ6MXwKsGtBiqcBIq7c/": "gTUaQiiwEVXIZnFo",
            "/reuniones/rsvp/MTI:1tQx9Z:abcDEF123/?respuesta=yes": "1tQx9Z:abcDEF123",
            "/reuniones/calendario/Zk3PqL9mWx.ics": "Zk3PqL9mWx",
            "/cuenta/password/reset/key/2-cz5abc-1234abcd/": "cz5abc-1234abcd",
            "/cuenta/confirm-email/MTk:1tQx9Z:Zk3PqL/": "MTk:1tQx9Z",
        }
        for link, token in paths.items():
            with self.subTest(link=link):
                output = self._format(f"Not Found: {link}")
                self.assertNotIn(token, output)
                self.assertIn("<redacted>", output)
        self.assertIn("/reuniones/calendario.ics", self._format("GET /reuniones/calendario.ics"))

    def test_failed_login_logs_no_password(self) -> None:
        with self.assertLogs(level="DEBUG") as logs, mock.patch.dict("os.environ", {}):
            logging.getLogger("minka").debug("start")
            self.client.post(
                reverse("account_login"),
                {"login": self.reg.email, "password": "canary-password-value"},
            )
        self.assertNotIn("canary-password-value", "\n".join(logs.output))


class EscapingLintTests(RoleTestCase):
    def test_auto_escaping_is_never_switched_off_outside_plain_text_emails(self) -> None:
        """``|safe``, ``mark_safe`` and ``autoescape off`` only where reviewed: the allowlist
        is the plain-text email templates, which are not HTML, and the files below."""
        from pathlib import Path

        # Reviewed uses, with the number of occurrences (a new one in the file fails).
        reviewed = {
            # The search snippet: every piece of document text goes through html.escape;
            # <mark> is the only markup (tested in minka/search/tests with payloads).
            "search/_snippet.py": 1,
            # Markdown: raw HTML off in the renderer, then nh3's allowlist (test_markdown.py).
            "core/markdown.py": 1,
            # Revision comparison: every piece of text goes through escape() before the
            # <ins>/<del> marks are added (payload tests in meetings/minutes/tests/test_minutes_*).
            "meetings/minutes/diff.py": 4,
        }
        root = Path(__file__).resolve().parents[2]
        offenders = []
        for source in root.rglob("*"):
            if source.suffix not in {".html", ".py", ".txt"} or "tests" in source.parts:
                continue
            text = source.read_text(encoding="utf-8", errors="replace")
            for marker in ("|safe", "mark_safe(", "autoescape off"):
                # Plain-text bodies of emails: ``emails/`` folders and the notification
                # templates' ``.txt`` parts (their HTML and Telegram parts escape as usual).
                in_text_email = source.suffix == ".txt" and (
                    "emails" in source.parts or "notifications" in source.parts
                )
                relative = str(source.relative_to(root))
                if marker == "mark_safe(" and text.count(marker) == reviewed.get(relative):
                    continue
                if marker in text and not (marker == "autoescape off" and in_text_email):
                    offenders.append(f"{relative}: {marker}")
        self.assertEqual(offenders, [])
