"""Behind the reverse proxy, the visitor's address (not the proxy's) is the one that
rate limits, allauth and the audit log see."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, SimpleTestCase

from minka.core.middleware import ProxyClientAddressMiddleware
from minka.core.tests.test_deploy import PRODUCTION, run_minka


def seen_address(**meta: str) -> str:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.META["REMOTE_ADDR"])
        return HttpResponse()

    request = RequestFactory().get("/")
    request.META.update(meta)
    ProxyClientAddressMiddleware(view)(request)
    return seen[0]


class ProxyClientAddressTests(SimpleTestCase):
    def test_the_last_forwarded_address_replaces_the_proxys(self) -> None:
        self.assertEqual(seen_address(HTTP_X_FORWARDED_FOR="203.0.113.7"), "203.0.113.7")
        # A client's own header is kept in front by proxies that append: the last one wins.
        self.assertEqual(seen_address(HTTP_X_FORWARDED_FOR="10.0.0.1, 2001:db8::5"), "2001:db8::5")

    def test_a_missing_or_malformed_header_keeps_the_connections_address(self) -> None:
        self.assertEqual(seen_address(), "127.0.0.1")
        self.assertEqual(seen_address(HTTP_X_FORWARDED_FOR="evil, not-an-ip"), "127.0.0.1")

    def test_installed_first_only_behind_the_proxy(self) -> None:
        code = "from django.conf import settings; print(settings.MIDDLEWARE[0])"
        behind = run_minka(
            "shell", "--no-imports", "-c", code, **PRODUCTION, MINKA_BEHIND_PROXY="true"
        )
        self.assertEqual(
            behind.stdout.strip(), "minka.core.middleware.ProxyClientAddressMiddleware"
        )
        direct = run_minka("shell", "--no-imports", "-c", code, **PRODUCTION)
        self.assertEqual(direct.stdout.strip(), "django.middleware.security.SecurityMiddleware")
