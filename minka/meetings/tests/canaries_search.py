"""Canaries of the search over meetings, minutes, organizations and people, planted through
the services (so the index holds what they index), all near the word "quenual".

``CANARIES`` (checked by the shared crawl as anon, reg and mem_b) are for coordinators only:
the agenda of a coordinators-only meeting, the text of draft minutes, published minutes of a
coordinators-only meeting, and the email of a publicly listed person (an email is never
indexed). The names of an unlisted and of a pending person are not indexed at all.
``MEMBERS_CANARIES`` (crawled as anon and reg in ``test_search_canaries``: members may see
them) are the agenda of a members-only meeting, minutes in review, a person listed to members,
an applicant organization's description and a publicly listed person's bio (members read it on
the person's page; it is never indexed either).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from minka.core.visibility import Visibility
from minka.directory import services as directory_services
from minka.directory.models import ConsentPurpose, Organization
from minka.meetings.minutes.content import Intervention, MinutesContent
from minka.meetings.minutes.tests.factories import minutes_in
from minka.meetings.services import meetings as services

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.core.tests.base import RoleTestCase
    from minka.directory.models import Person
    from minka.meetings.models import Meeting

_TAG = uuid.uuid4().hex[:10]
WORD = "quenual"  # in every planted text: searching it reaches them all
COORD_AGENDA = f"agendacanaria{_TAG}"
DRAFT_TEXT = f"borradorbuscable{_TAG}"
HIDDEN_MINUTES = f"actareservada{_TAG}"
PUBLIC_EMAIL = f"correo-canario-{_TAG}@example.org"
UNLISTED_NAME = f"Nolistada Canaria {_TAG}"
PENDING_NAME = f"Pendiente Buscable {_TAG}"
CANARIES = [COORD_AGENDA, DRAFT_TEXT, HIDDEN_MINUTES, PUBLIC_EMAIL, UNLISTED_NAME, PENDING_NAME]

MEMBERS_AGENDA = f"agendamiembros{_TAG}"
REVIEW_TEXT = f"revisioncanaria{_TAG}"
MEMBERS_NAME = f"Socia Canaria {_TAG}"
APPLICANT_TEXT = f"postulantecanaria{_TAG}"
PUBLIC_BIO = f"biocanaria{_TAG}"
MEMBERS_CANARIES = [MEMBERS_AGENDA, REVIEW_TEXT, MEMBERS_NAME, APPLICANT_TEXT, PUBLIC_BIO]

ROLE = f"Guardiana del {WORD}"


def _meeting(coord: User, visibility: str, agenda: str) -> Meeting:
    start = timezone.now() + timedelta(days=30)
    meeting = services.meeting_create(
        actor=coord,
        data={
            "title": f"Reunión {visibility}",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "visibility": visibility,
        },
    )
    services.agenda_item_create(
        actor=coord, meeting=meeting, data={"title": "Punto", "description": f"{WORD} {agenda}"}
    )
    return meeting


def _minutes(coord: User, state: str, text: str, **meeting: Any) -> Any:
    content = MinutesContent(interventions=[Intervention(topic="Bosque", text=f"{WORD} {text}")])
    return minutes_in(state, actor=coord, content=content, **meeting)


def _person(
    coord: User, organization: Organization, name: str, *consents: str, **data: str
) -> Person:
    person = directory_services.person_create(
        actor=coord,
        data={"full_name": name, **data},  # type: ignore[typeddict-item]
        organization=organization,
        title=ROLE,
    )
    for purpose in consents:
        directory_services.consent_record_in_person(actor=coord, person=person, purpose=purpose)
    person.refresh_from_db()
    return person


def plant(case: Any) -> None:
    coord = case.coord
    case.search_coord_meeting = _meeting(coord, Visibility.COORDINATORS, COORD_AGENDA)
    case.search_draft = _minutes(coord, "draft", DRAFT_TEXT)
    case.search_hidden_minutes = _minutes(
        coord, "published", HIDDEN_MINUTES, visibility=Visibility.COORDINATORS
    )
    # A current member: everyone may see it, and the people's roles in it.
    network = directory_services.organization_create(
        actor=coord, data={"name": f"Red de bosques {_TAG[:4]}"}
    )
    case.search_public_person = _person(
        coord,
        network,
        f"Listada Publica {_TAG[:4]}",
        ConsentPurpose.PUBLIC_LISTING,
        email=PUBLIC_EMAIL,
        bio=f"{WORD} {PUBLIC_BIO}",
    )
    case.search_unlisted = _person(coord, network, UNLISTED_NAME, ConsentPurpose.EMAIL)
    case.search_pending = _person(coord, network, PENDING_NAME)
    # Members may see these.
    case.search_members_meeting = _meeting(coord, Visibility.MEMBERS, MEMBERS_AGENDA)
    case.search_review = _minutes(coord, "review", REVIEW_TEXT)
    case.search_members_person = _person(
        coord, network, MEMBERS_NAME, ConsentPurpose.MEMBERS_LISTING
    )
    case.search_applicant = directory_services.organization_create(
        actor=coord,
        data={
            "name": f"Colectivo postulante {_TAG[:4]}",
            "description": f"{WORD} {APPLICANT_TEXT}",
            "membership_status": Organization.MembershipStatus.APPLICANT,
        },
    )


def start_urls(case: Any) -> list[str]:
    """Searches for the word beside every canary, by type and in any form. (Searching for
    a canary itself would only echo the query back.)"""
    base = reverse("search:search")
    queries: list[dict[str, str]] = [{"q": WORD}, {"q": "quenuales"}, {"q": f'"{ROLE}"'}]
    types = ["meetings.meeting", "meetings.minutes", "directory.person", "directory.organization"]
    queries += [{"q": WORD, "type": content_type} for content_type in types]
    queries += [{"q": "example org"}, {"q": "correo canario"}, {"q": "Nolistada"}]
    queries += [{"q": "Pendiente Buscable"}, {"q": "Socia"}, {"q": "bosque"}]
    return [f"{base}?{urlencode(query)}" for query in queries]


def check_shown(test: RoleTestCase) -> None:
    """Coordinators find the meeting's agenda and both minutes through search, and see the
    email, the unlisted and the pending person on their pages (search does not list them)."""
    coord = test.as_("coord")
    found = coord.get(reverse("search:search"), {"q": WORD})
    for canary in (COORD_AGENDA, DRAFT_TEXT, HIDDEN_MINUTES):
        test.assertContains(found, canary)
    cases: Any = test
    for person, canary in (
        (cases.search_public_person, PUBLIC_EMAIL),
        (cases.search_unlisted, UNLISTED_NAME),
        (cases.search_pending, PENDING_NAME),
    ):
        test.assertContains(coord.get(person.get_absolute_url()), canary)
