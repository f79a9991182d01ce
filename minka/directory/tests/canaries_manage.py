"""Canaries of the coordinators' pages: a person added from an attendance list (pending,
invited to claim the record), and where their data came from.

Coordinators see all of it on the person's management page; nobody else sees any of it,
nor the first-contact email sent to the person.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from minka.directory import services

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]
PENDING_NAME = f"Gestión Canaria {_TAG}"
PENDING_EMAIL = f"canary-manage-{_TAG}@example.org"
PENDING_TELEGRAM = f"gestion_{_TAG}"
SOURCE_DETAIL = f"Attendance sheet canary {_TAG}"
AFFILIATION_TITLE = f"Cargo canario {_TAG}"

CANARIES = [PENDING_NAME, PENDING_EMAIL, PENDING_TELEGRAM, SOURCE_DETAIL, AFFILIATION_TITLE]


def plant(case: Any) -> None:
    """A pending person in organization A, added by a coordinator and invited by email."""

    case.manage_canary_person = services.person_create(
        actor=case.coord,
        data={"full_name": PENDING_NAME, "email": PENDING_EMAIL, "telegram": PENDING_TELEGRAM},
        source="attendance",
        source_detail=SOURCE_DETAIL,
        organization=case.org_a,
        title=AFFILIATION_TITLE,
    )
    services.invitation_create(
        actor=case.coord,
        email=PENDING_EMAIL,
        organization=case.org_a,
        person=case.manage_canary_person,
    )


def check_shown(test: RoleTestCase) -> None:
    """Positive control: the coordinators' page of the person shows every canary."""
    person = test.manage_canary_person  # type: ignore[attr-defined]
    page = test.as_("coord").get(reverse("directory:person-edit", args=[person.public_id]))
    for canary in CANARIES:
        test.assertContains(page, canary)
