"""Canaries of agenda proposals, every text near the word "quenual" so one search reaches
them all.

``CANARIES`` (crawled by the shared crawl as anon, reg and mem_b, who must never read them):
the text of a comment the coordination hid on a PUBLIC proposal, and the reason given (only
its author, ``mem_a``, and the coordination read them).

``MEMBERS_CANARIES`` (crawled as anon and reg in ``test_proposals_canaries``): an internal
proposal's title and description, and a comment on it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from minka import search
from minka.core.visibility import Visibility
from minka.participation.proposals.tests.factories import (
    ProposalCommentFactory,
    ProposalFactory,
)

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]
WORD = "quenual"

HIDDEN_BODY = f"comentariooculto{_TAG}"
HIDDEN_REASON = f"motivooculto{_TAG}"
CANARIES = [HIDDEN_BODY, HIDDEN_REASON]

MEMBERS_TITLE = f"propuestainterna{_TAG}"
MEMBERS_DESCRIPTION = f"detalleinterno{_TAG}"
MEMBERS_COMMENT = f"comentariointerno{_TAG}"
MEMBERS_CANARIES = [MEMBERS_TITLE, MEMBERS_DESCRIPTION, MEMBERS_COMMENT]


def _near(text: str) -> str:
    return f"{text} {WORD}"


def plant(case: Any) -> None:
    """Plant the canaries as attributes ``ppc_*`` of ``case``."""
    case.ppc_public = ProposalFactory.create(
        title=_near("Propuesta publica con comentario oculto"),
        proposer=case.mem_b,
        organizations=[case.org_b],
    )
    case.ppc_hidden = ProposalCommentFactory.create(
        proposal=case.ppc_public,
        author=case.mem_a,
        body=_near(HIDDEN_BODY),
        hidden_at=timezone.now(),
        hidden_by=case.coord,
        hidden_reason=_near(HIDDEN_REASON),
    )
    case.ppc_members = ProposalFactory.create(
        title=_near(MEMBERS_TITLE),
        description=_near(MEMBERS_DESCRIPTION),
        proposer=case.mem_a,
        organizations=[case.org_a],
        visibility=Visibility.MEMBERS,
    )
    ProposalCommentFactory.create(
        proposal=case.ppc_members, author=case.mem_b, body=_near(MEMBERS_COMMENT)
    )
    search.index_object(case.ppc_public)
    search.index_object(case.ppc_members)


def _search(**query: str) -> str:
    return f"{reverse('search:search')}?{urlencode(query)}"


def start_urls(case: Any) -> list[str]:
    """The list (every filter), both proposals' pages, the home page, and searches."""
    listing = reverse("participation:proposal-list")
    return [
        listing,
        f"{listing}?status=all",
        f"{listing}?status=all&sort=newest",
        reverse("participation:index"),
        reverse("site:home"),
        case.ppc_public.get_absolute_url(),
        case.ppc_members.get_absolute_url(),
        _search(q=WORD),
        _search(q=WORD, type="participation.proposal"),
        *(_search(q=canary[: len(canary) - 6]) for canary in CANARIES + MEMBERS_CANARIES),
        case.org_a.get_absolute_url(),
    ]


def check_shown(test: RoleTestCase) -> None:
    """Members see the internal proposal and its comment (list, page, search); the
    coordination reads the hidden comment and its reason."""
    cases: Any = test
    member = test.as_("mem_b")
    page = member.get(cases.ppc_members.get_absolute_url())
    for canary in MEMBERS_CANARIES:
        test.assertContains(page, canary)
    test.assertContains(member.get(reverse("participation:proposal-list")), MEMBERS_TITLE)
    test.assertContains(member.get(reverse("search:search"), {"q": WORD}), MEMBERS_TITLE)
    coord = test.as_("coord").get(cases.ppc_public.get_absolute_url())
    for canary in CANARIES:
        test.assertContains(coord, canary)
    author = test.as_("mem_a").get(cases.ppc_public.get_absolute_url())
    for canary in CANARIES:
        test.assertContains(author, canary)
