"""Authentication: coordinators' second factor (TOTP and recovery codes).

Each class maps to a row of shared/SECURITY.md section 1.2; the figures the table asks for are
asserted and printed (run pytest with ``-s`` to see them).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import time_machine
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from minka.accounts.models import User
from minka.accounts.tests.factories import PASSWORD, UserFactory
from minka.accounts.tests.helpers import form_errors, login_post
from minka.core.models import AuditEntry
from minka.core.tests.base import add_totp, totp_code

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


@override_settings(LANGUAGE_CODE="en")
class TwoFactorTests(TestCase):
    """Coordinators sign in with a password and a second factor; codes work once."""

    coord: User
    member: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.coord = UserFactory.create(email="coordina@example.org", role=User.Role.COORDINATOR)
        cls.member = UserFactory.create(email="miembro@example.org", role=User.Role.MEMBER)

    def setUp(self) -> None:
        self.secret = add_totp(self.coord)

    def _password_step(self) -> Client:
        """Sign in with the password and land on the second-factor step; return the client."""
        client = Client()
        response = login_post(client, self.coord.email, PASSWORD)
        self.assertRedirects(response, reverse("mfa_authenticate"), fetch_redirect_response=False)
        # The password alone does not sign in.
        self.assertNotIn("_auth_user_id", client.session)
        self.assertEqual(client.get(reverse("site:home")).context["user"].is_authenticated, False)
        return client

    def _second_step(self, client: Client, code: str) -> Response:
        return client.post(reverse("mfa_authenticate"), {"code": code})

    def _assert_signed_in(self, client: Client, response: Response) -> None:
        self.assertRedirects(response, reverse("site:home"), fetch_redirect_response=False)
        self.assertEqual(client.session["_auth_user_id"], str(self.coord.pk))

    def _assert_refused(self, client: Client, response: Response) -> None:
        self.assertEqual(response.status_code, 200)
        self.assertIn("Incorrect code.", form_errors(response))
        self.assertNotIn("_auth_user_id", client.session)

    def test_valid_totp_code_completes_the_login_and_is_audited(self) -> None:
        """Password, then a valid code: the coordinator is signed in and a LOGIN is recorded."""
        client = self._password_step()
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).exists())
        response = self._second_step(client, totp_code(self.secret))
        self._assert_signed_in(client, response)
        entries = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN)
        self.assertEqual(
            [(e.actor_id, e.target_id) for e in entries], [(self.coord.pk, str(self.coord.pk))]
        )
        self.assertEqual(client.get(reverse("site:home")).status_code, 200)

    def test_wrong_totp_code_is_refused(self) -> None:
        """A code that is not the current one leaves the user signed out."""
        client = self._password_step()
        valid = int(totp_code(self.secret))
        response = self._second_step(client, f"{(valid + 1) % 1_000_000:06d}")
        self._assert_refused(client, response)
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).exists())

    def test_a_used_totp_code_is_refused_the_second_time(self) -> None:
        """The same valid code cannot complete a second, fresh login.

        The clock stands still at the start of a 30-second step, so the code stays the
        current one while the slow password steps run."""
        step_start = datetime.fromtimestamp((int(time.time()) // 30) * 30 + 1, tz=UTC)
        with time_machine.travel(step_start, tick=False):
            code = totp_code(self.secret)
            first = self._password_step()
            self._assert_signed_in(first, self._second_step(first, code))

            second = self._password_step()
            self._assert_refused(second, self._second_step(second, code))

    def test_recovery_codes_work_once_each(self) -> None:
        """A recovery code signs in once; the same code is refused the next time."""
        codes = RecoveryCodes.activate(self.coord).generate_codes()
        self.assertEqual(len(codes), settings.MFA_RECOVERY_CODE_COUNT)

        first = self._password_step()
        self._assert_signed_in(first, self._second_step(first, codes[0]))

        second = self._password_step()
        self._assert_refused(second, self._second_step(second, codes[0]))

        third = self._password_step()
        self._assert_signed_in(third, self._second_step(third, codes[1]))
        self.assertEqual(
            AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, actor=self.coord).count(), 2
        )

    def test_coordinator_without_totp_is_sent_to_set_it_up(self) -> None:
        """A coordinator with no TOTP is sent from / and /admin/ to set it up; a member is not."""
        newcomer = UserFactory.create(email="sin-totp@example.org", role=User.Role.COORDINATOR)
        client = Client()
        client.force_login(newcomer)
        for path in (reverse("site:home"), "/admin/"):
            with self.subTest(path):
                response = client.get(path)
                self.assertRedirects(
                    response, reverse("mfa_activate_totp"), fetch_redirect_response=False
                )
        # The set-up page itself stays reachable (it asks for the password again first),
        # and so do the language switch and the logout.
        response = client.get(reverse("mfa_activate_totp"))
        self.assertNotEqual(response.get("Location"), reverse("mfa_activate_totp"))
        response = client.post(
            reverse("accounts:set-language"),
            {"language": "es", "next": reverse("mfa_activate_totp")},
        )
        self.assertEqual(response.status_code, 302)
        newcomer.refresh_from_db()
        self.assertEqual(newcomer.language, "es")

        member = Client()
        member.force_login(self.member)
        self.assertEqual(member.get(reverse("site:home")).status_code, 200)
        response = member.get("/admin/")
        self.assertNotEqual(response.get("Location"), reverse("mfa_activate_totp"))

        # With TOTP, the coordinator reaches the home page.
        client = Client()
        client.force_login(self.coord)
        self.assertEqual(client.get(reverse("site:home")).status_code, 200)
