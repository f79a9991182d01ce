"""Sign-in throttling that a stranger cannot turn into a lockout (OWASP "device cookies").

A stranger's wrong passwords slow down every browser that never signed in to the account, but
not the owner's usual browser: it carries the device cookie of its last sign-in and is limited
only by its own failures. The per-address limit stays for everyone.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import time_machine
from django.conf import settings
from django.core import mail, signing
from django.test import Client, RequestFactory, SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from minka.accounts import throttling
from minka.accounts.models import User
from minka.accounts.tests.factories import PASSWORD, UserFactory
from minka.core.models import AuditEntry
from minka.core.tests.base import add_totp, totp_code
from minka.core.tests.test_deploy import PRODUCTION, assert_one_line, run_minka

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

REFUSED_HERE = (
    "Demasiados intentos fallidos para esta cuenta desde este dispositivo. Espere unos minutos "
    "o ingrese desde un dispositivo donde ya inició sesión antes."
)
REFUSED_ADDRESS = "Demasiados intentos fallidos. Inténtelo más tarde."
WRONG_CREDENTIALS = (
    "La dirección de correo electrónico y/o la contraseña que ha indicado no son correctas."
)
START = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
MINUTE = 60


def login_post(client: Client, email: str, password: str, ip: str = "192.0.2.10") -> Response:
    """POST the allauth login form from ``ip``, as a browser would."""
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def form_errors(response: Response) -> list[str]:
    form = response.context["form"]
    return [str(message) for messages in form.errors.values() for message in messages]


class ThrottlingTestCase(TestCase):
    victim: User
    other: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.victim = UserFactory.create(email="victima@example.org")
        cls.other = UserFactory.create(email="otra@example.org")

    def attack(self, guesses: int = 6, user: User | None = None) -> list[Response]:
        """Wrong passwords for ``user`` (the victim) from one browser, each from a new address
        so that only the per-account limit can stop them."""
        attacker = Client()
        email = (user or self.victim).email
        return [
            login_post(attacker, email, f"adivinanza {n:04d}", ip=f"198.51.100.{n + 1}")
            for n in range(guesses)
        ]

    def known_device(self, user: User | None = None, ip: str = "192.0.2.10") -> Client:
        """A browser that signed in to ``user`` (the victim) and signed out again."""
        client = Client()
        user = user or self.victim
        self.assert_signed_in(client, login_post(client, user.email, PASSWORD, ip=ip), user)
        response = client.post(reverse("account_logout"))
        self.assertEqual(response.status_code, 302)
        # Signing out clears the cache and storage, never the cookies (the device cookie stays).
        self.assertNotIn("cookies", response["Clear-Site-Data"])
        self.assertNotIn("_auth_user_id", client.session)
        self.assertIn(throttling.device_cookie_name(), client.cookies)
        return client

    def assert_signed_in(self, client: Client, response: Response, user: User) -> None:
        self.assertRedirects(response, reverse("site:home"), fetch_redirect_response=False)
        self.assertEqual(client.session["_auth_user_id"], str(user.pk))

    def assert_refused_here(self, client: Client, response: Response) -> None:
        """Refused by the per-account or per-device limit, with the plain-Spanish message."""
        self.assertEqual(response.status_code, 200)
        self.assertEqual(form_errors(response), [REFUSED_HERE])
        self.assertContains(response, REFUSED_HERE)
        self.assertNotIn("_auth_user_id", client.session)


class StrangerCannotLockOutTests(ThrottlingTestCase):
    def test_owner_on_a_known_device_signs_in_during_an_attack(self) -> None:
        """After a stranger's wrong passwords, the browser the owner signed in with before
        signs in at once with the right password."""
        device = self.known_device()
        responses = self.attack(guesses=8)
        self.assertEqual([form_errors(r) for r in responses[:5]], [[WRONG_CREDENTIALS]] * 5)
        self.assertEqual([form_errors(r) for r in responses[5:]], [[REFUSED_HERE]] * 3)

        response = login_post(device, self.victim.email, PASSWORD)

        self.assert_signed_in(device, response, self.victim)

    def test_a_new_device_waits_out_the_slowdown_then_signs_in(self) -> None:
        """A browser without the device cookie is refused, even with the right password, for
        five minutes after the fifth failure; then the right password works."""
        with time_machine.travel(START, tick=False) as clock:
            self.attack(guesses=5)
            fresh = Client()
            self.assert_refused_here(fresh, login_post(fresh, self.victim.email, PASSWORD))
            clock.shift(5 * MINUTE - 1)
            self.assert_refused_here(fresh, login_post(fresh, self.victim.email, PASSWORD))
            clock.shift(2)
            response = login_post(fresh, self.victim.email, PASSWORD)
            self.assert_signed_in(fresh, response, self.victim)

    def test_each_new_round_of_failures_doubles_the_wait(self) -> None:
        """Five more failures after the first wait (five minutes) start a ten-minute one."""
        with time_machine.travel(START, tick=False) as clock:
            self.attack(guesses=5)
            clock.shift(5 * MINUTE + 1)
            responses = self.attack(guesses=5)
            self.assertEqual([form_errors(r) for r in responses], [[WRONG_CREDENTIALS]] * 5)
            fresh = Client()
            clock.shift(10 * MINUTE - 2)
            self.assert_refused_here(fresh, login_post(fresh, self.victim.email, PASSWORD))
            clock.shift(3)
            response = login_post(fresh, self.victim.email, PASSWORD)
            self.assert_signed_in(fresh, response, self.victim)

    def test_a_right_password_from_a_new_device_does_not_count_as_a_failure(self) -> None:
        """Four failures and a successful sign-in leave the account one failure from the
        limit, not at it: the next new device is still let in."""
        self.attack(guesses=4)
        self.known_device()
        fresh = Client()
        self.assert_signed_in(fresh, login_post(fresh, self.victim.email, PASSWORD), self.victim)

    def test_a_password_reset_ends_the_wait(self) -> None:
        """Resetting the password through the emailed link proves control of the address:
        a new device may then sign in with the new password at once."""
        self.attack(guesses=5)
        fresh = Client()
        self.assert_refused_here(fresh, login_post(fresh, self.victim.email, PASSWORD))

        fresh.post(reverse("account_reset_password"), {"email": self.victim.email})
        link = next(word for word in mail.outbox[0].body.split() if "/password/reset/key/" in word)
        form_page = fresh.get(urlsplit(link).path)
        self.assertEqual(form_page.status_code, 302)
        new_password = "una contraseña nueva y larga 2026"
        response = fresh.post(
            form_page["Location"], {"password1": new_password, "password2": new_password}
        )
        self.assertRedirects(
            response, reverse("account_reset_password_from_key_done"), fetch_redirect_response=False
        )

        response = login_post(fresh, self.victim.email, new_password)
        self.assert_signed_in(fresh, response, self.victim)

    def test_other_accounts_are_not_slowed_down(self) -> None:
        """The slowdown is for the attacked account only."""
        self.attack(guesses=6)
        fresh = Client()
        self.assert_signed_in(fresh, login_post(fresh, self.other.email, PASSWORD), self.other)


class DeviceLimitTests(ThrottlingTestCase):
    def test_a_strangers_failures_do_not_use_up_the_device_budget(self) -> None:
        """After twenty wrong passwords from strangers, the owner's device can still mistype
        four times and then sign in."""
        device = self.known_device()
        self.attack(guesses=20)
        for n in range(4):
            response = login_post(device, self.victim.email, f"me equivoqué {n}")
            self.assertEqual(form_errors(response), [WRONG_CREDENTIALS])
        self.assert_signed_in(device, login_post(device, self.victim.email, PASSWORD), self.victim)

    def test_a_device_is_stopped_by_its_own_failures_only(self) -> None:
        """Five failures from the known device refuse that device for a while (even with the
        right password); they do not slow down other browsers."""
        device = self.known_device()
        for n in range(5):
            response = login_post(device, self.victim.email, f"me equivoqué {n}")
            self.assertEqual(form_errors(response), [WRONG_CREDENTIALS])
        self.assert_refused_here(device, login_post(device, self.victim.email, PASSWORD))

        fresh = Client()
        self.assert_signed_in(fresh, login_post(fresh, self.victim.email, PASSWORD), self.victim)

    def test_a_forged_or_foreign_device_cookie_gives_no_exemption(self) -> None:
        """Only a device cookie signed by Minka for the account being signed in to counts: a
        made-up, altered, differently salted or other account's cookie is refused as any new
        browser is."""
        name = throttling.device_cookie_name()
        real = self.known_device().cookies[name].value
        other_account = self.known_device(self.other).cookies[name].value
        payload = signing.loads(real, salt=throttling.DEVICE_COOKIE_SALT)
        cookies = {
            "made up": "cualquier-cosa",
            "altered": real[:-2] + ("AA" if not real.endswith("AA") else "BB"),
            "signed without the salt": signing.dumps(payload),
            "another account's": other_account,
        }
        self.attack(guesses=5)
        for label, value in cookies.items():
            with self.subTest(label):
                client = Client()
                client.cookies[throttling.device_cookie_name()] = value
                self.assert_refused_here(client, login_post(client, self.victim.email, PASSWORD))

    def test_a_device_cookie_expires_after_a_year(self) -> None:
        """A device cookie older than its lifetime is treated as a new browser."""
        with time_machine.travel(START, tick=False) as clock:
            device = self.known_device()
            clock.shift(dt.timedelta(days=366))
            self.attack(guesses=5)
            self.assert_refused_here(device, login_post(device, self.victim.email, PASSWORD))

    def test_the_device_cookie_is_signed_http_only_lax_and_lasts_a_year(self) -> None:
        """The cookie names the account, is HttpOnly, SameSite=Lax, lives 365 days and is
        Secure with the __Host- prefix where the session cookie is (production)."""
        for secure in (False, True):
            with self.subTest(secure=secure), override_settings(SESSION_COOKIE_SECURE=secure):
                client = Client()
                response = login_post(client, self.victim.email, PASSWORD)
                self.assert_signed_in(client, response, self.victim)
                name = "__Host-minka_device" if secure else "minka_device"
                self.assertEqual(throttling.device_cookie_name(), name)
                cookie = response.cookies[name]
                self.assertIs(bool(cookie["httponly"]), True)
                self.assertEqual(cookie["samesite"], "Lax")
                self.assertEqual(cookie["max-age"], 365 * 24 * 3600)
                self.assertEqual(cookie["path"], "/")
                self.assertIs(bool(cookie["secure"]), secure)
                payload = signing.loads(cookie.value, salt=throttling.DEVICE_COOKIE_SALT)
                self.assertEqual(payload["user"], self.victim.pk)


class PerAddressLimitTests(ThrottlingTestCase):
    def test_the_eleventh_attempt_in_a_minute_from_one_address_is_refused(self) -> None:
        """One address gets ten failed attempts a minute whatever the accounts; the eleventh
        is refused (even a right password, even from a known device) until the minute is over."""
        with time_machine.travel(START, tick=False) as clock:
            device = self.known_device(ip="203.0.113.9")
            attacker = Client()
            for n in range(10):
                response = login_post(
                    attacker, f"nadie{n}@example.org", "Primavera2024", ip="203.0.113.9"
                )
                self.assertEqual(form_errors(response), [WRONG_CREDENTIALS])
            response = login_post(attacker, "nadie10@example.org", "Primavera2024", "203.0.113.9")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(form_errors(response), [REFUSED_ADDRESS])
            response = login_post(device, self.victim.email, PASSWORD, ip="203.0.113.9")
            self.assertEqual(form_errors(response), [REFUSED_ADDRESS])
            clock.shift(MINUTE + 1)
            response = login_post(device, self.victim.email, PASSWORD, ip="203.0.113.9")
            self.assert_signed_in(device, response, self.victim)


class AuditTests(ThrottlingTestCase):
    def test_refused_attempts_are_in_the_audit_log(self) -> None:
        """Each attempt refused by the per-account limit writes a LOGIN_FAILED entry with the
        reason "rate_limited" and the client's address; failures write one without a reason."""
        self.attack(guesses=7)
        fresh = Client()
        login_post(fresh, self.victim.email, PASSWORD, ip="192.0.2.77")

        entries = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED)
        limited = [e for e in entries if e.changes.get("reason") == ["", "rate_limited"]]
        self.assertEqual(entries.count(), 8)
        self.assertEqual(
            sorted(e.ip_address for e in limited),
            ["192.0.2.77", "198.51.100.6", "198.51.100.7"],
        )


class TwoFactorDuringAnAttackTests(ThrottlingTestCase):
    def test_a_coordinator_signs_in_with_totp_from_the_known_device(self) -> None:
        """The known device passes the password step during an attack and still has to give
        the second factor; the password step alone leaves no device cookie."""
        coordinator = UserFactory.create(email="coordina@example.org", role=User.Role.COORDINATOR)
        secret = add_totp(coordinator)
        with time_machine.travel(START, tick=False) as clock:
            device = Client()
            response = login_post(device, coordinator.email, PASSWORD)
            self.assertRedirects(
                response, reverse("mfa_authenticate"), fetch_redirect_response=False
            )
            self.assertNotIn(throttling.device_cookie_name(), device.cookies)
            response = device.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
            self.assert_signed_in(device, response, coordinator)
            self.assertIn(throttling.device_cookie_name(), device.cookies)
            device.post(reverse("account_logout"))

            clock.shift(MINUTE)
            self.attack(guesses=6, user=coordinator)
            response = login_post(device, coordinator.email, PASSWORD)
            self.assertRedirects(
                response, reverse("mfa_authenticate"), fetch_redirect_response=False
            )
            self.assertNotIn("_auth_user_id", device.session)
            response = device.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
            self.assert_signed_in(device, response, coordinator)


class AttackerCapTests(TestCase):
    def test_an_attacker_gets_twenty_guesses_in_the_first_hour_and_135_a_day(self) -> None:
        """Guessing as fast as allowed from browsers without the device cookie: five guesses,
        then waits of 5, 10, 20, 40 and then 60 minutes (the cap) between rounds of five."""
        request: Any = RequestFactory().post("/cuenta/login/")
        guesses_at: list[float] = []
        with time_machine.travel(START, tick=False) as clock:
            start = START.timestamp()
            while (now := time.time()) < start + 24 * 3600:
                attempt = throttling.attempt_begin(request, "victima@example.org")
                if attempt is not None:
                    throttling.attempt_failed(attempt)
                    guesses_at.append(now - start)
                clock.shift(10)
        first_hour = sum(1 for t in guesses_at if t < 3600)
        print(  # noqa: T201
            f"per-account cap for browsers without the device cookie: {first_hour} guesses in "
            f"the first hour, {len(guesses_at)} in a day (it was 60 an hour, 1440 a day)"
        )
        self.assertEqual(first_hour, 20)
        self.assertLessEqual(len(guesses_at), 135)
        self.assertGreaterEqual(len(guesses_at), 125)


class ConfigurationTests(SimpleTestCase):
    def test_a_per_account_rate_in_the_address_limit_is_refused_at_start(self) -> None:
        """MINKA_RATE_LIMIT_LOGIN_FAILED takes per-address rates only: a per-account part would
        bring back the lockout, so the command stops with one line naming the variable."""
        self.assertEqual(settings.ACCOUNT_RATE_LIMITS["login_failed"], "10/m/ip")
        result = run_minka(
            "check", **{**PRODUCTION, "MINKA_RATE_LIMIT_LOGIN_FAILED": "10/m/ip,5/5m/key"}
        )
        assert_one_line(self, result, "MINKA_RATE_LIMIT_LOGIN_FAILED")
