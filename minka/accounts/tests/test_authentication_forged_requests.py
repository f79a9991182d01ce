"""Authentication: forged requests, a POST without a CSRF token and a forged Host header.

Each class maps to a row of shared/SECURITY.md section 1.2; the figures the table asks for are
asserted and printed (run pytest with ``-s`` to see them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core import mail
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from minka.accounts.models import User
from minka.accounts.tests.factories import PASSWORD, UserFactory
from minka.accounts.tests.helpers import signup_data
from minka.core.tests.base import add_totp, totp_code

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


@override_settings(LANGUAGE_CODE="en")
class LoginCsrfTests(TestCase):
    def test_auth_posts_without_a_csrf_token_are_refused(self) -> None:
        """Login, sign-up, password reset and the second-factor step all need a CSRF token."""
        user = UserFactory.create(email="coordina@example.org", role=User.Role.COORDINATOR)
        secret = add_totp(user)
        client = Client(enforce_csrf_checks=True)
        cases = {
            "account_login": {"login": user.email, "password": PASSWORD},
            "account_signup": signup_data(),
            "account_reset_password": {"email": user.email},
        }
        unprotected = 0
        for name, data in cases.items():
            with self.subTest(name):
                # The page sets the CSRF cookie, as in a browser; the forged POST lacks the token.
                self.assertEqual(client.get(reverse(name)).status_code, 200)
                response = client.post(reverse(name), data)
                unprotected += response.status_code != 403
                self.assertEqual(response.status_code, 403)
        self.assertNotIn("_auth_user_id", client.session)
        self.assertIs(User.objects.filter(email="nueva.persona@example.org").exists(), False)
        self.assertEqual(len(mail.outbox), 0)

        # The second-factor step: reach it for real (with a token), then post a valid code
        # without one.
        token = client.cookies["csrftoken"].value
        response = client.post(
            reverse("account_login"),
            {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        self.assertRedirects(response, reverse("mfa_authenticate"), fetch_redirect_response=False)
        self.assertEqual(client.get(reverse("mfa_authenticate")).status_code, 200)
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
        unprotected += response.status_code != 403
        self.assertEqual(response.status_code, 403)
        print(f"login CSRF: unprotected auth POSTs {unprotected}/{len(cases) + 1}")  # noqa: T201
        self.assertNotIn("_auth_user_id", client.session)


@override_settings(
    LANGUAGE_CODE="en", ALLOWED_HOSTS=["minka.example.org"], BASE_URL="https://minka.example.org"
)
class HostHeaderTests(TestCase):
    """Reset links come from BASE_URL; a forged Host header never reaches an email."""

    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = UserFactory.create(email="olvido@example.org")

    def _reset(self, **headers: Any) -> Response:
        return self.client.post(
            reverse("account_reset_password"), {"email": self.user.email}, **headers
        )

    def _link(self) -> str:
        self.assertEqual(len(mail.outbox), 1)
        links = [word for word in mail.outbox[0].body.split() if "://" in word]
        self.assertEqual(len(links), 1, mail.outbox[0].body)
        return links[0]

    def test_forged_host_is_refused_without_email(self) -> None:
        """A Host outside ALLOWED_HOSTS gets 400 and no email is sent."""
        response = self._reset(HTTP_HOST="evil.example")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(len(mail.outbox), 0)

    def test_reset_link_starts_with_base_url(self) -> None:
        """With a valid host the link is under the configured BASE_URL."""
        response = self._reset(HTTP_HOST="minka.example.org")
        self.assertRedirects(
            response, reverse("account_reset_password_done"), fetch_redirect_response=False
        )
        link = self._link()
        self.assertTrue(
            link.startswith("https://minka.example.org/cuenta/password/reset/key/"), link
        )

    def test_forwarded_host_does_not_change_the_link(self) -> None:
        """X-Forwarded-Host is not trusted: the link still starts with BASE_URL."""
        response = self._reset(HTTP_HOST="minka.example.org", HTTP_X_FORWARDED_HOST="evil.example")
        self.assertEqual(response.status_code, 302)
        link = self._link()
        self.assertTrue(link.startswith("https://minka.example.org/"), link)
        self.assertNotIn("evil.example", mail.outbox[0].body)
