"""The "Active sessions" page: a table that becomes cards on a phone, for every role."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from minka.accounts.tests.factories import PASSWORD
from minka.accounts.tests.helpers import login_post
from minka.core.tests.base import RoleTestCase

if TYPE_CHECKING:
    from minka.accounts.models import User

URL = reverse("usersessions_list")
SIGNED_IN = ("reg", "mem_a", "coord", "admin")


class SessionsPageTests(RoleTestCase):
    def setUp(self) -> None:
        _RECOVERY_CODES.clear()

    def test_visitor_is_sent_to_sign_in(self) -> None:
        """Anonymous: the page and its POST lead to the sign-in page, nothing is ended."""
        for method in ("get", "post"):
            with self.subTest(method):
                response = getattr(Client(), method)(URL)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("account_login")))

    def test_each_role_sees_its_sessions_as_cards_with_labels(self) -> None:
        """Every signed-in role gets a ``cards`` table in which each cell names its column
        (no sideways scrolling on a 360 px phone), and only its own sessions."""
        signed_in(Client(HTTP_USER_AGENT="Ajeno/1"), self.mem_b)
        for persona in SIGNED_IN:
            with self.subTest(persona):
                user = getattr(self, persona)
                signed_in(Client(HTTP_USER_AGENT="Móvil/2"), user)
                response = signed_in(Client(HTTP_USER_AGENT="Portátil/3"), user).get(URL)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["session_count"], 2)
                html = response.content.decode()
                self.assertIn('<table class="cards session-list">', html)
                cells = re.findall(r"<td\b[^>]*>", html)
                self.assertEqual(len(cells), 2 * 4)  # two sessions, four columns
                self.assertTrue(all("data-label=" in cell for cell in cells), cells)
                self.assertContains(response, f'data-label="{_("Browser")}"', count=2)
                self.assertContains(response, "Móvil/2")
                self.assertContains(response, "Portátil/3")
                self.assertNotContains(response, "Ajeno/1")
                self.assertContains(response, _("Sign out of the other sessions"))

    def test_a_single_session_offers_to_sign_out(self) -> None:
        """With one session the button signs out (the form posts to the logout)."""
        response = signed_in(Client(), self.mem_a).get(URL)
        self.assertEqual(response.context["session_count"], 1)
        self.assertContains(response, f'action="{reverse("account_logout")}"')

    def test_the_other_sessions_can_be_ended_but_not_someone_elses(self) -> None:
        """The button ends the person's other sessions; another person's session stays."""
        laptop = signed_in(Client(), self.mem_a)
        phone = signed_in(Client(HTTP_USER_AGENT="Phone/1"), self.mem_a)
        outsider = signed_in(Client(), self.mem_b)
        response = laptop.post(URL)
        self.assertRedirects(response, URL, fetch_redirect_response=False)
        self.assertEqual(UserSession.objects.filter(user=self.mem_a).count(), 1)
        self.assertFalse(phone.get(reverse("site:home")).context["user"].is_authenticated)
        self.assertTrue(outsider.get(reverse("site:home")).context["user"].is_authenticated)


def signed_in(client: Client, user: User) -> Client:
    """Sign ``client`` in as ``user`` through the sign-in form (which records the session);
    coordinators and admins give one of their recovery codes as the second factor."""
    response = login_post(client, user.email, PASSWORD)
    if response.get("Location") == reverse("mfa_authenticate"):
        if user.pk not in _RECOVERY_CODES:
            _RECOVERY_CODES[user.pk] = RecoveryCodes.activate(user).generate_codes()
        code = _RECOVERY_CODES[user.pk].pop()
        response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302, response.status_code
    assert client.session["_auth_user_id"] == str(user.pk)
    return client


_RECOVERY_CODES: dict[int, list[str]] = {}
