"""Canaries of the Atom feeds: content a feed must never carry, because a feed is public and
the same for everyone (a coordinator's request gets what a visitor's gets).

``CANARIES`` (checked by the shared crawl as anon, reg and mem_b, which starts from every
route, the feeds included) are for coordinators only: a coordinators-only meeting's title,
the summary of draft minutes of a public meeting, a coordinators-only document's title and
file name, a coordinators-only commitment's title, and the name of a person who consented to
no listing, responsible for a PUBLIC commitment.

``MEMBERS_CANARIES`` (members may see them elsewhere, so ``test_feeds`` checks them in every
feed for every persona) are: a members-only meeting's title and place, the online link of a
PUBLIC virtual meeting, the summaries of minutes in review, approved, and published for
members only, a members-only document's title, a members-only commitment's title, and, on
a PUBLIC commitment, an applicant organization (the directory shows applicants to members)
and a person listed for members only.

Beside them, public items of every kind (``feed_public_*``) so the feeds are never empty.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from minka.agreements.tests.factories import CommitmentFactory
from minka.core.visibility import Visibility
from minka.directory.models import Organization
from minka.directory.tests.factories import OrganizationFactory, PersonFactory
from minka.documents.tests.factories import DocumentFactory, add_version
from minka.meetings.minutes.models import Minutes
from minka.meetings.minutes.tests.factories import minutes_with, sample_content
from minka.meetings.models import Modality
from minka.meetings.tests.factories import MeetingFactory

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]
COORD_MEETING = f"reunionfeedcoordinacion{_TAG}"
DRAFT_SUMMARY = f"actafeedborrador{_TAG}"
COORD_DOCUMENT = f"documentofeedcoordinacion{_TAG}"
COORD_FILE = f"archivofeedcoordinacion{_TAG}.pdf"
COORD_COMMITMENT = f"compromisofeedcoordinacion{_TAG}"
PRIVATE_PERSON = f"Persona feed privada {_TAG}"
CANARIES = [
    COORD_MEETING,
    DRAFT_SUMMARY,
    COORD_DOCUMENT,
    COORD_FILE,
    COORD_COMMITMENT,
    PRIVATE_PERSON,
]

MEMBERS_MEETING = f"reunionfeedmiembros{_TAG}"
MEMBERS_PLACE = f"lugarfeedmiembros{_TAG}"
ONLINE_URL = f"https://meet.example.org/feed-{_TAG}"
REVIEW_SUMMARY = f"actafeedrevision{_TAG}"
APPROVED_SUMMARY = f"actafeedaprobada{_TAG}"
MEMBERS_MINUTES_SUMMARY = f"actafeedmiembros{_TAG}"
MEMBERS_DOCUMENT = f"documentofeedmiembros{_TAG}"
MEMBERS_COMMITMENT = f"compromisofeedmiembros{_TAG}"
APPLICANT_NAME = f"Colectivo feed postulante {_TAG}"
MEMBERS_PERSON = f"Persona feed miembros {_TAG}"
MEMBERS_CANARIES = [
    MEMBERS_MEETING,
    MEMBERS_PLACE,
    ONLINE_URL,
    REVIEW_SUMMARY,
    APPROVED_SUMMARY,
    MEMBERS_MINUTES_SUMMARY,
    MEMBERS_DOCUMENT,
    MEMBERS_COMMITMENT,
    APPLICANT_NAME,
    MEMBERS_PERSON,
]

PUBLIC_MEETING = f"Reunion publica del feed {_TAG}"
PUBLIC_SUMMARY = f"actafeedpublica{_TAG}"
PUBLIC_DOCUMENT = f"Documento publico del feed {_TAG}"
PUBLIC_COMMITMENT = f"Compromiso publico del feed {_TAG}"


def _minutes(status: str, summary: str, visibility: str = Visibility.PUBLIC) -> Minutes:
    """Minutes of a public meeting of their own, built directly (their cycle is tested in
    the minutes area; here only their state matters)."""
    return minutes_with(
        meeting=MeetingFactory.create(),
        status=status,
        visibility=visibility,
        content=sample_content(summary),
    )


def plant(case: Any) -> None:
    """Plant the canaries and the public items (see the module's docstring) as attributes
    ``feed_*`` of ``case``."""
    case.feed_public_meeting = MeetingFactory.create(
        title=PUBLIC_MEETING, modality=Modality.VIRTUAL, online_url=ONLINE_URL, place=""
    )
    case.feed_members_meeting = MeetingFactory.create(
        title=MEMBERS_MEETING, place=MEMBERS_PLACE, visibility=Visibility.MEMBERS
    )
    case.feed_coord_meeting = MeetingFactory.create(
        title=COORD_MEETING, visibility=Visibility.COORDINATORS
    )
    status = Minutes.Status
    case.feed_public_minutes = _minutes(status.PUBLISHED, PUBLIC_SUMMARY)
    case.feed_draft_minutes = _minutes(status.DRAFT, DRAFT_SUMMARY)
    case.feed_review_minutes = _minutes(status.REVIEW, REVIEW_SUMMARY)
    case.feed_approved_minutes = _minutes(status.APPROVED, APPROVED_SUMMARY)
    case.feed_members_minutes = _minutes(
        status.PUBLISHED, MEMBERS_MINUTES_SUMMARY, Visibility.MEMBERS
    )
    case.feed_public_document = DocumentFactory.create(title=PUBLIC_DOCUMENT)
    add_version(case.feed_public_document)
    case.feed_members_document = DocumentFactory.create(
        title=MEMBERS_DOCUMENT, visibility=Visibility.MEMBERS
    )
    add_version(case.feed_members_document)
    case.feed_coord_document = DocumentFactory.create(
        title=COORD_DOCUMENT, visibility=Visibility.COORDINATORS
    )
    add_version(case.feed_coord_document, name=COORD_FILE)
    applicant = OrganizationFactory.create(
        name=APPLICANT_NAME,
        slug=f"postulante-feed-{_TAG}",
        membership_status=Organization.MembershipStatus.APPLICANT,
    )
    case.feed_public_commitment = CommitmentFactory.create(
        title=PUBLIC_COMMITMENT, owners=[case.org_a, applicant]
    )
    case.feed_public_commitment.responsible_people.set(
        [
            PersonFactory.create(full_name=PRIVATE_PERSON),
            PersonFactory.create(full_name=MEMBERS_PERSON, members_listing=True),
        ]
    )
    case.feed_members_commitment = CommitmentFactory.create(
        title=MEMBERS_COMMITMENT, visibility=Visibility.MEMBERS
    )
    case.feed_coord_commitment = CommitmentFactory.create(
        title=COORD_COMMITMENT, visibility=Visibility.COORDINATORS
    )


def feed_urls() -> list[str]:
    return [
        reverse(f"feeds:{name}") for name in ("minutes", "documents", "meetings", "commitments")
    ]


def start_urls(case: Any) -> list[str]:
    """The four feeds (also reached as routes of the access matrix)."""
    return feed_urls()


def check_shown(test: RoleTestCase) -> None:
    """Each canary is rendered on a page, for those allowed: members (``mem_b``) see the
    members-only ones, coordinators the rest; the public items are in the feeds."""
    cases: Any = test
    member, coord = test.as_("mem_b"), test.as_("coord")
    shown = {
        MEMBERS_MEETING: (member, cases.feed_members_meeting.get_absolute_url()),
        MEMBERS_PLACE: (member, cases.feed_members_meeting.get_absolute_url()),
        ONLINE_URL: (member, cases.feed_public_meeting.get_absolute_url()),
        REVIEW_SUMMARY: (member, cases.feed_review_minutes.get_absolute_url()),
        APPROVED_SUMMARY: (member, cases.feed_approved_minutes.get_absolute_url()),
        MEMBERS_MINUTES_SUMMARY: (member, cases.feed_members_minutes.get_absolute_url()),
        MEMBERS_DOCUMENT: (member, cases.feed_members_document.get_absolute_url()),
        MEMBERS_COMMITMENT: (member, cases.feed_members_commitment.get_absolute_url()),
        APPLICANT_NAME: (member, cases.feed_public_commitment.get_absolute_url()),
        MEMBERS_PERSON: (member, cases.feed_public_commitment.get_absolute_url()),
        COORD_MEETING: (coord, cases.feed_coord_meeting.get_absolute_url()),
        DRAFT_SUMMARY: (coord, cases.feed_draft_minutes.get_absolute_url()),
        COORD_DOCUMENT: (coord, cases.feed_coord_document.get_absolute_url()),
        COORD_FILE: (coord, cases.feed_coord_document.get_absolute_url()),
        COORD_COMMITMENT: (coord, cases.feed_coord_commitment.get_absolute_url()),
        PRIVATE_PERSON: (coord, cases.feed_public_commitment.get_absolute_url()),
    }
    for canary, (client, url) in shown.items():
        test.assertContains(client.get(url), canary, msg_prefix=canary)
    feeds = b"".join(test.client.get(url).content for url in feed_urls()).decode()
    for public in (PUBLIC_MEETING, PUBLIC_SUMMARY, PUBLIC_DOCUMENT, PUBLIC_COMMITMENT):
        test.assertIn(public, feeds)
