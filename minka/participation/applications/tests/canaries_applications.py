"""Canaries of membership applications: what an applicant wrote is for coordinators only.

``CANARIES`` (crawled as anon, reg and mem_b by the shared crawl): the representative's
name, email, phone and motivation of a submitted application, and the organization's name
and motivation of an unverified one (which even coordinators do not see).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse

from minka.participation.applications.tests.factories import (
    MembershipApplicationFactory,
    verified,
)

_TAG = uuid.uuid4().hex[:10]
REPRESENTATIVE = f"representantepostulante{_TAG}"
EMAIL = f"postulante{_TAG}@example.org"
PHONE = f"+51 9{int(_TAG, 16) % 10**8:08d}"
MOTIVATION = f"motivacionpostulante{_TAG}"
UNVERIFIED_NAME = f"organizacionsinverificar{_TAG}"
UNVERIFIED_MOTIVATION = f"motivacionsinverificar{_TAG}"
CANARIES = [REPRESENTATIVE, EMAIL, PHONE, MOTIVATION, UNVERIFIED_NAME, UNVERIFIED_MOTIVATION]


def plant(case: Any) -> None:
    case.apc_submitted = verified(
        representative_name=REPRESENTATIVE, email=EMAIL, phone=PHONE, motivation=MOTIVATION
    )
    case.apc_unverified = MembershipApplicationFactory.create(
        organization_name=UNVERIFIED_NAME, motivation=UNVERIFIED_MOTIVATION
    )


def start_urls(case: Any) -> list[str]:
    """The public form and pages, the queue and both applications' pages (403 or a sign-in
    redirect for the crawled personas)."""
    return [
        reverse("participation:application-create"),
        reverse("participation:application-sent"),
        reverse("participation:application-resend"),
        reverse("participation:application-list"),
        reverse("participation:application-list") + "?status=submitted",
        case.apc_submitted.get_absolute_url(),
        case.apc_unverified.get_absolute_url(),
        reverse("participation:index"),
    ]


def check_shown(test: Any) -> None:
    """Coordinators see the submitted application's data, never the unverified one."""
    coord = test.as_("coord")
    page = coord.get(test.apc_submitted.get_absolute_url())
    for canary in (REPRESENTATIVE, EMAIL, PHONE, MOTIVATION):
        test.assertContains(page, canary)
    test.assertContains(
        coord.get(reverse("participation:application-list")), test.apc_submitted.organization_name
    )
    queue = coord.get(reverse("participation:application-list"))
    test.assertNotContains(queue, UNVERIFIED_NAME)
    test.assertEqual(coord.get(test.apc_unverified.get_absolute_url()).status_code, 404)
