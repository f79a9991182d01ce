"""What the browser enforces: the Content-Security-Policy, and no request to other origins."""

# pytest asserts; the per-file ignore of "**/tests/**" does not reach this folder.

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from minka.accounts.models import User
from minka.accounts.tests.factories import PASSWORD, UserFactory
from minka.browser_tests.helpers import submit_button
from minka.browser_tests.pages import SITE_PAGES, sign_in_as

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, Page, Request
    from pytest_django.live_server_helper import LiveServer


# Adds an inline script to the served page and reports what happened: whether the script ran
# and the securitypolicyviolation event (or null when none fired within a second).
INSERT_INLINE_SCRIPT = """() => new Promise((resolve) => {
    window.minkaInlineRan = false;
    const done = (violation) => resolve({ran: window.minkaInlineRan, violation});
    document.addEventListener("securitypolicyviolation", (event) => done({
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        disposition: event.disposition,
    }), {once: true});
    const script = document.createElement("script");
    script.textContent = "window.minkaInlineRan = true;";
    document.body.append(script);
    setTimeout(() => done(null), 1000);
})"""


@pytest.mark.browser
def test_content_security_policy_blocks_inline_scripts(
    new_context: Callable[..., BrowserContext],
) -> None:
    """An inline script added to a served page is blocked and reported as a violation."""
    page = new_context().new_page()
    response = page.goto("/")
    assert response is not None
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy

    result: dict[str, Any] = page.evaluate(INSERT_INLINE_SCRIPT)

    assert result["ran"] is False
    assert result["violation"] is not None
    assert result["violation"]["directive"] == "script-src-elem"
    assert result["violation"]["blocked"] == "inline"
    assert result["violation"]["disposition"] == "enforce"


@pytest.mark.browser
def test_inline_script_runs_when_the_policy_is_bypassed(
    new_context: Callable[..., BrowserContext],
) -> None:
    """Control for the test above: the same script runs when the browser ignores the policy."""
    page = new_context(bypass_csp=True).new_page()
    page.goto("/")

    result: dict[str, Any] = page.evaluate(INSERT_INLINE_SCRIPT)

    assert result == {"ran": True, "violation": None}


@pytest.mark.browser
def test_pages_only_request_their_own_origin(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    """No page loads anything (fonts, scripts, images, analytics) from another origin."""
    origin = urlsplit(live_server.url)
    own = (origin.scheme, origin.netloc)
    requests: list[str] = []
    foreign: list[str] = []

    def record(request: Request) -> None:
        url = urlsplit(request.url)
        requests.append(request.url)
        if url.scheme != "data" and (url.scheme, url.netloc) != own:
            foreign.append(f"{request.resource_type} {request.url} from {request.frame.url}")

    for role in dict.fromkeys(site_page.role for site_page in SITE_PAGES):
        context = new_context()
        context.on("request", record)
        sign_in_as(context, live_server, role)
        page = context.new_page()
        for site_page in SITE_PAGES:
            if site_page.role == role:
                page.goto(site_page.path, wait_until="networkidle")
        if role is None:
            visit_forms(page)
        context.close()

    assert not foreign, "requests to other origins:\n" + "\n".join(foreign)
    assert any(url.endswith(".css") for url in requests), requests
    assert any(url.endswith(".js") for url in requests), requests


def visit_forms(page: Page) -> None:
    """Send the sign-up form empty, and sign in as a coordinator who must set up TOTP."""
    page.goto("/cuenta/signup/")
    submit_button(page).click()
    expect(page.locator(".error-summary")).to_be_visible()
    page.wait_for_load_state("networkidle")
    UserFactory.create(email="coord-origins@example.org", role=User.Role.COORDINATOR)
    page.goto("/cuenta/login/")
    page.locator("input[name=login]").fill("coord-origins@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    submit_button(page).click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main h1")).to_be_visible()
