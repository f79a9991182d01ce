"""Canaries of "Mis datos" and the register of requests: what a person told the coordination
team in a data-rights request, the answer, a bio the person keeps private (not listed for
members), and the name of a consent evidence file.

The person sees all of it on "Mis datos" (the evidence file name in their download);
coordinators see the request, the answer and the bio on the request's page. Nobody else
sees any of it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from minka.directory import services
from minka.directory.models import ConsentEvent, DataRequest

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]
PERSON_NAME = f"Mis Datos Canaria {_TAG}"
REQUEST_DETAILS = f"Request details canary {_TAG}"
REQUEST_ANSWER = f"Answer canary {_TAG}"
PRIVATE_BIO = f"Private bio canary {_TAG}"
EVIDENCE_NAME = f"consent/evidence-canary-{_TAG}.pdf"

CANARIES = [PERSON_NAME, REQUEST_DETAILS, REQUEST_ANSWER, PRIVATE_BIO, EVIDENCE_NAME]


def plant(case: Any) -> None:
    """A registered user of organization B with a private record and two requests."""
    from minka.accounts.tests.factories import UserFactory

    user = UserFactory.create(email=f"canary-mydata-{_TAG}@example.org", full_name=PERSON_NAME)
    person = services.person_for_user(user=user)
    services.person_update(actor=user, person=person, data={"bio": PRIVATE_BIO})
    [event] = services.person_set_consents(
        actor=user, person=person, choices={"email_notifications": True}
    )
    # A paper form scanned under a telling name (set directly: uploads are renamed).
    ConsentEvent.objects.filter(pk=event.pk).update(evidence=EVIDENCE_NAME)
    services.data_request_create(
        actor=user, person=person, kind=DataRequest.Kind.OPPOSITION, details=REQUEST_DETAILS
    )
    closed = services.data_request_create(actor=user, person=person, kind=DataRequest.Kind.ACCESS)
    services.data_request_close(
        actor=case.coord, request=closed, status=DataRequest.Status.DONE, answer=REQUEST_ANSWER
    )
    case.mydata_canary_user = user
    case.mydata_canary_requests = list(person.data_requests.order_by("kind"))


def check_shown(test: RoleTestCase) -> None:
    """Positive control: the person and the coordinators see what is theirs to see."""
    own = test.client
    own.force_login(test.mydata_canary_user)  # type: ignore[attr-defined]
    page = own.get(reverse("directory:mydata"))
    for canary in (PERSON_NAME, REQUEST_DETAILS, REQUEST_ANSWER, PRIVATE_BIO):
        test.assertContains(page, canary)
    test.assertContains(own.get(reverse("directory:mydata-export-json")), EVIDENCE_NAME)
    coord = test.as_("coord")
    test.assertContains(coord.get(reverse("directory:datarequest-list")), PERSON_NAME)
    access, opposition = test.mydata_canary_requests  # type: ignore[attr-defined]
    for data_request, canaries in (
        (opposition, (REQUEST_DETAILS, PRIVATE_BIO, PERSON_NAME)),
        (access, (REQUEST_ANSWER,)),
    ):
        url = reverse("directory:datarequest-detail", args=[data_request.public_id])
        page = coord.get(url)
        for canary in canaries:
            test.assertContains(page, canary)
