"""Setting up the second factor: no second password prompt right after signing in, a prompt
again in an older session, and a "Continue" link after the recovery codes (issue 16)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import time_machine
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils.translation import gettext as _

from minka.accounts.middleware import TWO_FACTOR_NEXT_SESSION_KEY
from minka.accounts.models import User
from minka.accounts.tests.factories import PASSWORD, UserFactory
from minka.accounts.tests.helpers import login_post
from minka.core.tests.base import add_totp, totp_code

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def later(minutes: int) -> time_machine.travel:
    """The clock ``minutes`` from now (ticking), for a session that has grown old."""
    return time_machine.travel(datetime.now(tz=UTC) + timedelta(minutes=minutes))


@override_settings(LANGUAGE_CODE="en")
class TwoFactorSetupTests(TestCase):
    """A fresh sign-in counts as the re-authentication that setting up a second factor asks
    for; a session older than ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` is asked for the password."""

    def _signed_in(self, user: User) -> Client:
        client = Client()
        response = login_post(client, user.email, PASSWORD)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(client.session["_auth_user_id"], str(user.pk))
        return client

    def _assert_sent_to_reauthenticate(self, response: Response) -> None:
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("account_reauthenticate")))

    def _activate(self, client: Client) -> Response:
        """Open the set-up page (no password prompt) and send a valid code."""
        page = client.get(reverse("mfa_activate_totp"))
        self.assertEqual(page.status_code, 200)
        return client.post(
            reverse("mfa_activate_totp"), {"code": totp_code(page.context["form"].secret)}
        )

    def test_member_sets_up_totp_right_after_signing_in_without_a_password_prompt(self) -> None:
        """Sign in, open the set-up page: the form, not the password page; the code activates
        TOTP and leads to the recovery codes, whose "Continue" goes to the account page."""
        member = UserFactory.create(email="miembro@example.org", role=User.Role.MEMBER)
        client = self._signed_in(member)
        response = self._activate(client)
        self.assertRedirects(
            response, reverse("mfa_view_recovery_codes"), fetch_redirect_response=False
        )
        self.assertTrue(
            Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()
        )
        page = client.get(reverse("mfa_view_recovery_codes"))
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.context["continue_url"], reverse("accounts:preferences"))
        self.assertContains(
            page, f'<a class="button" href="{reverse("accounts:preferences")}">{_("Continue")}</a>'
        )

    def test_an_older_session_is_asked_for_the_password(self) -> None:
        """The same page in a session signed in longer ago than the timeout: re-authenticate
        first, and the password given there opens the form."""
        member = UserFactory.create(email="miembro@example.org", role=User.Role.MEMBER)
        client = self._signed_in(member)
        minutes = settings.ACCOUNT_REAUTHENTICATION_TIMEOUT // 60 + 1
        with later(minutes):
            self._assert_sent_to_reauthenticate(client.get(reverse("mfa_activate_totp")))
            response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
            self.assertEqual(response.status_code, 302)
            self.assertEqual(client.get(reverse("mfa_activate_totp")).status_code, 200)

    def test_a_session_without_a_recorded_sign_in_is_asked_for_the_password(self) -> None:
        """A session that never went through the sign-in form (no proof in it) is asked."""
        member = UserFactory.create(email="miembro@example.org", role=User.Role.MEMBER)
        client = Client()
        client.force_login(member)
        self._assert_sent_to_reauthenticate(client.get(reverse("mfa_activate_totp")))

    def test_a_wrong_password_at_sign_in_proves_nothing(self) -> None:
        """A failed sign-in followed by a successful one elsewhere leaves no proof behind."""
        member = UserFactory.create(email="miembro@example.org", role=User.Role.MEMBER)
        client = Client()
        login_post(client, member.email, "not the password")
        self.assertNotIn("_auth_user_id", client.session)
        client.force_login(member)
        self._assert_sent_to_reauthenticate(client.get(reverse("mfa_activate_totp")))

    def test_privileged_roles_are_sent_to_set_up_and_continue_where_they_were_going(
        self,
    ) -> None:
        """A coordinator or admin without TOTP, sent from the meetings page to the set-up, is
        not asked for the password again; "Continue" leads back to the meetings page, once."""
        for role in (User.Role.COORDINATOR, User.Role.ADMIN):
            with self.subTest(role=role):
                user = UserFactory.create(email=f"{role}@example.org", role=role)
                client = self._signed_in(user)
                meetings = reverse("meetings:meeting-list")
                self.assertRedirects(
                    client.get(meetings),
                    reverse("mfa_activate_totp"),
                    fetch_redirect_response=False,
                )
                self.assertEqual(client.session[TWO_FACTOR_NEXT_SESSION_KEY], meetings)
                response = self._activate(client)
                self.assertRedirects(
                    response, reverse("mfa_view_recovery_codes"), fetch_redirect_response=False
                )
                page = client.get(reverse("mfa_view_recovery_codes"))
                self.assertEqual(page.context["continue_url"], meetings)
                self.assertContains(page, f'href="{meetings}"')
                self.assertEqual(client.get(meetings).status_code, 200)
                again = client.get(reverse("mfa_view_recovery_codes"))
                self.assertEqual(again.context["continue_url"], reverse("accounts:preferences"))

    def test_coordinator_signed_in_with_two_factors_is_not_asked_again(self) -> None:
        """Password and code at sign-in count as proof for turning TOTP off at once; later
        the coordinator is asked again."""
        coord = UserFactory.create(email="coordina@example.org", role=User.Role.COORDINATOR)
        secret = add_totp(coord)
        client = Client()
        login_post(client, coord.email, PASSWORD)
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
        self.assertRedirects(response, reverse("site:home"), fetch_redirect_response=False)
        self.assertEqual(client.get(reverse("mfa_deactivate_totp")).status_code, 200)
        with later(settings.ACCOUNT_REAUTHENTICATION_TIMEOUT // 60 + 1):
            self._assert_sent_to_reauthenticate(client.get(reverse("mfa_deactivate_totp")))

    def test_visitor_is_sent_to_sign_in_and_nothing_is_remembered(self) -> None:
        """Anonymous: the set-up page asks to sign in first; no page to return to is kept."""
        client = Client()
        for method in ("get", "post"):
            with self.subTest(method):
                response = getattr(client, method)(reverse("mfa_activate_totp"))
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("account_login")))
        self.assertNotIn(TWO_FACTOR_NEXT_SESSION_KEY, client.session)

    def test_continue_never_leaves_the_site(self) -> None:
        """A foreign address in the session is ignored: "Continue" goes to the account."""
        member = UserFactory.create(email="miembro@example.org", role=User.Role.MEMBER)
        client = self._signed_in(member)
        self._activate(client)
        session = client.session
        session[TWO_FACTOR_NEXT_SESSION_KEY] = "https://evil.example.org/"
        session.save()
        page = client.get(reverse("mfa_view_recovery_codes"))
        self.assertEqual(page.context["continue_url"], reverse("accounts:preferences"))
        self.assertNotContains(page, "evil.example.org")

    def test_recovery_codes_page_per_role(self) -> None:
        """Visitors go to sign in; someone without codes gets 404; only the owner's codes are
        shown."""
        url = reverse("mfa_view_recovery_codes")
        response = Client().get(url)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("account_login")))
        member = UserFactory.create(email="miembro@example.org", role=User.Role.MEMBER)
        self.assertEqual(self._signed_in(member).get(url).status_code, 404)
        other = UserFactory.create(email="otra@example.org", role=User.Role.MEMBER)
        other_client = self._signed_in(other)
        self._activate(other_client)
        codes = other_client.get(url).context["unused_codes"]
        self.assertEqual(len(codes), settings.MFA_RECOVERY_CODE_COUNT)
        self.assertNotContains(self._signed_in(member).get(url), codes[0], status_code=404)
