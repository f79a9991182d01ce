"""Fixtures for the browser tests: the system Chromium driven by Playwright's sync API.

The tests need Debian's ``chromium`` package (``apt-get install chromium``); they never
download a browser with ``playwright install``. Without Chromium they fail, so that CI
cannot pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import sync_playwright

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from playwright.sync_api import Browser, BrowserContext, Page
    from pytest_django.live_server_helper import LiveServer

    from minka.accounts.models import User

# Playwright's sync API runs an asyncio event loop in the test thread, and Django refuses
# ORM calls from a thread with a running loop. The test code itself is synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Milliseconds Playwright waits for an element or a navigation before failing a test.
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Chromium was not found on PATH. The browser tests use the system browser: install "
            "the Debian package `chromium` (apt-get install -y --no-install-recommends chromium). "
            "Do not run `playwright install`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(
    browser: Browser, live_server: LiveServer, transactional_db: None
) -> Iterator[Callable[..., BrowserContext]]:
    """Return a factory of browser contexts based at the live server; all close at teardown.

    ``bypass_csp=True`` lets axe-core be injected into pages served with a strict policy.
    """
    contexts: list[BrowserContext] = []

    def make(*, bypass_csp: bool = False, **kwargs: Any) -> BrowserContext:
        context = browser.new_context(
            base_url=live_server.url, bypass_csp=bypass_csp, locale="es-PE", **kwargs
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a fresh context, with the site's Content-Security-Policy enforced."""
    return new_context().new_page()


def sign_in_context(context: BrowserContext, live_server: LiveServer, user: User) -> None:
    """Give ``context`` the session cookie of ``user``, signed in through Django's test client."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": cookie.value,
                "url": live_server.url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
