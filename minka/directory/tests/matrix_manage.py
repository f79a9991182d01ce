"""Access-matrix entries of the coordinators' management pages, and the objects the admin
matrix needs for the directory's models.

Every page is for coordinators and admins: visitors are sent to sign in (302), the other
roles get 403. An empty POST is refused input (400). A person who does not exist, or was
anonymized, answers 404 to coordinators (403 to the others, who may not ask at all).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.accounts.tests.factories import UserFactory
from minka.core.tests.access_matrix import Access, form_view, row
from minka.directory import services
from minka.directory.models import DataRequest, Topic

if TYPE_CHECKING:
    from collections.abc import Callable

COORDINATORS = row(302, 403, 403, 403, 200, 200)
REFUSED_INPUT = row(302, 403, 403, 403, 400, 400)
NOT_FOUND = row(302, 403, 403, 403, 404, 404)

MATRIX: dict[str, Access] = {
    "directory:organization-create": Access(form_view(COORDINATORS, REFUSED_INPUT)),
    "directory:organization-edit": Access(
        form_view(COORDINATORS, REFUSED_INPUT), kwargs="manage_org"
    ),
    "directory:organization-edit[unknown]": Access(
        form_view(NOT_FOUND, NOT_FOUND), kwargs="manage_unknown_org"
    ),
    "directory:organization-merge": Access(form_view(COORDINATORS, REFUSED_INPUT)),
    "directory:person-create": Access(form_view(COORDINATORS, REFUSED_INPUT)),
    # An empty POST names no action: refused.
    "directory:person-edit": Access(form_view(COORDINATORS, REFUSED_INPUT), kwargs="manage_person"),
    "directory:person-edit[anonymized]": Access(
        form_view(NOT_FOUND, NOT_FOUND), kwargs="manage_anonymized_person"
    ),
    "directory:person-edit[unknown]": Access(
        form_view(NOT_FOUND, NOT_FOUND), kwargs="manage_unknown_person"
    ),
    # An empty POST lacks the signed form's scan: refused.
    "directory:person-paper-consent": Access(
        form_view(COORDINATORS, REFUSED_INPUT), kwargs="manage_person"
    ),
    "directory:person-paper-consent[anonymized]": Access(
        form_view(NOT_FOUND, NOT_FOUND), kwargs="manage_anonymized_person"
    ),
}

KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "manage_org": lambda o: {"slug": o.manage_org.slug},
    "manage_unknown_org": lambda o: {"slug": "no-such-organization"},
    "manage_person": lambda o: {"public_id": o.manage_person.public_id},
    "manage_anonymized_person": lambda o: {"public_id": o.manage_anonymized_person.public_id},
    "manage_unknown_person": lambda o: {"public_id": "00000000-0000-4000-8000-00000000abcd"},
}


def setup_objects(case: Any, objects: Any) -> None:
    """A pending person with a role in A, an anonymized one, a topic, a consent event and
    an open data-rights request (the admin matrix visits one object of each model)."""
    objects.manage_org = case.org_a
    objects.manage_topic = Topic.objects.create(name="Matriz tema", slug="matriz-tema")
    objects.manage_person = services.person_create(
        actor=case.coord,
        data={"full_name": "Matriz Gestión", "email": "matriz-gestion@example.org"},
        source="attendance",
        source_detail="Matrix attendance list",
        organization=case.org_a,
        title="Asistente",
    )
    objects.manage_affiliation = objects.manage_person.affiliations.get()
    objects.manage_anonymized_person = services.person_anonymize(
        actor=case.coord,
        person=services.person_create(actor=case.coord, data={"full_name": "Matriz Anónima"}),
    )
    owner = UserFactory.create(email="matriz-consent@example.org", full_name="Matriz Consent")
    own = services.person_for_user(user=owner)
    objects.manage_consent_event = services.person_set_consents(
        actor=owner, person=own, choices={"members_listing": True}
    )[0]
    objects.manage_data_request = services.data_request_create(
        actor=case.coord, person=objects.manage_person, kind=DataRequest.Kind.ACCESS
    )
