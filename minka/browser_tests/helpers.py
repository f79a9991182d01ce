"""Small helpers shared by the browser tests."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.utils import translation

from minka.core.tests.base import totp_code

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

# The TOTP period of allauth (seconds), and how close to its end a code is not worth typing.
TOTP_PERIOD = 30
TOTP_MARGIN = 3


def in_language(language: str, message: str) -> str:
    """Return ``message`` as the site shows it in ``language`` (its gettext translation)."""
    with translation.override(language):
        return translation.gettext(message)


def fresh_totp_code(secret: str) -> str:
    """Return a TOTP code that stays valid for a few seconds (waits out a period's last ones)."""
    remaining = TOTP_PERIOD - time.time() % TOTP_PERIOD
    if remaining < TOTP_MARGIN:
        time.sleep(remaining + 0.1)
    return totp_code(secret)


def sign_out_button(page: Page) -> Locator:
    """The header's sign-out button, which only a signed-in user sees."""
    # The header holds the menu twice (folded for phones, a row for wide screens); only one
    # is displayed at a time.
    return page.locator("header form[action='/cuenta/logout/'] button[type=submit]:visible")


def submit_button(page: Page) -> Locator:
    """The submit button of the main form of the page."""
    return page.locator("main form button[type=submit]").first


def sign_in(page: Page, email: str, password: str) -> None:
    """Fill and send the sign-in form."""
    page.goto("/cuenta/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    submit_button(page).click()
    page.wait_for_load_state()
