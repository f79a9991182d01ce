"""Authentication: login, reset and sign-up answer the same for known and unknown
addresses.

Each class maps to a row of shared/SECURITY.md section 1.2; the figures the table asks for are
asserted and printed (run pytest with ``-s`` to see them).
"""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING
from unittest import mock

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core import mail
from django.core.cache import cache
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.accounts.tests.helpers import (
    WRONG_CREDENTIALS,
    form_errors,
    login_post,
    page_text,
    signup_data,
)
from minka.core.tests.base import REAL_HASHERS

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.test.client import _MonkeyPatchedWSGIResponse as Response


@REAL_HASHERS
@override_settings(LANGUAGE_CODE="en")
class EnumerationTests(TestCase):
    """The login and reset pages answer the same for known and unknown addresses."""

    user: User

    RESET_TRIES = 50
    # Each login runs two Argon2 operations (about 0.1-0.5 s each): fewer tries keep the suite
    # short, and the operation count below is the exact check.
    LOGIN_TRIES = 10

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = UserFactory.create(email="conocida@example.org")

    def _reset(self, email: str) -> Response:
        cache.clear()
        return Client().post(reverse("account_reset_password"), {"email": email}, follow=True)

    def _login(self, email: str) -> Response:
        cache.clear()
        return login_post(Client(), email, "not the password 123")

    def _medians_ms(self, call: Callable[[str], Response], tries: int) -> tuple[float, float]:
        """Median times of ``call`` for the known and the unknown address, interleaved."""
        times: dict[str, list[float]] = {"conocida@example.org": [], "desconocida@example.org": []}
        for _n in range(tries):
            for email, bucket in times.items():
                start = time.perf_counter()
                call(email)
                bucket.append((time.perf_counter() - start) * 1000)
        known, unknown = times.values()
        return statistics.median(known), statistics.median(unknown)

    def _argon2_operations(self, email: str) -> int:
        """How many Argon2 hashes and verifications one failed login of ``email`` runs."""
        with (
            mock.patch.object(
                Argon2PasswordHasher,
                "encode",
                autospec=True,
                side_effect=Argon2PasswordHasher.encode,
            ) as encode,
            mock.patch.object(
                Argon2PasswordHasher,
                "verify",
                autospec=True,
                side_effect=Argon2PasswordHasher.verify,
            ) as verify,
        ):
            self._login(email)
        return encode.call_count + verify.call_count

    def test_password_reset_answers_the_same_for_known_and_unknown_addresses(self) -> None:
        """Same status, same redirect chain and same page; each address gets one email."""
        known = self._reset("conocida@example.org")
        unknown = self._reset("desconocida@example.org")
        self.assertEqual(known.status_code, unknown.status_code)
        self.assertEqual(known.redirect_chain, unknown.redirect_chain)
        self.assertEqual(known.redirect_chain, [(reverse("account_reset_password_done"), 302)])
        self.assertEqual(page_text(known), page_text(unknown))
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox),
            ["conocida@example.org", "desconocida@example.org"],
        )
        known_ms, unknown_ms = self._medians_ms(self._reset, self.RESET_TRIES)
        print(  # noqa: T201
            f"enumeration, password reset: message differences 0, median time difference "
            f"{abs(known_ms - unknown_ms):.1f} ms ({known_ms:.1f} vs {unknown_ms:.1f}) "
            f"over {self.RESET_TRIES} tries"
        )

    def test_signup_answers_the_same_for_a_taken_and_a_free_address(self) -> None:
        """Signing up with a taken address looks like a normal sign-up; no account is made."""
        taken = self.client.post(reverse("account_signup"), signup_data(email=self.user.email))
        free = Client().post(reverse("account_signup"), signup_data())
        self.assertEqual(taken.status_code, free.status_code)
        self.assertEqual(taken["Location"], free["Location"])
        self.assertEqual(taken["Location"], reverse("account_email_verification_sent"))
        self.assertEqual(User.objects.filter(email=self.user.email).count(), 1)
        # Each address gets an email; the owner of the taken one learns of the attempt.
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["conocida@example.org", signup_data()["email"]]
        )

    def test_login_errors_are_the_same_for_wrong_password_and_unknown_account(self) -> None:
        """A wrong password and an unknown account get the same status, error, page and work."""
        known = self._login("conocida@example.org")
        unknown = self._login("desconocida@example.org")
        self.assertEqual(known.status_code, 200)
        self.assertEqual(unknown.status_code, 200)
        self.assertEqual(form_errors(known), [WRONG_CREDENTIALS])
        self.assertEqual(form_errors(unknown), [WRONG_CREDENTIALS])
        self.assertEqual(page_text(known, "conocida"), page_text(unknown, "desconocida"))
        # Equal work: the unknown address runs a dummy hash for each check a known one makes.
        known_ops = self._argon2_operations("conocida@example.org")
        unknown_ops = self._argon2_operations("desconocida@example.org")
        self.assertEqual(known_ops, unknown_ops)
        self.assertGreaterEqual(known_ops, 1)
        known_ms, unknown_ms = self._medians_ms(self._login, self.LOGIN_TRIES)
        print(  # noqa: T201
            f"enumeration, login: message differences 0, Argon2 operations {known_ops} vs "
            f"{unknown_ops}, median time difference {abs(known_ms - unknown_ms):.1f} ms "
            f"({known_ms:.1f} vs {unknown_ms:.1f}) over {self.LOGIN_TRIES} tries"
        )
