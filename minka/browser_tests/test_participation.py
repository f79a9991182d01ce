"""Stored XSS in participation (SECURITY.md §1.5): every text field a person fills in, with
payloads, rendered in a real browser on every page that shows it, as each persona.

The pages are loaded with the Content-Security-Policy bypassed, so that what is tested is the
escaping and the Markdown sanitizer themselves, not the policy that would block a slip.
A payload counts as executed when a dialog opens, when ``window.minkaXss`` is set, or when an
element with an event handler or a ``javascript:`` link reaches the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.browser_tests.conftest import sign_in_context
from minka.core.tests.base import add_totp
from minka.core.visibility import Visibility
from minka.directory.tests.factories import MembershipFactory, OrganizationFactory
from minka.participation.applications.models import application_status_token
from minka.participation.applications.tests.factories import verified
from minka.participation.consultations.tests.factories import (
    CommentFactory,
    ConsultationFactory,
    ReportFactory,
    SectionFactory,
    closed,
)
from minka.participation.polls.tests.factories import DateAnswerFactory, DatePollFactory
from minka.participation.proposals.models import Proposal
from minka.participation.proposals.tests.factories import ProposalCommentFactory, ProposalFactory

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, Dialog, Page
    from pytest_django.live_server_helper import LiveServer

# OWASP filter-evasion cases and Markdown ones; each sets window.minkaXss or opens a dialog.
PAYLOADS = (
    "<script>window.minkaXss=1;alert('xss-script')</script>",
    '"><img src=x onerror="window.minkaXss=2;alert(\'xss-img\')">',
    "[enlace](javascript:window.minkaXss=3;alert('xss-md'))",
    "<svg onload=\"window.minkaXss=4;alert('xss-svg')\"></svg>",
    "<a href=\"javascript:alert('xss-a')\">clic</a> <details open ontoggle=alert('xss-d')>",
    "' onmouseover='alert(1)' x='",
)
PAYLOAD = " ".join(PAYLOADS)
# Markup that must never reach a page built from those payloads.
INJECTED = (
    "script:not([src]), [onerror], [onload], [ontoggle], [onmouseover], "
    "a[href^='javascript:' i], iframe, object, embed"
)


def short(n: int) -> str:
    """The payloads cut to fit a field of ``n`` characters (the first ones, whole)."""
    text = ""
    for payload in PAYLOADS:
        if len(text) + len(payload) + 1 > n:
            break
        text = f"{text} {payload}".strip()
    return text or PAYLOADS[1][:n]


@dataclass
class Visit:
    path: str
    persona: str
    executed: list[str] = field(default_factory=list)


def _plant() -> tuple[dict[str, User], list[tuple[str, str]]]:
    """Objects whose every text field carries payloads; the (persona, path) pairs to visit."""
    org = OrganizationFactory.create(name=short(200), acronym="XSS")
    member = MembershipFactory.create(organization=org, user__full_name=short(150)).user
    coordinator = UserFactory.create(full_name=short(150), role=User.Role.COORDINATOR)
    add_totp(coordinator)
    users = {"mem": member, "coord": coordinator}

    public = ProposalFactory.create(
        title=short(200), description=PAYLOAD, proposer=member, organizations=[org]
    )
    internal = ProposalFactory.create(
        title=short(200), description=PAYLOAD, proposer=member, visibility=Visibility.MEMBERS
    )
    comment = ProposalCommentFactory.create(proposal=public, author=member, body=PAYLOAD)
    ProposalCommentFactory.create(proposal=public, author=coordinator, parent=comment, body=PAYLOAD)
    ProposalCommentFactory.create(
        proposal=public,
        author=member,
        body=PAYLOAD,
        hidden_at=timezone.now(),
        hidden_by=coordinator,
        hidden_reason=short(500),
    )
    declined = ProposalFactory.create(
        title=short(200),
        description=PAYLOAD,
        proposer=member,
        status=Proposal.Status.DECLINED,
        decision_reason=PAYLOAD[:2000],
        decided_by=coordinator,
        decided_at=timezone.now(),
    )

    poll = DatePollFactory.create(
        title=short(200), description=PAYLOAD[:2000], place=short(300), created_by=coordinator
    )
    DateAnswerFactory.create(option=poll.options.first(), user=member)
    public_poll = DatePollFactory.create(
        title=short(200), description=PAYLOAD[:2000], visibility=Visibility.PUBLIC
    )

    application = verified(
        organization_name=short(200),
        acronym=short(30),
        website="https://example.org/?q=%22%3E%3Cscript%3E",
        description=PAYLOAD[:2000],
        representative_name=short(200),
        representative_position=short(200),
        phone=short(30),
        motivation=PAYLOAD,
    )
    rejected = verified(
        organization_name=short(200),
        motivation=PAYLOAD,
        status="rejected",
        decision_message=PAYLOAD,
        reviewed_at=timezone.now() - timedelta(days=1),
    )
    status_path = f"/unete/estado/{application_status_token(rejected.public_id)}/"

    consultation = ConsultationFactory.create(
        title=short(200), description=PAYLOAD, document__title=short(200)
    )
    section = SectionFactory.create(consultation=consultation, number=1, title=short(300))
    reported = CommentFactory.create(consultation=consultation, author=member, body=PAYLOAD)
    CommentFactory.create(consultation=consultation, section=section, author=member, body=PAYLOAD)
    CommentFactory.create(
        consultation=consultation,
        author=member,
        body=PAYLOAD,
        hidden_at=timezone.now(),
        hidden_by=coordinator,
        hidden_reason=short(500),
    )
    ReportFactory.create(comment=reported, reporter=coordinator, reason=short(500))
    answered = closed(
        title=short(200),
        description=PAYLOAD,
        response=PAYLOAD,
        response_published_at=timezone.now(),
    )

    shared = [
        "/",
        "/participa/",
        "/participa/propuestas/",
        "/participa/propuestas/?status=all",
        public.get_absolute_url(),
        declined.get_absolute_url(),
        "/participa/fechas/",
        public_poll.get_absolute_url(),
        "/participa/consultas/",
        consultation.get_absolute_url(),
        answered.get_absolute_url(),
        status_path,
    ]
    members = [internal.get_absolute_url(), poll.get_absolute_url()]
    coordinators = [
        f"/participa/propuestas/{public.public_id}/decidir/",
        "/unete/solicitudes/",
        f"/unete/solicitudes/{application.public_id}/",
        f"/unete/solicitudes/{rejected.public_id}/",
        f"/participa/consultas/{consultation.public_id}/moderacion/",
        f"/participa/consultas/{answered.public_id}/respuesta/",
    ]
    visits = [("anon", path) for path in shared]
    visits += [("mem", path) for path in shared + members]
    visits += [("coord", path) for path in shared + members + coordinators]
    return users, visits


def _check(page: Page, visit: Visit) -> None:
    response = page.goto(visit.path, wait_until="load")
    assert response is not None, visit.path
    assert response.status == 200, f"{visit.persona} {visit.path}: {response.status}"
    page.wait_for_timeout(50)  # let handlers of loaded elements run
    if page.evaluate("() => window.minkaXss !== undefined"):
        visit.executed.append("window.minkaXss set")
    for element in page.locator(INJECTED).all():
        visit.executed.append(element.evaluate("e => e.outerHTML.slice(0, 120)"))


@pytest.mark.browser
def test_no_stored_payload_runs_on_any_participation_page(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    """Payloads in every text field of proposals, consultations, comments, decisions,
    reports, responses, date polls and membership applications render as text on every page
    that shows them, as a visitor, a member and a coordinator: dialogs opened and injected
    elements are both zero."""
    users, visits = _plant()
    dialogs: list[str] = []
    results: list[Visit] = []
    for persona in ("anon", "mem", "coord"):
        context = new_context(bypass_csp=True)
        if persona in users:
            sign_in_context(context, live_server, users[persona])
        page = context.new_page()

        def on_dialog(dialog: Dialog, persona: str = persona, page: Page = page) -> None:
            dialogs.append(f"{persona} {page.url}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        for who, path in visits:
            if who == persona:
                visit = Visit(path, persona)
                _check(page, visit)
                results.append(visit)
        context.close()

    executed = [f"{v.persona} {v.path}: {e}" for v in results for e in v.executed]
    assert len(results) == len(visits)
    assert dialogs == [], dialogs
    assert executed == [], executed


@pytest.mark.browser
def test_a_poll_with_its_respondents_fits_a_small_phone(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    """The results and "who answered what" tables of a poll with three dates and three
    respondents scroll inside the page on a 360 px screen; the page itself never scrolls
    sideways."""
    poll = DatePollFactory.create(title="Próxima reunión mensual de la red")
    members = [
        MembershipFactory.create(user__full_name=name).user
        for name in (
            "Representante de organización (demo)",
            "Administración Minka (demo)",
            "Secretaría técnica de la red (demo)",
        )
    ]
    for member in members:
        for option in poll.options.all():
            DateAnswerFactory.create(option=option, user=member)
    context = new_context(viewport={"width": 360, "height": 740})
    sign_in_context(context, live_server, members[0])
    page = context.new_page()
    page.goto(poll.get_absolute_url())
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    assert page.locator("table.poll-respondents").is_visible()
