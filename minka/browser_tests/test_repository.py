"""The repository in a browser: a coordinator uploads a PPTX and a PDF with a progress bar
and sees them processed; a member finds a word of a slide by searching without accents, with
the word highlighted; a visitor does not; the upload also works without JavaScript."""

# pytest asserts; the per-file ignore of "**/tests/**" does not reach this folder.

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from minka.accounts.models import User
from minka.browser_tests.pages import sign_in_as
from minka.documents.models import Document, Version
from minka.files.tests import samples

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, Page
    from pytest_django.live_server_helper import LiveServer


PHONE = {"width": 390, "height": 844}


def _files(folder: Path) -> list[Path]:
    # A PDF large enough that the throttled upload takes a few seconds.
    return [samples.pptx(folder, slides=4), samples.pdf(folder, pages=60)]


def _throttle(page: Page, bytes_per_second: int) -> None:
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 20,
            "downloadThroughput": -1,
            "uploadThroughput": bytes_per_second,
        },
    )


def _fill_metadata(page: Page, paths: list[Path]) -> None:
    page.locator("input[type=file]").set_input_files([str(p) for p in paths])
    page.locator("#id_kind").select_option("presentation")
    page.locator("#id_visibility").select_option("members")


@pytest.mark.browser
def test_upload_with_progress_then_a_member_finds_the_slide_text(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    coordinator = new_context(viewport=PHONE)
    sign_in_as(coordinator, live_server, User.Role.COORDINATOR)
    page = coordinator.new_page()
    page.goto("/repositorio/subir/")
    with tempfile.TemporaryDirectory() as folder:
        paths = _files(Path(folder))
        _fill_metadata(page, paths)
        total = sum(path.stat().st_size for path in paths)
        _throttle(page, max(total // 3, 1024))  # about three seconds
        page.locator("form.upload-form button[type=submit]").click()
        progress = page.locator(".upload-progress progress")
        expect(page.locator(".upload-progress")).to_be_visible()
        page.wait_for_function(
            "() => { const p = document.querySelector('.upload-progress progress');"
            " return p && p.value > 0 && p.value < 100; }"
        )
        assert 0 < float(progress.get_attribute("value") or 0) < 100
        expect(page).to_have_url(re.compile(r"/repositorio/\?mine=1$"), timeout=30_000)
    items = page.locator(".document-item")
    expect(items).to_have_count(2)
    assert Version.objects.filter(status=Version.Status.DONE).count() == 2
    pptx = Document.objects.get(latest_version__file_type="pptx")
    page.goto(pptx.get_absolute_url())
    expect(page.locator(".status-done")).to_have_count(1)

    member = new_context(viewport=PHONE)
    sign_in_as(member, live_server, User.Role.MEMBER)
    search = member.new_page()
    search.goto("/buscar/")
    search.locator("#id_q").fill("madre de dios")  # a cell of the slide's table, no accents
    search.locator("form.search-form button[type=submit]").click()
    result = search.locator(".search-results li").first
    expect(result).to_contain_text("Madre de Dios")
    expect(result.locator("h2")).to_have_text("presentacion")
    expect(result.locator("mark").first).to_have_text(re.compile("madre", re.IGNORECASE))
    # Words with accents in the document, searched without them.
    search.goto("/buscar/?q=region")
    expect(search.locator(".search-results li mark").first).to_have_text(
        re.compile("región", re.IGNORECASE)
    )

    visitor = new_context(viewport=PHONE).new_page()
    visitor.goto("/buscar/?q=madre+de+dios")
    expect(visitor.locator(".search-results li")).to_have_count(0)


@pytest.mark.browser
def test_the_upload_works_without_javascript(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    context = new_context(viewport=PHONE, java_script_enabled=False)
    sign_in_as(context, live_server, User.Role.MEMBER)
    page = context.new_page()
    page.goto("/repositorio/subir/")
    with tempfile.TemporaryDirectory() as folder:
        path = samples.text(Path(folder), "acta.md")
        page.locator("input[type=file]").set_input_files(str(path))
        page.locator("#id_title").fill("Acta sin JavaScript")
        with page.expect_navigation():
            page.locator("form.upload-form button[type=submit]").click()
    document = Document.objects.get()
    assert document.title == "Acta sin JavaScript"
    expect(page).to_have_url(re.compile(str(document.public_id)))
    expect(page.locator("h1")).to_have_text("Acta sin JavaScript")
    # A refused file re-displays the form with the reason, nothing stored.
    page.goto("/repositorio/subir/")
    with tempfile.TemporaryDirectory() as folder:
        bad = samples.html(Path(folder))
        page.locator("input[type=file]").set_input_files(str(bad))
        with page.expect_navigation():
            page.locator("form.upload-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text(bad.name)
    assert Document.objects.count() == 1
