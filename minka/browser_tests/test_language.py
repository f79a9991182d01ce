"""The language switch in the header: Spanish by default, English on request."""

# pytest asserts; the per-file ignore of "**/tests/**" does not reach this folder.

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from playwright.sync_api import expect

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.browser_tests.conftest import sign_in_context
from minka.browser_tests.helpers import in_language

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, Page
    from pytest_django.live_server_helper import LiveServer


# Strings of the home page and the header, as written in the templates (English source).
HEADING = "What the network agreed"
SKIP_LINK = "Skip to main content"


def switch_to(page: Page, label: str) -> None:
    """Click the header's language button labelled ``label`` and wait for the new page."""
    with page.expect_navigation():
        page.locator(".language-switch").get_by_role("button", name=label, exact=True).click()


def expect_language(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#what-heading")).to_have_text(in_language(language, HEADING))
    expect(page.locator(".skip-link")).to_have_text(in_language(language, SKIP_LINK))
    other = "English" if language == "es" else "Español"
    expect(page.locator(".language-switch button")).to_have_text(other)


def language_cookie(context: BrowserContext) -> str | None:
    for cookie in context.cookies():
        if cookie.get("name") == settings.LANGUAGE_COOKIE_NAME:
            return cookie.get("value")
    return None


@pytest.mark.browser
def test_visitor_switches_the_home_page_to_english_and_back(page: Page) -> None:
    """The "English" button reloads the page in English; "Español" brings Spanish back."""
    page.goto("/")
    expect_language(page, "es")

    switch_to(page, "English")
    expect_language(page, "en")
    expect(page.locator("#what-heading")).to_have_text(HEADING)
    assert page.url.endswith("/")
    assert language_cookie(page.context) == "en"

    # allauth's pages are translated already: their heading tells the two languages apart.
    page.goto("/cuenta/login/")
    expect(page.locator("main h1")).to_have_text("Sign In")
    page.goto("/privacidad/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    switch_to(page, "Español")
    assert page.url.endswith("/privacidad/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto("/cuenta/login/")
    expect(page.locator("main h1")).to_have_text(in_language("es", "Sign In"))
    expect(page.locator("main h1")).not_to_have_text("Sign In")
    page.goto("/")
    expect_language(page, "es")
    assert language_cookie(page.context) == "es"


@pytest.mark.browser
def test_signed_in_user_choice_is_remembered_in_the_account(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    """A signed-in member's choice is saved in ``user.language`` and follows the account."""
    member = UserFactory.create(email="mem@example.org", role=User.Role.MEMBER)
    context = new_context()
    sign_in_context(context, live_server, member)
    page = context.new_page()
    page.goto("/")
    expect_language(page, "es")

    switch_to(page, "English")
    expect_language(page, "en")
    member.refresh_from_db()
    assert member.language == "en"

    # A new browser with no language cookie gets the account's language after signing in.
    other = new_context()
    sign_in_context(other, live_server, member)
    other_page = other.new_page()
    other_page.goto("/")
    expect_language(other_page, "en")

    switch_to(page, "Español")
    expect_language(page, "es")
    member.refresh_from_db()
    assert member.language == "es"
