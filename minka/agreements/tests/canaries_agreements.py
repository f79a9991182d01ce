"""Canaries of the agreements area, every text near the word "yaretal" so that one search
reaches them all.

``CANARIES`` (checked by the shared crawl as anon, reg and mem_b) are for coordinators only:
a coordinators-only commitment's title and its update's text, and a coordinators-only goal's
title (a hidden result of a public goal, and the parent of another public goal).

``MEMBERS_CANARIES`` (crawled as anon and reg in ``test_agreements_canaries``: members may
see them) are: a members-only commitment's title, description and "Responsable" as written,
the text of its update, the title of another members-only commitment held by organization A;
a members-only goal's title and indicator (the parent of a public goal); the title of a
members-only document given as evidence in an update of a PUBLIC commitment; and the name and
acronym of an applicant organization (the directory shows applicants to members only) that
holds a public commitment and a public goal.

The hidden commitments were agreed at a meeting held last month; the next meeting of its
series, public, has a "follow-up of agreements" item that lists what is pending. Everything
is built with factories, then indexed for search as the services would.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from minka import search
from minka.agreements import search_index
from minka.agreements.models import Status
from minka.agreements.tests.factories import (
    CommitmentFactory,
    CommitmentUpdateFactory,
    GoalFactory,
    link,
)
from minka.core.visibility import Visibility
from minka.directory.models import Organization
from minka.directory.tests.factories import OrganizationFactory
from minka.documents.tests.factories import DocumentFactory
from minka.meetings.models import AgendaItem, Meeting
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]
WORD = "yaretal"  # beside every planted text: searching it reaches them all

COORD_TITLE = f"compromisocoordinacion{_TAG}"
COORD_UPDATE = f"avancecoordinacion{_TAG}"
COORD_GOAL = f"metacoordinacion{_TAG}"
CANARIES = [COORD_TITLE, COORD_UPDATE, COORD_GOAL]

MEMBERS_TITLE = f"compromisomiembros{_TAG}"
MEMBERS_DESCRIPTION = f"detallemiembros{_TAG}"
MEMBERS_RESPONSIBLE = f"responsablemiembros{_TAG}"
MEMBERS_UPDATE = f"avancemiembros{_TAG}"
MEMBERS_HELD_TITLE = f"compromisoorganizacion{_TAG}"
MEMBERS_GOAL = f"metamiembros{_TAG}"
MEMBERS_INDICATOR = f"indicadormiembros{_TAG}"
EVIDENCE_TITLE = f"evidenciamiembros{_TAG}"
APPLICANT_NAME = f"Colectivo postulante {_TAG}"
APPLICANT_ACRONYM = f"CPOST{_TAG}"
MEMBERS_CANARIES = [
    MEMBERS_TITLE,
    MEMBERS_DESCRIPTION,
    MEMBERS_RESPONSIBLE,
    MEMBERS_UPDATE,
    MEMBERS_HELD_TITLE,
    MEMBERS_GOAL,
    MEMBERS_INDICATOR,
    EVIDENCE_TITLE,
    APPLICANT_NAME,
    APPLICANT_ACRONYM,
]


def _near(text: str) -> str:
    return f"{text} {WORD}"


def plant(case: Any) -> None:
    """Plant the canaries (see the module's docstring) as attributes ``agc_*`` of ``case``."""
    today = timezone.localdate()
    series = SeriesFactory.create(slug=f"serie-canaria-acuerdos-{_TAG}")
    held = timezone.now() - timedelta(days=30)
    case.agc_held = MeetingFactory.create(
        series=series,
        title="Reunion realizada con acuerdos",
        starts_at=held,
        ends_at=held + timedelta(hours=2),
        status=Meeting.Status.HELD,
    )
    nxt = timezone.now() + timedelta(days=21)
    case.agc_next = MeetingFactory.create(
        series=series,
        title="Reunion de seguimiento de acuerdos",
        starts_at=nxt,
        ends_at=nxt + timedelta(hours=2),
    )
    AgendaItemFactory.create(
        meeting=case.agc_next, title="Seguimiento", kind=AgendaItem.Kind.FOLLOW_UP, position=1
    )
    case.agc_applicant = OrganizationFactory.create(
        name=APPLICANT_NAME,
        acronym=APPLICANT_ACRONYM,
        slug=f"postulante-acuerdos-{_TAG}",
        membership_status=Organization.MembershipStatus.APPLICANT,
    )
    # Overdue, owned by nobody in the directory: its "Responsable" is shown as written.
    case.agc_members = CommitmentFactory.create(
        title=_near(MEMBERS_TITLE),
        description=_near(MEMBERS_DESCRIPTION),
        responsible_text=_near(MEMBERS_RESPONSIBLE),
        meeting=case.agc_held,
        due_date=today - timedelta(days=10),
        status=Status.IN_PROGRESS,
        visibility=Visibility.MEMBERS,
    )
    CommitmentUpdateFactory.create(commitment=case.agc_members, text=_near(MEMBERS_UPDATE))
    case.agc_members_held = CommitmentFactory.create(
        title=_near(MEMBERS_HELD_TITLE),
        due_date=today + timedelta(days=12),
        visibility=Visibility.MEMBERS,
        owners=[case.org_a],
    )
    case.agc_coordinators = CommitmentFactory.create(
        title=_near(COORD_TITLE),
        meeting=case.agc_held,
        due_date=today + timedelta(days=5),
        visibility=Visibility.COORDINATORS,
        owners=[case.org_a],
    )
    CommitmentUpdateFactory.create(commitment=case.agc_coordinators, text=_near(COORD_UPDATE))
    # Public, overdue, held by organization A and the applicant; its update gives a
    # members-only document as evidence.
    case.agc_public = CommitmentFactory.create(
        title=_near("Compromiso publico con postulante"),
        meeting=case.agc_held,
        due_date=today - timedelta(days=3),
        owners=[case.org_a, case.agc_applicant],
    )
    case.agc_evidence = DocumentFactory.create(
        title=EVIDENCE_TITLE, visibility=Visibility.MEMBERS, uploaded_by=case.mem_a
    )
    update = CommitmentUpdateFactory.create(
        commitment=case.agc_public,
        author=case.mem_a,
        text=_near("Avance publico con evidencia"),
        links=["https://example.org/evidencia-publica"],
    )
    update.documents.set([case.agc_evidence])
    # Goals: a public one held by the applicant, counting every commitment, with a hidden
    # result; a members-only one; two public goals whose parents are hidden.
    case.agc_goal_public = GoalFactory.create(title=_near("Meta publica de la red"))
    case.agc_goal_public.responsible_organizations.set([case.org_a, case.agc_applicant])
    for commitment in (case.agc_public, case.agc_members, case.agc_coordinators):
        link(case.agc_goal_public, commitment)
    case.agc_goal_coordinators = GoalFactory.create(
        title=_near(COORD_GOAL),
        parent=case.agc_goal_public,
        visibility=Visibility.COORDINATORS,
    )
    case.agc_goal_members = GoalFactory.create(
        title=_near(MEMBERS_GOAL),
        indicator=_near(MEMBERS_INDICATOR),
        visibility=Visibility.MEMBERS,
    )
    case.agc_result_of_members = GoalFactory.create(
        title=_near("Resultado publico de una meta de miembros"), parent=case.agc_goal_members
    )
    case.agc_result_of_coordinators = GoalFactory.create(
        title=_near("Resultado publico de una meta de coordinacion"),
        parent=case.agc_goal_coordinators,
    )
    for commitment in (
        case.agc_members,
        case.agc_members_held,
        case.agc_coordinators,
        case.agc_public,
    ):
        search_index.index_commitment(commitment)
    for goal in (
        case.agc_goal_public,
        case.agc_goal_coordinators,
        case.agc_goal_members,
        case.agc_result_of_members,
        case.agc_result_of_coordinators,
    ):
        search.index_object(goal)


def _search(**query: str) -> str:
    return f"{reverse('search:search')}?{urlencode(query)}"


def start_urls(case: Any) -> list[str]:
    """The dashboard, plain and filtered (the applicant's slug included), both exports, the
    home page, searches (for the word beside every canary, by type, by the applicant's
    facet, and for each canary's first letters: searching a canary itself would only echo
    it back), every planted commitment's and goal's page (404 for those who may not see
    them, and no canary in the 404), organization A's and the applicant's pages, and the
    meeting whose follow-up item lists what is pending."""
    dashboard = reverse("agreements:dashboard")
    applicant = case.agc_applicant.slug
    csv = reverse("agreements:export", kwargs={"fmt": "csv"})
    xlsx = reverse("agreements:export", kwargs={"fmt": "xlsx"})
    urls = [
        dashboard,
        f"{dashboard}?status=pending",
        f"{dashboard}?status=in_progress",
        f"{dashboard}?organization={applicant}",
        f"{dashboard}?organization={case.org_a.slug}",
        f"{dashboard}?overdue=1",
        f"{dashboard}?goal={case.agc_goal_public.public_id}",
        csv,
        xlsx,
        f"{csv}?organization={applicant}",
        f"{xlsx}?overdue=1",
        reverse("site:home"),
        _search(q=WORD),
        _search(q=WORD, organization=applicant),
        *(
            _search(q=WORD, type=label)
            for label in ("agreements.commitment", "agreements.commitmentupdate", "agreements.goal")
        ),
        *(_search(q=canary[: len(canary) - 6]) for canary in CANARIES + MEMBERS_CANARIES),
        case.org_a.get_absolute_url(),
        case.agc_applicant.get_absolute_url(),
        case.agc_next.get_absolute_url(),
        case.agc_held.get_absolute_url(),
        reverse("agreements:follow-up", kwargs={"public_id": case.agc_next.public_id}),
    ]
    commitments = ("members", "members_held", "coordinators", "public")
    goals = (
        "goal_public",
        "goal_coordinators",
        "goal_members",
        "result_of_members",
        "result_of_coordinators",
    )
    urls += [getattr(case, f"agc_{name}").get_absolute_url() for name in commitments + goals]
    return urls


def check_shown(test: RoleTestCase) -> None:
    """Members (``mem_b``, not responsible for any) see the members-only canaries on the
    pages and in search, and the applicant on the dashboard; coordinators see theirs."""
    cases: Any = test
    member = test.as_("mem_b")
    page = member.get(cases.agc_members.get_absolute_url())
    for canary in (MEMBERS_TITLE, MEMBERS_DESCRIPTION, MEMBERS_RESPONSIBLE, MEMBERS_UPDATE):
        test.assertContains(page, canary)
    test.assertContains(member.get(cases.agc_members_held.get_absolute_url()), MEMBERS_HELD_TITLE)
    goal = member.get(cases.agc_goal_members.get_absolute_url())
    test.assertContains(goal, MEMBERS_GOAL)
    test.assertContains(goal, MEMBERS_INDICATOR)
    public = member.get(cases.agc_public.get_absolute_url())
    test.assertContains(public, EVIDENCE_TITLE)
    test.assertContains(public, APPLICANT_NAME)
    dashboard = member.get(reverse("agreements:dashboard"))
    for canary in (APPLICANT_NAME, APPLICANT_ACRONYM, MEMBERS_TITLE, MEMBERS_GOAL):
        test.assertContains(dashboard, canary)
    follow_up = member.get(cases.agc_next.get_absolute_url())
    test.assertContains(follow_up, MEMBERS_TITLE)
    test.assertContains(follow_up, MEMBERS_UPDATE)
    found = member.get(reverse("search:search"), {"q": WORD})
    for canary in (MEMBERS_TITLE, MEMBERS_UPDATE, MEMBERS_HELD_TITLE, MEMBERS_GOAL):
        test.assertContains(found, canary)
    coord = test.as_("coord")
    page = coord.get(cases.agc_coordinators.get_absolute_url())
    test.assertContains(page, COORD_TITLE)
    test.assertContains(page, COORD_UPDATE)
    test.assertContains(coord.get(cases.agc_goal_coordinators.get_absolute_url()), COORD_GOAL)
    test.assertContains(coord.get(cases.agc_goal_public.get_absolute_url()), COORD_GOAL)
    test.assertContains(coord.get(cases.org_a.get_absolute_url()), COORD_TITLE)
    test.assertContains(coord.get(cases.agc_next.get_absolute_url()), COORD_TITLE)
    found = coord.get(reverse("search:search"), {"q": WORD})
    for canary in CANARIES:
        test.assertContains(found, canary)
