"""Authentication: brute force, throttled per account and per address, and audited.

Each class maps to a row of shared/SECURITY.md section 1.2; the figures the table asks for are
asserted and printed (run pytest with ``-s`` to see them).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING
from unittest import mock

from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.core.cache import cache
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from minka.accounts.tests.factories import PASSWORD, UserFactory
from minka.accounts.tests.helpers import (
    TOO_MANY_ATTEMPTS,
    TOO_MANY_HERE,
    WRONG_CREDENTIALS,
    form_errors,
    login_post,
)
from minka.core.models import AuditEntry

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from minka.accounts.models import User


@override_settings(LANGUAGE_CODE="en")
class BruteForceTests(TestCase):
    """Failed logins are throttled per account and per address, without permanent lockout.

    These browsers never signed in before; test_login_throttling shows that the owner's usual
    browser (it holds a device cookie) is not slowed down by a stranger's guesses.
    """

    user: User

    ATTEMPTS = 30

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = UserFactory.create(email="victima@example.org")

    def _guess(self, client: Client, n: int, ip: str = "203.0.113.7") -> Response:
        return login_post(client, self.user.email, f"wrong guess {n:04d}", REMOTE_ADDR=ip)

    def _blocked(self, response: Response) -> bool:
        if response.status_code == 429:
            return True
        self.assertEqual(response.status_code, 200)
        errors = form_errors(response)
        return TOO_MANY_ATTEMPTS in errors or TOO_MANY_HERE in errors

    def _allowed_before_block(self, ips: list[str]) -> int:
        client = Client()
        allowed = 0
        first_block = None
        for n, ip in enumerate(ips):
            response = self._guess(client, n, ip)
            if self._blocked(response):
                first_block = n if first_block is None else first_block
            else:
                self.assertIsNone(first_block, "a guess was let through after the block")
                self.assertIn(WRONG_CREDENTIALS, form_errors(response))
                allowed += 1
        self.assertIsNotNone(first_block, "30 wrong passwords were never blocked")
        return allowed

    def test_thirty_guesses_from_one_address_are_cut_off(self) -> None:
        """30 wrong passwords from one address: after 5 the form answers "too many attempts"."""
        allowed = self._allowed_before_block(["203.0.113.7"] * self.ATTEMPTS)
        print(f"brute force, one address: {allowed} guesses allowed of {self.ATTEMPTS}")  # noqa: T201
        self.assertEqual(allowed, 5)

    def test_thirty_guesses_from_thirty_addresses_are_cut_off(self) -> None:
        """Changing address does not help: the per-account limit still allows only 5."""
        ips = [f"198.51.100.{n + 1}" for n in range(self.ATTEMPTS)]
        allowed = self._allowed_before_block(ips)
        print(f"brute force, {len(ips)} addresses: {allowed} guesses allowed")  # noqa: T201
        self.assertEqual(allowed, 5)
        # The documented caps: "10/m/ip" is 600 guesses an hour per address; per account, new
        # browsers get 5 guesses, then waits of 5, 10, 20, 40 and 60 minutes between rounds of
        # 5 (20 the first hour, at most 135 a day: test_login_throttling.AttackerCapTests).
        per_hour = {
            rate.per: int(rate.amount * 3600 / rate.duration)
            for rate in parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed"])
        }
        print(  # noqa: T201
            f"brute force cap: {per_hour['ip']} guesses per hour per address; per account "
            f"{settings.LOGIN_ACCOUNT_FAILURES} then a wait of "
            f"{settings.LOGIN_LOCKOUT_SECONDS // 60} minutes, doubling"
        )
        self.assertEqual(per_hour, {"ip": 600})
        self.assertEqual(settings.LOGIN_ACCOUNT_FAILURES, 5)
        self.assertEqual(settings.LOGIN_LOCKOUT_SECONDS, 5 * 60)

    def test_one_address_spraying_many_accounts_is_cut_off_at_ten(self) -> None:
        """One address trying one password on many accounts is stopped after 10 a minute."""
        client = Client()
        results = []
        for n in range(15):
            response = login_post(
                client, f"nadie{n}@example.org", "Primavera2024", REMOTE_ADDR="203.0.113.9"
            )
            results.append(self._blocked(response))
        self.assertEqual(results, [False] * 10 + [True] * 5)

    def test_real_user_signs_in_after_the_cool_off(self) -> None:
        """During the block a new browser waits even with the right password; after 5
        minutes it works."""
        self._allowed_before_block(["203.0.113.7"] * self.ATTEMPTS)
        client = Client()
        response = login_post(client, self.user.email, PASSWORD, REMOTE_ADDR="192.0.2.50")
        self.assertIs(self._blocked(response), True)
        self.assertNotIn("_auth_user_id", client.session)

        # Cool-off: the rate-limit windows and the cache entries both expire with time.
        later = time.time() + 5 * 60 + 1
        with mock.patch("time.time", return_value=later):
            response = login_post(client, self.user.email, PASSWORD, REMOTE_ADDR="192.0.2.50")
        self.assertRedirects(response, reverse("site:home"), fetch_redirect_response=False)
        self.assertEqual(client.session["_auth_user_id"], str(self.user.pk))

    def test_real_user_signs_in_after_the_cache_is_cleared(self) -> None:
        """Clearing the counters (what the cool-off does) lets the real user in at once."""
        self._allowed_before_block(["203.0.113.7"] * self.ATTEMPTS)
        cache.clear()
        response = login_post(self.client, self.user.email, PASSWORD, REMOTE_ADDR="203.0.113.7")
        self.assertRedirects(response, reverse("site:home"), fetch_redirect_response=False)

    def test_failed_logins_are_audited_without_the_password(self) -> None:
        """Each failed login writes a LOGIN_FAILED entry that holds no password."""
        secret = "my very secret guess 12345"
        for _n in range(3):
            login_post(self.client, self.user.email, secret, REMOTE_ADDR="203.0.113.7")
        entries = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED)
        self.assertEqual(entries.count(), 3)
        for entry in entries:
            self.assertEqual(entry.ip_address, "203.0.113.7")
            values = [
                str(value) for value in AuditEntry.objects.filter(pk=entry.pk).values()[0].values()
            ]
            self.assertNotIn(secret, " ".join(values))
            self.assertNotIn(PASSWORD, " ".join(values))

    def test_guesses_refused_by_the_rate_limit_are_audited_too(self) -> None:
        """Blocked guesses never reach authentication, yet each one leaves an entry."""
        for _n in range(8):
            login_post(self.client, self.user.email, "wrong guess 98765", REMOTE_ADDR="203.0.113.8")
        entries = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED)
        self.assertEqual(entries.count(), 8)
        blocked = [e for e in entries if e.changes.get("reason") == ["", "rate_limited"]]
        self.assertEqual(len(blocked), 3)  # 5 guesses allowed per account, then blocked
