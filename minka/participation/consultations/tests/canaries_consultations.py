"""Canaries of the consultations, every text near the word "quenual" so that one search
reaches them all.

``CANARIES`` (checked by the shared crawl as anon, reg and mem_b) are for coordinators and
the comment's author only: the text of a hidden comment on a PUBLIC consultation (written
by ``mem_a``) and the reason it was hidden, and the reason of a report on a shown comment
(by an account that is none of the personas).

``MEMBERS_CANARIES`` (crawled as anon and reg in ``test_consultations_canaries``) are a
members-only consultation's title, description, section title, a comment on it and its
published response (it is closed), and the title of the members-only document it consults
on.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from minka import search
from minka.accounts.tests.factories import UserFactory
from minka.core.visibility import Visibility
from minka.documents.tests.factories import DocumentFactory
from minka.participation.consultations.tests.factories import (
    CommentFactory,
    ConsultationFactory,
    ReportFactory,
    SectionFactory,
)

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]
WORD = "quenual"

HIDDEN_BODY = f"comentariooculto{_TAG}"
HIDDEN_REASON = f"motivoocultar{_TAG}"
REPORT_REASON = f"motivoreporte{_TAG}"
CANARIES = [HIDDEN_BODY, HIDDEN_REASON, REPORT_REASON]

MEMBERS_TITLE = f"consultamiembros{_TAG}"
MEMBERS_DESCRIPTION = f"descripcionmiembros{_TAG}"
MEMBERS_SECTION = f"seccionmiembros{_TAG}"
MEMBERS_COMMENT = f"comentariomiembros{_TAG}"
MEMBERS_RESPONSE = f"respuestamiembros{_TAG}"
MEMBERS_DOCUMENT = f"documentomiembros{_TAG}"
MEMBERS_CANARIES = [
    MEMBERS_TITLE,
    MEMBERS_DESCRIPTION,
    MEMBERS_SECTION,
    MEMBERS_COMMENT,
    MEMBERS_RESPONSE,
    MEMBERS_DOCUMENT,
]


def _near(text: str) -> str:
    return f"{text} {WORD}"


def plant(case: Any) -> None:
    """Plant the canaries (see the module's docstring) as attributes ``csc_*`` of ``case``."""
    now = timezone.now()
    case.csc_public = ConsultationFactory.create(title=_near("Consulta publica canaria"))
    section = SectionFactory.create(consultation=case.csc_public, number=1, title="Alcance")
    case.csc_hidden = CommentFactory.create(
        consultation=case.csc_public,
        section=section,
        author=case.mem_a,
        body=_near(HIDDEN_BODY),
        hidden_at=now,
        hidden_by=case.coord,
        hidden_reason=_near(HIDDEN_REASON),
    )
    shown = CommentFactory.create(
        consultation=case.csc_public, author=case.mem_a, body=_near("Comentario visible")
    )
    # Reported by an account none of the crawling personas is (its own data export holds it).
    reporter = UserFactory.create(email=f"reporter-{_TAG}@example.org")
    ReportFactory.create(comment=shown, reporter=reporter, reason=_near(REPORT_REASON))
    document = DocumentFactory.create(title=_near(MEMBERS_DOCUMENT), visibility=Visibility.MEMBERS)
    case.csc_members = ConsultationFactory.create(
        document=document,
        title=_near(MEMBERS_TITLE),
        description=_near(MEMBERS_DESCRIPTION),
        visibility=Visibility.MEMBERS,
        opens_at=now - timedelta(days=20),
        closes_at=now - timedelta(days=1),
        response=_near(MEMBERS_RESPONSE),
        response_published_at=now,
    )
    SectionFactory.create(consultation=case.csc_members, number=1, title=_near(MEMBERS_SECTION))
    case.csc_members_comment = CommentFactory.create(
        consultation=case.csc_members, author=case.mem_a, body=_near(MEMBERS_COMMENT)
    )
    case.csc_members_open = ConsultationFactory.create(
        document=document, title=_near(MEMBERS_TITLE + "abierta"), visibility=Visibility.MEMBERS
    )
    for consultation in (case.csc_public, case.csc_members, case.csc_members_open):
        search.index_object(consultation)
        search.index_object(consultation.document)


def _search(**query: str) -> str:
    return f"{reverse('search:search')}?{urlencode(query)}"


def start_urls(case: Any) -> list[str]:
    """The list, the feed, the home page, searches (the word beside every canary, the type,
    each canary's first letters), and every planted consultation's pages."""
    urls = [
        reverse("participation:consultation-list"),
        reverse("feeds:consultations"),
        reverse("site:home"),
        reverse("participation:index"),
        _search(q=WORD),
        _search(q=WORD, type="participation.consultation"),
        *(_search(q=canary[: len(canary) - 6]) for canary in CANARIES + MEMBERS_CANARIES),
    ]
    for consultation in (case.csc_public, case.csc_members, case.csc_members_open):
        public_id = consultation.public_id
        urls += [
            consultation.get_absolute_url(),
            reverse("participation:consultation-moderation", kwargs={"public_id": public_id}),
            reverse("participation:consultation-export", kwargs={"public_id": public_id}),
        ]
    urls.append(
        reverse(
            "participation:consultation-comment-report",
            kwargs={"public_id": case.csc_public.public_id, "pk": case.csc_hidden.pk},
        )
    )
    return urls


def check_shown(test: RoleTestCase) -> None:
    """The author (``mem_a``) reads their hidden comment and its reason; coordinators read
    it, the reason and the report; members (``mem_b``) read the members-only
    consultation, its section, comment, response and document."""
    cases: Any = test
    own = test.as_("mem_a").get(cases.csc_public.get_absolute_url())
    test.assertContains(own, HIDDEN_BODY)
    test.assertContains(own, HIDDEN_REASON)
    coord = test.as_("coord")
    test.assertContains(coord.get(cases.csc_public.get_absolute_url()), HIDDEN_BODY)
    moderation = coord.get(
        reverse(
            "participation:consultation-moderation",
            kwargs={"public_id": cases.csc_public.public_id},
        )
    )
    test.assertContains(moderation, REPORT_REASON)
    test.assertContains(moderation, HIDDEN_REASON)
    member = test.as_("mem_b")
    page = member.get(cases.csc_members.get_absolute_url())
    for canary in MEMBERS_CANARIES:
        test.assertContains(page, canary)
    test.assertContains(member.get(reverse("participation:consultation-list")), MEMBERS_TITLE)
    test.assertContains(member.get(reverse("search:search"), {"q": WORD}), MEMBERS_TITLE)
