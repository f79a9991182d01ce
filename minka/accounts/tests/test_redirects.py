"""No open redirects: every ``next`` the site honours stays on the site (SECURITY.md 1.4).

Each payload goes as ``next`` to every endpoint that redirects after a POST; the ``Location``
header is read the way a browser reads it (tabs and newlines dropped, backslashes taken as
slashes, resolved against the page URL) and must stay on ``testserver`` over http(s).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from django.test import Client, TestCase, override_settings
from django.urls import reverse

from minka.accounts.models import User
from minka.accounts.tests.factories import PASSWORD, UserFactory

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.test.client import _MonkeyPatchedWSGIResponse as Response

PAYLOADS = (
    "//evil.example",
    "https:evil.example",
    "/\\evil.example",
    "%2F%2Fevil.example",
    "javascript:alert(1)",
    "https://evil.example/",
)
# A safe target: proves that each endpoint does honour ``next`` (else the test is vacuous).
SAFE_NEXT = "/privacidad/"
HOST = "testserver"


def browser_target(location: str, page: str) -> tuple[str, str | None]:
    """Return the (scheme, host) a browser would go to for ``location`` on ``page``."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip(" \x00").replace("\\", "/")
    resolved = urlsplit(urljoin(f"http://{HOST}{page}", cleaned))
    if resolved.scheme in {"http", "https"} and not resolved.netloc:
        # "https:evil.example": browsers read a special scheme without slashes as a host.
        return resolved.scheme, resolved.path.lstrip("/").split("/")[0] or None
    return resolved.scheme, resolved.hostname


class BrowserTargetTests(TestCase):
    def test_the_checker_flags_off_site_locations_and_passes_site_paths(self) -> None:
        """Each payload as a Location (decoded, for the encoded one) is off-site; paths are not."""
        for payload in PAYLOADS:
            with self.subTest(payload):
                scheme, host = browser_target(unquote(payload), "/cuenta/login/")
                self.assertFalse(scheme in {"http", "https"} and host == HOST, (scheme, host))
        self.assertEqual(browser_target("https:evil.example", "/"), ("https", "evil.example"))
        self.assertEqual(browser_target("/\\evil.example", "/"), ("http", "evil.example"))
        self.assertEqual(browser_target("javascript:alert(1)", "/")[0], "javascript")
        # A literal "%2F%2F…" path segment stays on the site.
        for safe in (SAFE_NEXT, "/", "http://testserver/x", "%2F%2Fevil.example"):
            with self.subTest(safe):
                self.assertEqual(browser_target(safe, "/cuenta/login/"), ("http", HOST))


@override_settings(LANGUAGE_CODE="en")
class OpenRedirectTests(TestCase):
    user: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = UserFactory.create(email="viaje@example.org", role=User.Role.MEMBER)

    def _login(self, next_url: str) -> Response:
        """A successful login through the allauth form, with ``next``."""
        return Client().post(
            reverse("account_login"),
            {"login": self.user.email, "password": PASSWORD, "next": next_url},
        )

    def _login_next_in_url(self, next_url: str) -> Response:
        """The same, with ``next`` raw in the query string, as a crafted link would carry it."""
        return Client().post(
            f"{reverse('account_login')}?next={next_url}",
            {"login": self.user.email, "password": PASSWORD},
        )

    def _logout(self, next_url: str) -> Response:
        client = Client()
        client.force_login(self.user)
        return client.post(reverse("account_logout"), {"next": next_url})

    def _set_language(self, next_url: str) -> Response:
        client = Client()
        client.force_login(self.user)
        return client.post(reverse("accounts:set-language"), {"language": "en", "next": next_url})

    def _set_unknown_language(self, next_url: str) -> Response:
        """The view's own branch for an unknown language, which checks ``next`` itself."""
        return Client().post(reverse("accounts:set-language"), {"language": "xx", "next": next_url})

    def _endpoints(self) -> dict[str, tuple[Callable[[str], Response], str]]:
        return {
            "login": (self._login, reverse("account_login")),
            "login (next in the URL)": (self._login_next_in_url, reverse("account_login")),
            "logout": (self._logout, reverse("account_logout")),
            "set-language": (self._set_language, reverse("accounts:set-language")),
            "set-language (unknown language)": (
                self._set_unknown_language,
                reverse("accounts:set-language"),
            ),
        }

    def test_next_is_honoured_when_it_is_on_the_site(self) -> None:
        """A same-site ``next`` is followed by every endpoint (control for the test below)."""
        for name, (call, _page) in self._endpoints().items():
            with self.subTest(name):
                response = call(SAFE_NEXT)
                self.assertEqual(response.status_code, 302)
                self.assertEqual(response["Location"], SAFE_NEXT)

    def test_no_payload_redirects_off_site_or_to_script(self) -> None:
        """For every payload × endpoint, the Location stays on the site over http(s)."""
        checked = 0
        bad: list[tuple[str, str, str]] = []
        for name, (call, page) in self._endpoints().items():
            for payload in PAYLOADS:
                with self.subTest(endpoint=name, payload=payload):
                    response = call(payload)
                    self.assertEqual(response.status_code, 302)
                    location = response["Location"]
                    scheme, host = browser_target(location, page)
                    checked += 1
                    if scheme not in {"http", "https"} or host != HOST:
                        bad.append((name, payload, location))
                    print(f"  {name:32} {payload!r:24} -> {location}")  # noqa: T201
                    self.assertEqual((scheme, host), ("http", HOST), location)
        print(  # noqa: T201
            f"open redirects: {len(PAYLOADS)} payloads x {len(self._endpoints())} endpoints = "
            f"{checked} cases checked, off-site or script redirects {len(bad)}"
        )
        self.assertEqual(checked, len(PAYLOADS) * len(self._endpoints()))
        self.assertEqual(bad, [])
