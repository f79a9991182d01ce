"""Automated accessibility checks with axe-core: no serious or critical violation."""

# pytest asserts; the per-file ignore of "**/tests/**" does not reach this folder.

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from minka.accounts.models import User
from minka.accounts.tests.factories import PASSWORD, UserFactory
from minka.browser_tests.helpers import fresh_totp_code, sign_in, submit_button
from minka.browser_tests.pages import SITE_PAGES, SitePage, sign_in_as
from minka.core.tests.base import add_totp

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, Page
    from pytest_django.live_server_helper import LiveServer


BLOCKING_IMPACTS = {"serious", "critical"}
# axe-core's default rules, plus WCAG 2.2's target size (24 by 24 px), which the house style asks
# for and axe leaves off by default.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
IMPACTS = ("critical", "serious", "moderate", "minor")


def check_page(page: Page, name: str) -> None:
    """Run axe-core on the page as it is now, print its totals and fail on serious ones.

    The context bypasses the Content-Security-Policy, so axe is injected on every run.
    """
    violations: list[dict[str, Any]] = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    totals: Counter[str] = Counter()
    for violation in violations:
        totals[violation["impact"] or "minor"] += len(violation["nodes"])
    summary = ", ".join(f"{impact} {totals[impact]}" for impact in IMPACTS)
    print(f"axe {name} ({page.url}): {len(violations)} rules violated; nodes: {summary}")  # noqa: T201
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']}; "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"])
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]
    for violation in violations:
        if violation["impact"] not in BLOCKING_IMPACTS:
            print(f"  {violation['id']} ({violation['impact']}): {violation['help']}")  # noqa: T201
    assert not blocking, f"axe found on {name}:\n" + "\n".join(blocking)


@pytest.fixture
def axe_page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context(bypass_csp=True).new_page()


@pytest.mark.browser
@pytest.mark.parametrize("site_page", SITE_PAGES, ids=lambda site_page: site_page.name)
def test_page_has_no_serious_accessibility_violation(
    site_page: SitePage, new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    """Each main page, for the persona who sees it, passes axe without serious violations."""
    if site_page.setup is not None:
        site_page.setup()
    context = new_context(bypass_csp=True)
    sign_in_as(context, live_server, site_page.role)
    page = context.new_page()
    response = page.goto(site_page.path)
    assert response is not None
    assert response.status == 200, f"{site_page.path} answered {response.status}"
    assert page.url == live_server.url + site_page.path
    check_page(page, site_page.name)


@pytest.mark.browser
def test_signup_errors_have_no_serious_accessibility_violation(axe_page: Page) -> None:
    """The sign-up page with its error summary (empty form sent) passes axe."""
    axe_page.goto("/cuenta/signup/")
    submit_button(axe_page).click()
    expect(axe_page.locator(".error-summary")).to_be_visible()
    # Each field, checkboxes included, repeats its error next to it.
    expect(axe_page.locator(".field-error .error-message")).to_have_count(6)
    check_page(axe_page, "signup with errors")


@pytest.mark.browser
def test_two_factor_pages_have_no_serious_accessibility_violation(axe_page: Page) -> None:
    """The TOTP code prompt, with and without its error, passes axe."""
    coordinator = UserFactory.create(email="coord@example.org", role=User.Role.COORDINATOR)
    add_totp(coordinator)
    sign_in(axe_page, "coord@example.org", PASSWORD)
    expect(axe_page.locator("input[name=code]")).to_be_visible()
    check_page(axe_page, "two-factor prompt")
    axe_page.locator("input[name=code]").fill("12")
    submit_button(axe_page).click()
    expect(axe_page.locator(".error-summary")).to_be_visible()
    check_page(axe_page, "two-factor prompt with errors")


@pytest.mark.browser
def test_totp_set_up_page_has_no_serious_accessibility_violation(axe_page: Page) -> None:
    """The TOTP set-up page a new coordinator must use, and the recovery codes after it, pass
    axe."""
    UserFactory.create(email="coord@example.org", role=User.Role.COORDINATOR)
    sign_in(axe_page, "coord@example.org", PASSWORD)
    expect(axe_page.locator("#authenticator_secret")).to_be_visible()
    check_page(axe_page, "two-factor set-up")
    secret = axe_page.locator("#authenticator_secret").input_value()
    axe_page.locator("input[name=code]").fill(fresh_totp_code(secret))
    submit_button(axe_page).click()
    expect(axe_page.locator("#recovery_codes")).to_be_visible()
    check_page(axe_page, "recovery codes")


@pytest.mark.browser
def test_axe_reports_a_planted_violation(axe_page: Page) -> None:
    """The check itself works: an unlabelled field and an image without text are reported."""
    axe_page.goto("/")
    axe_page.evaluate(
        """() => {
            const input = document.createElement("input");
            input.type = "text";
            const img = document.createElement("img");
            img.src = "/static/minka/favicon.svg";
            document.querySelector("main").append(input, img);
        }"""
    )
    with pytest.raises(AssertionError, match=r"label \(critical\)") as error:
        check_page(axe_page, "home with planted violations")
    assert "image-alt (critical)" in str(error.value)


@pytest.mark.browser
@pytest.mark.parametrize("site_page", SITE_PAGES, ids=lambda site_page: site_page.name)
def test_small_screen_page_has_no_serious_accessibility_violation(
    site_page: SitePage, new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    """The same pages on a 360 px phone, with the "Menú" and any "Filtrar" panel opened (the
    states only small screens show), pass axe without serious violations."""
    if site_page.setup is not None:
        site_page.setup()
    context = new_context(bypass_csp=True, viewport={"width": 360, "height": 740})
    sign_in_as(context, live_server, site_page.role)
    page = context.new_page()
    response = page.goto(site_page.path)
    assert response is not None
    assert response.status == 200, f"{site_page.path} answered {response.status}"
    for panel in page.locator("details.filter-panel:not([open]) > summary").all():
        panel.click()  # before the menu, which folds out over the page
    page.locator("details.menu-toggle > summary").click()
    expect(page.locator("details.menu-toggle nav")).to_be_visible()
    check_page(page, f"{site_page.name} at 360 px, menu open")
