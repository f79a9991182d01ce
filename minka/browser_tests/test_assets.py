"""The pages load their own stylesheet and script."""

# pytest asserts; the per-file ignore of "**/tests/**" does not reach this folder.

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response


@pytest.mark.browser
def test_home_page_loads_its_stylesheet_and_script(page: Page) -> None:
    """Every file the home page asks for is found, and the site's styles apply."""
    failed: list[str] = []
    loaded: list[str] = []

    def record(response: Response) -> None:
        (failed if response.status >= 400 else loaded).append(f"{response.status} {response.url}")

    page.on("response", record)
    page.goto("/", wait_until="networkidle")

    assert not failed, "files not found (are they where the static finders look?):\n" + "\n".join(
        failed
    )
    assert any("/static/minka/minka.css" in url for url in loaded), loaded
    assert any(url.endswith(".js") for url in loaded), loaded
    header_background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert header_background not in {"rgba(0, 0, 0, 0)", "transparent"}
