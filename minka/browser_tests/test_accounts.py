"""Signing up, confirming the email address and signing in with two factors, in a browser."""

# pytest asserts; the per-file ignore of "**/tests/**" does not reach this folder.

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from minka.accounts.models import User
from minka.accounts.tests.factories import PASSWORD, UserFactory
from minka.browser_tests.helpers import (
    fresh_totp_code,
    in_language,
    sign_in,
    sign_out_button,
    submit_button,
)
from minka.core.tests.base import add_totp

if TYPE_CHECKING:
    from django.core.mail import EmailMessage
    from playwright.sync_api import Page


CONFIRMATION_LINK = re.compile(r"https?://\S+/cuenta/confirm-email/\S+/")


@pytest.mark.browser
def test_visitor_signs_up_and_confirms_the_email_address(
    page: Page, mailoutbox: list[EmailMessage]
) -> None:
    """The Spanish sign-up form creates the account; the emailed link confirms and signs in."""
    page.goto("/cuenta/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.locator("input[name=full_name]").fill("Rosa Quispe Mamani")
    page.locator("input[name=email]").fill("rosa@example.org")
    page.locator("input[name=password1]").fill("una clave larga de Rosa 2026")
    page.locator("input[name=password2]").fill("una clave larga de Rosa 2026")
    page.locator("input[name=adult]").check()
    page.locator("input[name=accept_notice]").check()
    submit_button(page).click()

    expect(page).to_have_url(re.compile(r"/cuenta/confirm-email/$"))
    expect(sign_out_button(page)).to_have_count(0)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["rosa@example.org"]
    match = CONFIRMATION_LINK.search(str(mailoutbox[0].body))
    assert match is not None, mailoutbox[0].body

    page.goto(urlsplit(match.group(0)).path)
    expect(page.locator("main h1")).to_have_text(in_language("es", "Confirm Email Address"))
    submit_button(page).click()

    expect(sign_out_button(page)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))
    user = User.objects.get(email="rosa@example.org")
    assert user.full_name == "Rosa Quispe Mamani"
    assert user.language == "es"
    assert user.notice_accepted_at is not None
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True).exists()


@pytest.mark.browser
def test_coordinator_signs_in_with_a_totp_code(page: Page) -> None:
    """After the password, a coordinator with TOTP types the current code and is signed in."""
    coordinator = UserFactory.create(
        email="coord@example.org", full_name="Carmen Coordinadora", role=User.Role.COORDINATOR
    )
    secret = add_totp(coordinator)

    sign_in(page, "coord@example.org", PASSWORD)
    expect(page).to_have_url(re.compile(r"/cuenta/2fa/authenticate/$"))
    expect(sign_out_button(page)).to_have_count(0)
    page.locator("input[name=code]").fill(fresh_totp_code(secret))
    submit_button(page).click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(sign_out_button(page)).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        in_language("es", "You are signed in as a coordinator.")
    )


@pytest.mark.browser
def test_wrong_totp_code_is_refused_with_a_message(page: Page) -> None:
    """A wrong code keeps the coordinator at the code prompt, says why, and signs nobody in."""
    coordinator = UserFactory.create(email="coord@example.org", role=User.Role.COORDINATOR)
    secret = add_totp(coordinator)

    sign_in(page, "coord@example.org", PASSWORD)
    expect(page).to_have_url(re.compile(r"/cuenta/2fa/authenticate/$"))
    right = fresh_totp_code(secret)
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    page.locator("input[name=code]").fill(wrong)
    submit_button(page).click()

    expect(page).to_have_url(re.compile(r"/cuenta/2fa/authenticate/$"))
    expect(page.locator(".error-summary")).to_contain_text(in_language("es", "Incorrect code."))
    expect(page.locator("input[name=code]")).to_have_attribute("aria-invalid", "true")
    expect(sign_out_button(page)).to_have_count(0)

    page.goto("/invitaciones/")
    expect(page).not_to_have_url(re.compile(r"/invitaciones/$"))
    expect(sign_out_button(page)).to_have_count(0)


@pytest.mark.browser
def test_coordinator_without_totp_is_sent_to_set_it_up(page: Page) -> None:
    """A coordinator with no second factor is sent to the TOTP set-up, and only then gets in.

    Just signed in, the coordinator is not asked for the password again; after the recovery
    codes, "Continuar" leads to the page the coordinator was trying to open.
    """
    coordinator = UserFactory.create(email="coord@example.org", role=User.Role.COORDINATOR)

    sign_in(page, "coord@example.org", PASSWORD)
    expect(page).to_have_url(re.compile(r"/cuenta/2fa/totp/activate/$"))
    expect(page.locator(".messages")).to_contain_text(
        in_language("es", "Your role requires two-factor authentication. Set it up to continue.")
    )
    page.goto("/invitaciones/")
    expect(page).to_have_url(re.compile(r"/cuenta/2fa/totp/activate/$"))

    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(fresh_totp_code(secret))
    submit_button(page).click()
    expect(page).to_have_url(re.compile(r"/cuenta/2fa/recovery-codes/$"))
    assert Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists()
    page.get_by_role("link", name=in_language("es", "Continue")).click()
    expect(page).to_have_url(re.compile(r"/invitaciones/$"))
    expect(page.locator("main h1")).to_have_text(in_language("es", "Invitations"))
