"""Agreements in a browser, on a phone 360 px wide: the dashboard, a commitment, a goal and
the page of a body with its functions fit the screen; a member of the responsible
organization posts a progress update with a document of the repository as evidence, with
JavaScript off (the plain form), and sees it in the history.

Elements are found by form action and field name, not by their text.
"""

# pytest asserts; the per-file ignore of "**/tests/**" does not reach this folder.

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.agreements.models import CommitmentUpdate, Status
from minka.agreements.tests.factories import CommitmentFactory, GoalFactory, link
from minka.browser_tests.conftest import sign_in_context
from minka.core.visibility import Visibility
from minka.directory import services as directory_services
from minka.directory.models import Organization
from minka.directory.tests.factories import MembershipFactory, OrganizationFactory
from minka.documents.tests.factories import DocumentFactory

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, Page
    from pytest_django.live_server_helper import LiveServer

PHONE = {"width": 360, "height": 740}


def fits_the_screen(page: Page) -> bool:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width <= PHONE["width"]


def too_wide(page: Page) -> list[str]:
    """The first elements of the page that reach past the screen's right edge."""
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
            .slice(0, 8)
            .map(e => `${e.tagName}.${e.className} ${e.getBoundingClientRect().right}`)"""
    )
    return found


@pytest.mark.browser
def test_a_member_reports_progress_with_evidence_on_a_phone_without_javascript(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    coordinator = UserFactory.create(role=User.Role.COORDINATOR)
    member = UserFactory.create(role=User.Role.MEMBER)
    owner = OrganizationFactory.create(name="Red de Conectividad Andina", acronym="RCA")
    MembershipFactory.create(user=member, organization=owner)
    body = OrganizationFactory.create(
        name="Comisión Multisectorial para el Desarrollo de la Sociedad de la Información",
        acronym="CODESI",
        membership_status=Organization.MembershipStatus.EXTERNAL,
    )
    directory_services.organization_update(
        actor=coordinator,
        organization=body,
        data={
            "is_body": True,
            "mandate": "Seguimiento de la Agenda Digital",
            "functions": ["Proponer políticas", "Hacer seguimiento de los compromisos"],
            "body_members": [owner],
        },
    )
    commitment = CommitmentFactory.create(
        title="Crear un repositorio virtual con las presentaciones de las reuniones",
        due_date=timezone.localdate() - timedelta(days=3),
        owners=[owner, body],
    )
    goal = GoalFactory.create(title="Una red que cumple lo que acuerda")
    link(goal, commitment)
    evidence = DocumentFactory.create(
        title="Presentaciones de la primera reunión", visibility=Visibility.MEMBERS
    )

    context = new_context(viewport=PHONE, java_script_enabled=False)
    sign_in_context(context, live_server, member)
    page = context.new_page()
    for path in (
        reverse("agreements:dashboard"),
        goal.get_absolute_url(),
        body.get_absolute_url(),
        commitment.get_absolute_url(),
    ):
        page.goto(path)
        expect(page.locator("main")).to_contain_text(commitment.title[:40])
        assert fits_the_screen(page), (path, too_wide(page))

    action = reverse("agreements:update-post", kwargs={"public_id": commitment.public_id})
    form = page.locator(f"main form[action='{action}']")
    form.locator("[name=text]").fill("Subimos las presentaciones al repositorio.")
    form.locator("[name=status]").select_option(Status.DONE)
    form.locator("[name=progress]").fill("100")
    form.locator(f'[name=documents][value="{evidence.pk}"]').check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    expect(page.locator("main")).to_contain_text("Subimos las presentaciones al repositorio.")
    expect(page.locator(f"main a[href='{evidence.get_absolute_url()}']")).to_be_visible()
    assert fits_the_screen(page)
    update = CommitmentUpdate.objects.get(commitment=commitment)
    assert update.author == member
    assert list(update.documents.all()) == [evidence]
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress) == (Status.DONE, 100)
