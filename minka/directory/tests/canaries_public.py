"""Canaries of the public directory: contact data a person keeps private, pending people
and unlisted names must reach neither visitors, registered users nor other members.

They are shown only to coordinators (and, for a record with an account, to the person).
Content members may see (an applicant organization's description, the name of a person
listed to members) cannot be a canary here, since the crawl also runs as ``mem_b``; the
tests of ``test_views_public_leaks`` crawl for those as ``anon`` and ``reg``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from minka.directory.models import Person
from minka.directory.tests.factories import AffiliationFactory, PersonFactory

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]
# The email of a person listed to members who keeps their email private.
PRIVATE_EMAIL = f"canary-private-{_TAG}@example.org"
# The phone of a person still pending consent (who would show it to members).
PENDING_PHONE = f"+51 9{_TAG[:8]}"
# The name of a pending person.
PENDING_NAME = f"Pendiente Canario {_TAG}"
# The name of an active person listed in no directory.
UNLISTED_NAME = f"Sin Lista Canario {_TAG}"
# The Telegram username a publicly listed person keeps private.
PRIVATE_TELEGRAM = f"canario_{_TAG}"

CANARIES = [PRIVATE_EMAIL, PENDING_PHONE, PENDING_NAME, UNLISTED_NAME, PRIVATE_TELEGRAM]


def plant(case: Any) -> None:
    """Create the people holding the canaries, all affiliated to organization A."""
    case.public_canary_listed = PersonFactory.create(
        full_name=f"Listada Miembros {_TAG}",
        email=PRIVATE_EMAIL,
        phone="+51 911 000 111",
        phone_members=True,
        members_listing=True,
    )
    case.public_canary_pending = PersonFactory.create(
        full_name=PENDING_NAME,
        email="",
        phone=PENDING_PHONE,
        phone_members=True,
        members_listing=True,
        public_listing=True,
        status=Person.Status.PENDING,
    )
    case.public_canary_unlisted = PersonFactory.create(full_name=UNLISTED_NAME, email="")
    case.public_canary_public = PersonFactory.create(
        full_name=f"Pública Canario {_TAG}",
        email="",
        telegram=PRIVATE_TELEGRAM,
        public_listing=True,
        members_listing=True,
    )
    for person in (
        case.public_canary_listed,
        case.public_canary_pending,
        case.public_canary_unlisted,
        case.public_canary_public,
    ):
        AffiliationFactory.create(person=person, organization=case.org_a, is_focal_point=True)


def check_shown(test: RoleTestCase) -> None:
    """Coordinators see each canary on the person's page and on the organization's page."""
    coord = test.as_("coord")
    for person, canary in (
        (test.public_canary_listed, PRIVATE_EMAIL),  # type: ignore[attr-defined]
        (test.public_canary_pending, PENDING_PHONE),  # type: ignore[attr-defined]
        (test.public_canary_pending, PENDING_NAME),  # type: ignore[attr-defined]
        (test.public_canary_unlisted, UNLISTED_NAME),  # type: ignore[attr-defined]
        (test.public_canary_public, PRIVATE_TELEGRAM),  # type: ignore[attr-defined]
    ):
        test.assertContains(coord.get(person.get_absolute_url()), canary)
    page = coord.get(reverse("directory:organization-detail", args=[test.org_a.slug]))
    for canary in CANARIES:
        test.assertContains(page, canary)
