"""Session management: fixation, ending sessions, idle and absolute clocks, cache headers.

Each class maps to a row of shared/SECURITY.md section 1.3; the figures the table asks for are
asserted and printed (run pytest with ``-s`` to see them).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING
from unittest import mock

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from minka.accounts.models import User
from minka.accounts.tests.factories import PASSWORD, UserFactory
from minka.core.tests.base import add_totp

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

EXPIRED = "Your session expired. Please sign in again."


def form_login(client: Client, user: User, password: str = PASSWORD) -> Response:
    """Sign in through the allauth login form (so allauth records the authentication)."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302, response.status_code
    assert client.session.get("_auth_user_id") == str(user.pk)
    return response


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def replay(key: str) -> Client:
    """A fresh browser that presents ``key`` as its session cookie."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def is_signed_in(response: Response) -> bool:
    return bool(response.wsgi_request.user.is_authenticated)


@override_settings(LANGUAGE_CODE="en")
class SessionFixationTests(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = UserFactory.create(email="fija@example.org")

    def test_session_key_changes_at_login_and_the_old_key_is_dead(self) -> None:
        """The pre-login session id is replaced at login and no longer authenticates."""
        client = Client()
        session = client.session  # an anonymous session, as an attacker would plant
        session["planted"] = "yes"
        session.save()
        before = session_key(client)
        self.assertTrue(Session.objects.filter(session_key=before).exists())

        form_login(client, self.user)

        after = session_key(client)
        self.assertNotEqual(before, after)
        self.assertFalse(Session.objects.filter(session_key=before).exists())
        fixation_successes = int(is_signed_in(replay(before).get(reverse("site:home"))))
        print(f"session fixation: successes {fixation_successes}")  # noqa: T201
        self.assertEqual(fixation_successes, 0)
        # The new key does authenticate (the check above can fail for the right reason).
        self.assertIs(is_signed_in(replay(after).get(reverse("site:home"))), True)


@override_settings(LANGUAGE_CODE="en")
class SessionEndTests(TestCase):
    """Logout, a password change and deactivation end sessions on the server."""

    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = UserFactory.create(email="sesion@example.org", role=User.Role.MEMBER)

    def test_logout_destroys_the_server_side_session(self) -> None:
        """After logout the old cookie is anonymous, and the response clears the site data."""
        client = Client()
        form_login(client, self.user)
        old = session_key(client)
        self.assertIs(is_signed_in(replay(old).get(reverse("site:home"))), True)

        response = client.post(reverse("account_logout"))

        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Clear-Site-Data"], '"cache", "storage"')
        self.assertFalse(Session.objects.filter(session_key=old).exists())
        accepted = int(is_signed_in(replay(old).get(reverse("site:home"))))
        print(f"dead sessions accepted after logout: {accepted}")  # noqa: T201
        self.assertEqual(accepted, 0)

    def test_password_change_ends_the_other_sessions(self) -> None:
        """Changing the password in one browser signs the other browser out; this one stays."""
        here, there = Client(), Client()
        form_login(here, self.user)
        form_login(there, self.user)
        there_key = session_key(there)

        response = here.post(
            reverse("account_change_password"),
            {
                "oldpassword": PASSWORD,
                "password1": "a brand new passphrase 2026",
                "password2": "a brand new passphrase 2026",
            },
        )

        self.assertRedirects(
            response, reverse("account_change_password"), fetch_redirect_response=False
        )
        self.user.refresh_from_db()
        self.assertIs(self.user.check_password("a brand new passphrase 2026"), True)
        self.assertIs(is_signed_in(here.get(reverse("site:home"))), True)
        accepted = int(is_signed_in(there.get(reverse("site:home")))) + int(
            is_signed_in(replay(there_key).get(reverse("site:home")))
        )
        print(f"dead sessions accepted after a password change: {accepted}")  # noqa: T201
        self.assertEqual(accepted, 0)

    def test_deactivating_a_user_logs_them_out_everywhere(self) -> None:
        """``is_active=False`` makes every existing session of the user anonymous."""
        clients = [Client(), Client()]
        for client in clients:
            form_login(client, self.user)
            self.assertIs(is_signed_in(client.get(reverse("site:home"))), True)

        User.objects.filter(pk=self.user.pk).update(is_active=False)

        dead_accepted = sum(is_signed_in(c.get(reverse("site:home"))) for c in clients)
        print(f"dead sessions accepted after deactivation: {dead_accepted}")  # noqa: T201
        self.assertEqual(dead_accepted, 0)


@override_settings(LANGUAGE_CODE="en")
class SessionTimeoutTests(TestCase):
    """The idle and absolute clocks of SessionTimeoutMiddleware, shorter for coordinators."""

    member: User
    coord: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.member = UserFactory.create(email="reloj@example.org", role=User.Role.MEMBER)
        cls.coord = UserFactory.create(email="reloj-coord@example.org", role=User.Role.COORDINATOR)

    def setUp(self) -> None:
        add_totp(self.coord)
        self.start = time.time()

    def _client(self, user: User) -> Client:
        """A signed-in client whose clocks started at ``self.start``."""
        client = Client()
        client.force_login(user)
        self.assertIs(self._signed_in_at(client, 0), True)
        return client

    def _get_at(self, client: Client, seconds: float) -> Response:
        with mock.patch("minka.core.middleware.time.time", return_value=self.start + seconds):
            return client.get(reverse("site:home"))

    def _signed_in_at(self, client: Client, seconds: float) -> bool:
        return is_signed_in(self._get_at(client, seconds))

    def _assert_expired_at(self, client: Client, seconds: float) -> None:
        response = self._get_at(client, seconds)
        self.assertIs(is_signed_in(response), False)
        self.assertNotIn("_auth_user_id", client.session)
        self.assertIn(EXPIRED, [str(m) for m in get_messages(response.wsgi_request)])
        self.assertContains(response, EXPIRED)

    def test_idle_session_expires_with_a_message(self) -> None:
        """One second past SESSION_IDLE_SECONDS without a request, the user is signed out."""
        client = self._client(self.member)
        self._assert_expired_at(client, settings.SESSION_IDLE_SECONDS + 1)

    def test_session_within_the_idle_limit_survives(self) -> None:
        """A request just inside the idle limit keeps the session, and renews the idle clock."""
        client = self._client(self.member)
        idle = settings.SESSION_IDLE_SECONDS
        self.assertIs(self._signed_in_at(client, idle - 1), True)
        self.assertIs(self._signed_in_at(client, 2 * idle - 2), True)

    def test_absolute_limit_ends_an_active_session(self) -> None:
        """Activity every few minutes does not keep a session past SESSION_COOKIE_AGE."""
        client = self._client(self.member)
        step = settings.SESSION_IDLE_SECONDS - 60
        now = 0
        while now + step <= settings.SESSION_COOKIE_AGE:
            now += step
            self.assertIs(self._signed_in_at(client, now), True, now)
        self.assertIs(self._signed_in_at(client, settings.SESSION_COOKIE_AGE), True)
        self._assert_expired_at(client, settings.SESSION_COOKIE_AGE + 1)

    def test_privileged_idle_limit_is_shorter(self) -> None:
        """Past the privileged idle limit (but under the normal one) only the coordinator goes."""
        self.assertLess(settings.PRIVILEGED_SESSION_IDLE_SECONDS, settings.SESSION_IDLE_SECONDS)
        member, coord = self._client(self.member), self._client(self.coord)
        later = settings.PRIVILEGED_SESSION_IDLE_SECONDS + 1
        self.assertLess(later, settings.SESSION_IDLE_SECONDS)
        self._assert_expired_at(coord, later)
        self.assertIs(self._signed_in_at(member, later), True)

    def test_privileged_absolute_limit_is_shorter(self) -> None:
        """An active coordinator is signed out at PRIVILEGED_SESSION_MAX_SECONDS; a member not."""
        self.assertLess(settings.PRIVILEGED_SESSION_MAX_SECONDS, settings.SESSION_COOKIE_AGE)
        member, coord = self._client(self.member), self._client(self.coord)
        step = settings.PRIVILEGED_SESSION_IDLE_SECONDS - 60
        now = 0
        while now + step <= settings.PRIVILEGED_SESSION_MAX_SECONDS:
            now += step
            self.assertIs(self._signed_in_at(coord, now), True, now)
            self.assertIs(self._signed_in_at(member, now), True, now)
        later = settings.PRIVILEGED_SESSION_MAX_SECONDS + 1
        self._assert_expired_at(coord, later)
        self.assertIs(self._signed_in_at(member, later), True)

    def test_no_session_outlives_any_limit(self) -> None:
        """Each of the four limits (idle, absolute; normal, privileged) ends the session."""
        idle, privileged_idle = (
            settings.SESSION_IDLE_SECONDS,
            settings.PRIVILEGED_SESSION_IDLE_SECONDS,
        )
        cases = (
            ("member idle", self.member, idle, None),
            ("member absolute", self.member, settings.SESSION_COOKIE_AGE, idle - 60),
            ("coordinator idle", self.coord, privileged_idle, None),
            (
                "coordinator absolute",
                self.coord,
                settings.PRIVILEGED_SESSION_MAX_SECONDS,
                privileged_idle - 60,
            ),
        )
        alive = []
        for label, user, limit, step in cases:
            client = self._client(user)
            now = 0
            while step is not None and now + step <= limit:
                now += step
                self.assertIs(self._signed_in_at(client, now), True, (label, now))
            if self._signed_in_at(client, limit + 1):
                alive.append(label)
        print(f"sessions alive past the limit: {len(alive)}/{len(cases)} {alive}")  # noqa: T201
        self.assertEqual(alive, [])

    def test_a_new_login_restarts_the_clocks(self) -> None:
        """After an expiry the user signs in again and gets a fresh session."""
        client = self._client(self.member)
        self._assert_expired_at(client, settings.SESSION_IDLE_SECONDS + 1)
        with mock.patch(
            "minka.core.middleware.time.time",
            return_value=self.start + settings.SESSION_IDLE_SECONDS + 2,
        ):
            form_login(client, self.member)
        self.assertIs(self._signed_in_at(client, settings.SESSION_IDLE_SECONDS + 3), True)


@override_settings(LANGUAGE_CODE="en")
class PrivateCacheTests(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = UserFactory.create(email="cache@example.org", role=User.Role.MEMBER)

    def test_signed_in_pages_are_private_and_not_stored(self) -> None:
        """Pages for a signed-in user carry Cache-Control private, no-store and Vary: Cookie."""
        client = Client()
        client.force_login(self.user)
        violating = 0
        paths = [reverse("site:home"), reverse("accounts:preferences"), reverse("account_email")]
        for path in paths:
            with self.subTest(path):
                response = client.get(path)
                self.assertEqual(response.status_code, 200)
                cache_control = {p.strip() for p in response["Cache-Control"].split(",")}
                vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
                ok = {"private", "no-store"} <= cache_control and "cookie" in vary
                violating += not ok
                self.assertIs(ok, True, (response["Cache-Control"], response.get("Vary")))
        print(f"private cache: violating responses {violating}/{len(paths)}")  # noqa: T201

    def test_session_cookie_is_httponly_and_samesite_lax(self) -> None:
        """The session cookie set at login cannot be read by scripts and is SameSite=Lax."""
        response = form_login(Client(), self.user)
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        self.assertIs(bool(cookie["httponly"]), True)
        self.assertEqual(cookie["samesite"], "Lax")


@override_settings(LANGUAGE_CODE="en")
class UserSessionsTests(TestCase):
    """Users see their sessions and end the others (allauth usersessions)."""

    user: User
    other: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = UserFactory.create(email="dos@example.org", role=User.Role.MEMBER)
        cls.other = UserFactory.create(email="otra@example.org", role=User.Role.MEMBER)

    def test_user_ends_the_other_session_from_the_list(self) -> None:
        """The list shows both browsers; ending the others makes the second one anonymous."""
        laptop, phone = Client(), Client(HTTP_USER_AGENT="PhoneBrowser/1.0")
        form_login(laptop, self.user)
        form_login(phone, self.user)
        outsider = Client()
        form_login(outsider, self.other)

        response = laptop.get(reverse("usersessions_list"))

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["session_count"], 2)
        self.assertEqual(
            {s.session_key for s in response.context["sessions"]},
            {session_key(laptop), session_key(phone)},
        )
        self.assertContains(response, "PhoneBrowser/1.0")

        response = laptop.post(reverse("usersessions_list"))

        self.assertRedirects(response, reverse("usersessions_list"), fetch_redirect_response=False)
        self.assertIs(is_signed_in(phone.get(reverse("site:home"))), False)
        self.assertIs(is_signed_in(laptop.get(reverse("site:home"))), True)
        self.assertIs(is_signed_in(outsider.get(reverse("site:home"))), True)
        self.assertEqual(
            list(UserSession.objects.filter(user=self.user).values_list("session_key", flat=True)),
            [session_key(laptop)],
        )
        print("users end their own sessions: works (y)")  # noqa: T201
