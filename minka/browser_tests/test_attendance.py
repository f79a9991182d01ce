"""The attendance sheet in a browser: on a 360 px phone, a coordinator adds a row without
JavaScript, types a walk-in whose name is close to someone in the directory, answers the
suggestion and saves; each state passes axe and never scrolls sideways. (axe needs
JavaScript, so only the first step runs with it off; the page has no script either way.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from minka.accounts.models import User
from minka.browser_tests.pages import SAMPLE_MEETING, sample_meeting, sign_in_as
from minka.browser_tests.test_accessibility import check_page
from minka.directory.models import Person
from minka.directory.tests.factories import AffiliationFactory
from minka.meetings.models import Attendance, Meeting

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, Page
    from pytest_django.live_server_helper import LiveServer

URL = f"/reuniones/{SAMPLE_MEETING}/asistencia/"


def _fits(page: Page) -> None:
    """No sideways scrolling at this width."""
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide in {widths[1]} px"


def _submit(page: Page, name: str | None = None) -> None:
    form = page.locator(f"main form[action='{URL}']")
    button = form.locator(f"button[name={name}]" if name else "button[type=submit]").first
    with page.expect_navigation():
        button.click()


@pytest.mark.browser
def test_a_coordinator_records_the_sheet_on_a_phone_without_javascript(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    sample_meeting()
    meeting = Meeting.objects.get(public_id=SAMPLE_MEETING)
    known = AffiliationFactory.create(person__full_name="José Pérez").person
    phone = {"width": 360, "height": 740}
    no_script = new_context(java_script_enabled=False, viewport=phone)
    sign_in_as(no_script, live_server, User.Role.COORDINATOR)
    page = no_script.new_page()
    page.goto(URL)

    # One more row keeps what was typed, without JavaScript.
    page.locator("input[name='walkin-0-full_name']").fill("jose perez")
    _submit(page, "more")
    assert page.locator("input[name='walkin-0-full_name']").input_value() == "jose perez"
    assert page.locator("input[name='walkin-3-full_name']").count() == 1

    context = new_context(bypass_csp=True, viewport=phone)
    sign_in_as(context, live_server, User.Role.COORDINATOR)
    page = context.new_page()
    page.goto(URL)
    check_page(page, "attendance sheet")
    _fits(page)
    page.locator("input[name='walkin-0-full_name']").fill("jose perez")

    # The close name comes back as a question; nothing is stored yet.
    _submit(page)
    radio = page.locator(f"input[name='walkin-0-match'][value='{known.pk}']")
    assert radio.count() == 1
    assert not Attendance.objects.filter(meeting=meeting, person=known).exists()
    check_page(page, "attendance suggestion")
    _fits(page)

    radio.check()
    _submit(page)
    assert Attendance.objects.filter(meeting=meeting, person=known).exists()
    assert Person.objects.filter(full_name__iexact="jose perez").count() == 0
    check_page(page, "attendance saved")
    _fits(page)
