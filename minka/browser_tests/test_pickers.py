"""Pickers and the minutes editor in a browser: the checklist's filter box (picker.js) with
JavaScript, every option without it; "Add another agreement" and "Move down" without
JavaScript, keeping what was typed.

Elements are found by field name, value and form action, not by their (Spanish) text.
"""

# pytest asserts; the per-file ignore of "**/tests/**" does not reach this folder.

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from minka.browser_tests.conftest import sign_in_context
from minka.browser_tests.test_meetings import _coordinator
from minka.directory.tests.factories import OrganizationFactory
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.tests.factories import minutes_in, sample_content

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, Locator
    from pytest_django.live_server_helper import LiveServer


@pytest.mark.browser
def test_the_filter_box_narrows_the_checklist_and_keeps_ticked_options(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    rural = OrganizationFactory.create(name="Asociación Red Rural de Conectividad")
    women = OrganizationFactory.create(name="Colectivo Mujeres en Tecnología")
    ticked = OrganizationFactory.create(name="Instituto Peruano de Datos Abiertos")
    context = new_context()
    sign_in_context(context, live_server, _coordinator())
    page = context.new_page()
    page.goto(reverse("meetings:meeting-create"))

    def option(pk: int) -> Locator:
        return page.locator(f"input[name=organizations][value='{pk}']")

    box = page.locator("#id_organizations_filter")
    expect(box).to_be_visible()
    option(ticked.pk).check()
    box.fill("CONECTIVIDAD")  # case- and accent-blind
    expect(option(rural.pk)).to_be_visible()
    expect(option(women.pk)).to_be_hidden()
    expect(option(ticked.pk)).to_be_visible()
    expect(page.locator("#id_organizations_count")).not_to_be_empty()
    box.press("Enter")  # does not submit the form
    expect(page).to_have_url(live_server.url + reverse("meetings:meeting-create"))
    box.fill("tecnologia")
    expect(option(women.pk)).to_be_visible()
    expect(option(rural.pk)).to_be_hidden()
    box.fill("")
    expect(option(rural.pk)).to_be_visible()

    # Without JavaScript: no filter box, every option listed and usable.
    plain = new_context(java_script_enabled=False)
    sign_in_context(plain, live_server, _coordinator())
    page = plain.new_page()
    page.goto(reverse("meetings:meeting-create"))
    expect(page.locator("#id_organizations_filter")).to_be_hidden()
    for organization in (rural, women, ticked):
        expect(option(organization.pk)).to_be_visible()


@pytest.mark.browser
def test_minutes_rows_are_added_and_moved_without_javascript(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    coordinator = _coordinator()
    minutes = minutes_in("draft", actor=coordinator, content=sample_content())
    edit_url = reverse("meetings:minutes-edit", args=[minutes.meeting.public_id])
    context = new_context(java_script_enabled=False)
    sign_in_context(context, live_server, coordinator)
    page = context.new_page()
    page.goto(edit_url)
    form = page.locator(f"main form[action='{edit_url}']")
    form.locator("textarea[name=summary]").fill("Resumen escrito en el navegador")
    with page.expect_navigation():
        form.locator("button[name=editor-action][value='add:agreements']").click()
    expect(form.locator("textarea[name=summary]")).to_have_value("Resumen escrito en el navegador")
    form.locator("textarea[name='agreements-1-text']").fill("Acuerdo nuevo")
    with page.expect_navigation():
        form.locator("button[name=editor-action][value='up:agreements:1']").click()
    expect(form.locator("textarea[name='agreements-0-text']")).to_have_value("Acuerdo nuevo")
    assert minutes.revisions.count() == 2  # nothing saved yet
    # Enter in a one-line field saves (the first button of the form), it does not move rows.
    with page.expect_navigation():
        form.locator("input[name='agreements-0-responsible']").press("Enter")
    minutes.refresh_from_db()
    assert minutes.current_revision is not None
    saved = MinutesContent.from_json(minutes.current_revision.content)
    assert saved.summary == "Resumen escrito en el navegador"
    assert [a.text for a in saved.agreements] == ["Acuerdo nuevo", "Enviar el informe"]


@pytest.mark.browser
def test_the_people_search_adds_authors_with_and_without_javascript(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    from minka.core.visibility import Visibility
    from minka.directory.tests.factories import PersonFactory
    from minka.documents.tests.factories import DocumentFactory, add_version

    coordinator = _coordinator()
    found = PersonFactory.create(full_name="Teodora Huamán Ccori", members_listing=True)
    other = PersonFactory.create(full_name="Teodoro Lima Ríos", members_listing=True)
    typed = PersonFactory.create(full_name="Rosalía Quispe Condori", members_listing=True)
    document = DocumentFactory.create(visibility=Visibility.MEMBERS, uploaded_by=coordinator)
    add_version(document, content=b"texto", uploaded_by=coordinator)
    edit_url = reverse("documents:document-edit", args=[document.public_id])

    context = new_context()
    sign_in_context(context, live_server, coordinator)
    page = context.new_page()
    page.goto(edit_url)
    form = page.locator(f"main form[action='{edit_url}']")
    expect(form.locator("textarea[name=people_names]")).to_be_hidden()
    box = page.locator("#id_people_filter")
    box.fill("HUAMAN")  # case- and accent-blind, asked to the server
    option = form.locator(f"input[name=people][value='{found.pk}']")
    expect(option).to_be_visible()
    expect(form.locator(f"input[name=people][value='{other.pk}']")).to_have_count(0)
    option.check()
    box.fill("teodoro")  # a new search keeps what is ticked
    expect(form.locator(f"input[name=people][value='{other.pk}']")).to_be_visible()
    expect(option).to_be_checked()
    box.fill("zzzz")
    expect(page.locator("#id_people_count")).not_to_be_empty()
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    assert list(document.people.all()) == [found]

    # Without JavaScript: the chosen author is listed ticked, others are added by name.
    plain = new_context(java_script_enabled=False)
    sign_in_context(plain, live_server, coordinator)
    page = plain.new_page()
    page.goto(edit_url)
    form = page.locator(f"main form[action='{edit_url}']")
    expect(page.locator("#id_people_filter")).to_be_hidden()
    expect(form.locator(f"input[name=people][value='{found.pk}']")).to_be_checked()
    form.locator("textarea[name=people_names]").fill("rosalia quispe condori")
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    assert set(document.people.all()) == {found, typed}
