"""The directory of organizations on a phone: filter by sector and region, with and without
JavaScript (htmx swaps the results; without it the form reloads the page)."""

# pytest asserts; the per-file ignore of "**/tests/**" does not reach this folder.

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from minka.directory.models import Organization, Region, Sector
from minka.directory.tests.factories import OrganizationFactory

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, Page


PHONE = {"width": 390, "height": 844}
ORGANIZATIONS = [
    ("Colectivo Andino Cusco", Sector.CIVIL_SOCIETY, Region.CUSCO),
    ("Red Ciudadana Lima", Sector.CIVIL_SOCIETY, Region.LIMA),
    ("Universidad del Sur", Sector.ACADEMIA, Region.AREQUIPA),
    ("Instituto Técnico Lima", Sector.ACADEMIA, Region.LIMA),
    ("Empresa Digital Cusco", Sector.PRIVATE, Region.CUSCO),
]


def make_organizations() -> None:
    for name, sector, region in ORGANIZATIONS:
        OrganizationFactory.create(name=name, sector=sector, region=region)
    OrganizationFactory.create(
        name="Postulante Lima",
        sector=Sector.ACADEMIA,
        region=Region.LIMA,
        membership_status=Organization.MembershipStatus.APPLICANT,
    )


def listed(page: Page) -> list[str]:
    return [name.strip() for name in page.locator(".organization-row th a").all_inner_texts()]


def expect_listed(page: Page, names: list[str]) -> None:
    rows = page.locator(".organization-row th a")
    expect(rows).to_have_count(len(names))
    expect(rows).to_have_text(names)
    expect(page.locator("#organization-count")).to_contain_text(str(len(names)))


def fits_the_screen(page: Page) -> bool:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width <= PHONE["width"]


def filter_by(page: Page, *, sector: str = "", region: str = "") -> None:
    panel = page.locator(".filter-panel")
    if panel.get_attribute("open") is None:  # folded under "Filtrar" (no JavaScript needed)
        panel.locator("summary").click()
    page.locator("#id_sector").select_option(sector)
    page.locator("#id_region").select_option(region)
    page.locator("form.list-filters button[type=submit]").click()


@pytest.mark.browser
def test_a_phone_filters_the_directory_by_sector_and_region(
    new_context: Callable[..., BrowserContext],
) -> None:
    """With JavaScript, the results swap in place and the address keeps the filters."""
    make_organizations()
    page = new_context(viewport=PHONE).new_page()
    page.goto("/directorio/")
    expect_listed(page, sorted(name for name, _s, _r in ORGANIZATIONS))
    assert fits_the_screen(page)
    # The filters are folded: the first result shows on the first screen, under the header.
    first = page.locator(".organization-row").first.bounding_box()
    assert first is not None
    assert first["y"] + first["height"] <= PHONE["height"], first
    page.evaluate("window.minkaSamePage = true")  # lost if the page reloaded

    filter_by(page, sector=Sector.CIVIL_SOCIETY)
    expect_listed(page, ["Colectivo Andino Cusco", "Red Ciudadana Lima"])
    expect(page).to_have_url(re.compile(r"sector=civil_society"))
    assert page.evaluate("window.minkaSamePage") is True

    filter_by(page, region=Region.LIMA)
    expect_listed(page, ["Instituto Técnico Lima", "Red Ciudadana Lima"])

    filter_by(page, sector=Sector.ACADEMIA, region=Region.LIMA)
    expect_listed(page, ["Instituto Técnico Lima"])
    assert "Postulante Lima" not in listed(page)
    assert fits_the_screen(page)
    # The filter form stays as it was: the swap replaced the results only.
    expect(page.locator("#id_sector")).to_have_value(Sector.ACADEMIA)
    assert page.evaluate("window.minkaSamePage") is True


@pytest.mark.browser
def test_the_filters_work_without_javascript(
    new_context: Callable[..., BrowserContext],
) -> None:
    """Without JavaScript the same form reloads the page with the filtered list."""
    make_organizations()
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto("/directorio/")
    with page.expect_navigation():
        filter_by(page, sector=Sector.PRIVATE, region=Region.CUSCO)
    expect(page).to_have_url(re.compile(r"sector=private_sector&region=cusco"))
    expect_listed(page, ["Empresa Digital Cusco"])
    expect(page.locator("#id_region")).to_have_value(Region.CUSCO)
    # Folded again after the reload, the panel says that two filters apply.
    expect(page.locator(".filter-panel summary .filter-count")).to_contain_text("2")
    with page.expect_navigation():
        filter_by(page, region=Region.CUSCO)
    expect_listed(page, ["Colectivo Andino Cusco", "Empresa Digital Cusco"])
    assert fits_the_screen(page)
