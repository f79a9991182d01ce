"""The README's phone screenshots, taken from the demo by the system Chromium at 390 × 844.

Every run takes them (so the journeys they show keep working); ``make screenshots`` sets
``MINKA_SCREENSHOTS=docs/screenshots`` to write them where the README shows them; otherwise
they go to the test's temporary folder.
"""

# pytest asserts; the per-file ignore of "**/tests/**" does not reach this folder.

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from minka.browser_tests.conftest import sign_in_context
from minka.directory.models import Membership
from minka.meetings.models import Meeting

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, Page
    from pytest_django.fixtures import Settings
    from pytest_django.live_server_helper import LiveServer

PHONE = {"width": 390, "height": 844}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _shot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"phone-{name}.png"
    page.screenshot(path=str(path))
    return path


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(300)
def test_phone_screenshots_of_a_members_journey(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    settings: Settings,
    tmp_path: Path,
) -> None:
    """On the demo, a member's phone: home, the menu, the next meeting, the minutes, search."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_demo", stdout=StringIO())
    folder = Path(os.environ.get("MINKA_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    member = Membership.objects.select_related("user").order_by("pk").first()
    assert member is not None, "the demo has no member"
    context = new_context(viewport=PHONE, device_scale_factor=1)
    sign_in_context(context, live_server, member.user)
    page = context.new_page()
    shots = []

    page.goto("/")
    shots.append(_shot(page, folder, "1-home"))
    page.locator("details.menu-toggle > summary").click()
    expect(page.locator("details.menu-toggle nav")).to_be_visible()
    shots.append(_shot(page, folder, "2-menu"))

    held = Meeting.objects.filter(minutes__isnull=False).order_by("starts_at").first()
    assert held is not None, "the demo has no meeting with minutes"
    page.goto(held.get_absolute_url())
    shots.append(_shot(page, folder, "3-meeting"))
    page.goto(reverse("meetings:minutes-detail", kwargs={"public_id": held.public_id}))
    expect(page.locator("h1")).to_be_visible()
    shots.append(_shot(page, folder, "4-minutes"))
    page.goto("/buscar/?q=ciberseguridad")
    expect(page.locator(".search-results li").first).to_be_visible()
    shots.append(_shot(page, folder, "5-search"))
    page.goto("/acuerdos/")
    shots.append(_shot(page, folder, "6-agreements"))

    for path in shots:
        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE), path
        # The PNG's IHDR width: the shot is the phone's width, so nothing was laid out wider.
        assert int.from_bytes(data[16:20], "big") == PHONE["width"], path
