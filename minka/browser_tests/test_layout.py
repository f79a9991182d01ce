"""The phone layout: every page of the canary crawl, as each role, on a 360 × 740 screen.

The start set of the members-only canary crawl is every route of the access matrix with its
objects; each route a persona may read (its matrix cell says 200 for GET) is opened in the
system Chromium at 360 px. No page may scroll sideways (``scrollWidth <= clientWidth``) and
the header (brand, "Menú", language) may take at most 120 px. The widest page is printed.

Django's own admin (``/admin/``) is left out: it is a desktop tool for the admins, with
Django's responsive styles, not part of Minka's pages.
"""

# pytest asserts; the per-file ignore of "**/tests/**" does not reach this folder.

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from minka.browser_tests.conftest import sign_in_context
from minka.core.tests.access_matrix import PERSONAS
from minka.core.tests.base import make_personas
from minka.core.tests.test_access_matrix import Objects, full_matrix, url_for

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playwright.sync_api import BrowserContext, Page
    from pytest_django.fixtures import Settings
    from pytest_django.live_server_helper import LiveServer

SMALL = {"width": 360, "height": 740}
HEADER_MAX_PX = 120
# Each role of the brief: the visitor, a member, a coordinator and an admin.
ROLES = ("anon", "mem_a", "coord", "admin")

MEASURE = """() => {
    const root = document.documentElement;
    const header = document.querySelector(".site-header");
    return {
        scroll: root.scrollWidth,
        client: root.clientWidth,
        header: header ? header.getBoundingClientRect().height : 0,
    };
}"""


@dataclass(frozen=True)
class Measure:
    persona: str
    url: str
    scroll: int
    client: int
    header: float


class _Case:
    """The personas as attributes, as the matrix's object builders expect of a test class."""


def _crawl_urls(persona: str, objects: Objects) -> list[str]:
    column = PERSONAS.index(persona)
    urls: list[str] = []
    for key, access in full_matrix().items():
        if access.methods.get("GET", ())[column : column + 1] != (200,):
            continue
        url = url_for(key, access, objects)
        if not url.startswith("/admin/") and url not in urls:
            urls.append(url)
    return urls


def _measure(page: Page, persona: str, url: str) -> Measure | None:
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return None  # an export (CSV, PDF, DOCX): a file, not a page
        raise
    assert response is not None, url
    if "text/html" not in response.headers.get("content-type", ""):
        return None  # a download, a feed, an image: nothing to lay out
    values: dict[str, Any] = page.evaluate(MEASURE)
    return Measure(persona, url, int(values["scroll"]), int(values["client"]), values["header"])


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_no_page_scrolls_sideways_on_a_small_phone(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    settings: Settings,
    tmp_path: Path,
) -> None:
    """Every page each role can read fits 360 px, under a header of at most 120 px."""
    settings.MEDIA_ROOT = str(tmp_path)
    case: Any = _Case
    for name, value in make_personas().items():
        setattr(case, name, value)
    objects = Objects(case)
    measures: list[Measure] = []
    for persona in ROLES:
        context = new_context(viewport=SMALL)
        if getattr(case, persona) is not None:
            sign_in_context(context, live_server, getattr(case, persona))
        page = context.new_page()
        for url in _crawl_urls(persona, objects):
            measure = _measure(page, persona, url)
            if measure is not None:
                measures.append(measure)
        context.close()
    widest = max(measures, key=lambda m: (m.scroll, m.header))
    tallest = max(measures, key=lambda m: m.header)
    print(  # noqa: T201
        f"layout at 360 px: {len(measures)} pages as {', '.join(ROLES)}; widest "
        f"{widest.scroll} px ({widest.persona} {widest.url}); tallest header "
        f"{tallest.header:.0f} px ({tallest.persona} {tallest.url})"
    )
    too_wide = [m for m in measures if m.scroll > m.client]
    too_tall = [m for m in measures if m.header > HEADER_MAX_PX]
    assert len(measures) > 60, "the crawl reached too few pages to mean anything"
    assert not too_wide, "pages scroll sideways:\n" + "\n".join(
        f"{m.persona} {m.url}: {m.scroll} > {m.client}" for m in too_wide
    )
    assert not too_tall, "headers over 120 px:\n" + "\n".join(
        f"{m.persona} {m.url}: {m.header:.0f}" for m in too_tall
    )


@pytest.mark.browser
def test_the_menu_folds_under_one_control_and_opens_without_javascript(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    """On a phone the menu is one "Menú" control (no JavaScript needed); opened, it lists the
    sections with the current one marked, and the page still does not scroll sideways."""
    personas = make_personas()
    context = new_context(viewport=SMALL, java_script_enabled=False)
    sign_in_context(context, live_server, personas["coord"])
    page = context.new_page()
    page.goto("/directorio/solicitudes/")
    menu = page.locator("details.menu-toggle")
    expect(menu.locator("nav")).to_be_hidden()
    expect(page.locator("nav.nav-wide")).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header is not None
    assert header["height"] <= HEADER_MAX_PX, header
    menu.locator("summary").click()
    links = menu.locator("nav a")
    expect(links.first).to_be_visible()
    current = menu.locator("nav a[aria-current]")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("href", "/directorio/solicitudes/")
    expect(current).to_have_attribute("aria-current", "page")
    values: dict[str, Any] = page.evaluate(MEASURE)
    assert values["scroll"] <= values["client"], values
    # The sign-out button sits inside the menu too, reachable on a phone.
    expect(menu.locator("nav button[type=submit]")).to_be_visible()


@pytest.mark.browser
def test_a_wide_screen_shows_the_menu_as_a_row(
    new_context: Callable[..., BrowserContext],
) -> None:
    """From 48rem the links show in a row and the "Menú" control is gone."""
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto("/reuniones/")
    expect(page.locator("details.menu-toggle")).to_be_hidden()
    wide = page.locator("nav.nav-wide")
    expect(wide).to_be_visible()
    expect(wide.locator("a[aria-current]")).to_have_attribute("href", "/reuniones/")
    expect(wide.locator("a[aria-current]")).to_have_attribute("aria-current", "page")
