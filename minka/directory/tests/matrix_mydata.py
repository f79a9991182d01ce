"""Access-matrix entries of "Mis datos" and of the coordinators' register of requests.

"Mis datos" is for every signed-in user (their own record: nobody else's is reachable, as no
route takes a person's id); visitors are sent to sign in. An empty POST names no form, or
no kind of request: refused (400). The register is for coordinators and admins: the other
roles get 403; an empty POST to a request is refused input, and so is closing a request
already closed; an unknown request answers 404 to coordinators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.accounts.tests.factories import UserFactory
from minka.core.tests.access_matrix import Access, form_view, row, signed_in
from minka.directory import services
from minka.directory.models import DataRequest

if TYPE_CHECKING:
    from collections.abc import Callable

COORDINATORS = row(302, 403, 403, 403, 200, 200)
REFUSED_INPUT = row(302, 403, 403, 403, 400, 400)
NOT_FOUND = row(302, 403, 403, 403, 404, 404)

MATRIX: dict[str, Access] = {
    "directory:mydata": Access(form_view(signed_in(302, 200), signed_in(302, 400))),
    "directory:mydata-export-json": Access({"GET": signed_in(302, 200)}),
    "directory:mydata-export-csv": Access({"GET": signed_in(302, 200)}),
    "directory:mydata-request": Access({"POST": signed_in(302, 400)}),
    "directory:datarequest-list": Access({"GET": COORDINATORS}),
    "directory:datarequest-detail": Access(
        form_view(COORDINATORS, REFUSED_INPUT), kwargs="mydata_open_request"
    ),
    "directory:datarequest-detail[closed]": Access(
        form_view(COORDINATORS, REFUSED_INPUT),
        kwargs="mydata_closed_request",
        data={"status": "done", "answer": "Again."},
    ),
    "directory:datarequest-detail[unknown]": Access(
        form_view(NOT_FOUND, NOT_FOUND), kwargs="mydata_unknown_request"
    ),
}

KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "mydata_open_request": lambda o: {"public_id": o.mydata_open_request.public_id},
    "mydata_closed_request": lambda o: {"public_id": o.mydata_closed_request.public_id},
    "mydata_unknown_request": lambda o: {"public_id": "00000000-0000-4000-8000-0000000000d5"},
}


def setup_objects(case: Any, objects: Any) -> None:
    """An open cancellation request and a closed access request of someone with an account."""
    owner = UserFactory.create(email="matriz-misdatos@example.org", full_name="Matriz Mis Datos")
    person = services.person_for_user(user=owner)
    objects.mydata_open_request = services.data_request_create(
        actor=owner, person=person, kind=DataRequest.Kind.CANCELLATION
    )
    closed = services.data_request_create(actor=owner, person=person, kind=DataRequest.Kind.ACCESS)
    objects.mydata_closed_request = services.data_request_close(
        actor=case.coord, request=closed, status=DataRequest.Status.DONE, answer="Sent."
    )
