"""Access matrix entries of the public directory pages and the members' exports.

Objects: a member organization (A), an applicant organization, and people in each state a
viewer must tell apart: listed publicly, listed to members only, and pending consent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.core.tests.access_matrix import Access, everyone, row
from minka.directory.models import Organization, Person
from minka.directory.tests.factories import AffiliationFactory, OrganizationFactory, PersonFactory

if TYPE_CHECKING:
    from collections.abc import Callable

MEMBERS_AND_UP = row(404, 404, 200, 200, 200, 200)
COORDINATORS_ONLY_404 = row(404, 404, 404, 404, 200, 200)
EXPORT = row(302, 403, 200, 200, 200, 200)

MATRIX: dict[str, Access] = {
    "directory:organization-list": Access({"GET": everyone(200)}),
    "directory:organization-detail": Access({"GET": everyone(200)}, kwargs="public_member_org"),
    # Applicants and former members are shown to members of the network only.
    "directory:organization-detail[applicant]": Access(
        {"GET": MEMBERS_AND_UP}, kwargs="public_applicant_org"
    ),
    "directory:organization-detail[unknown]": Access(
        {"GET": everyone(404)}, kwargs="public_unknown_org"
    ),
    "directory:person-list": Access({"GET": everyone(200)}),
    "directory:person-detail": Access({"GET": everyone(200)}, kwargs="public_listed_person"),
    # A form's people search. The matrix sends no query string, which signed-in users are
    # told is bad input; test_person_choices checks whom each role finds.
    "directory:person-choices": Access({"GET": row(302, 400, 400, 400, 400, 400)}),
    "directory:person-detail[members]": Access(
        {"GET": MEMBERS_AND_UP}, kwargs="public_members_person"
    ),
    "directory:person-detail[pending]": Access(
        {"GET": COORDINATORS_ONLY_404}, kwargs="public_pending_person"
    ),
    "directory:person-detail[unlisted]": Access(
        {"GET": COORDINATORS_ONLY_404}, kwargs="public_unlisted_person"
    ),
    "directory:person-detail[unknown]": Access(
        {"GET": everyone(404)}, kwargs="public_unknown_person"
    ),
    "directory:export-csv": Access({"GET": EXPORT}),
    "directory:export-vcard": Access({"GET": EXPORT}),
}

KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "public_member_org": lambda o: {"slug": o.public_member_org.slug},
    "public_applicant_org": lambda o: {"slug": o.public_applicant_org.slug},
    "public_unknown_org": lambda o: {"slug": "no-existe"},
    "public_listed_person": lambda o: {"public_id": o.public_listed_person.public_id},
    "public_members_person": lambda o: {"public_id": o.public_members_person.public_id},
    "public_pending_person": lambda o: {"public_id": o.public_pending_person.public_id},
    "public_unlisted_person": lambda o: {"public_id": o.public_unlisted_person.public_id},
    "public_unknown_person": lambda o: {"public_id": "00000000-0000-4000-8000-000000000000"},
}


def setup_objects(case: Any, objects: Any) -> None:
    """Create the organizations and people the entries above visit."""
    objects.public_member_org = case.org_a
    objects.public_applicant_org = OrganizationFactory.create(
        name="Matriz Postulante",
        slug="matriz-postulante",
        membership_status=Organization.MembershipStatus.APPLICANT,
    )
    objects.public_listed_person = PersonFactory.create(
        full_name="Matriz Pública", public_listing=True, members_listing=True
    )
    objects.public_members_person = PersonFactory.create(
        full_name="Matriz Miembros", members_listing=True
    )
    objects.public_pending_person = PersonFactory.create(
        full_name="Matriz Pendiente", status=Person.Status.PENDING
    )
    objects.public_unlisted_person = PersonFactory.create(full_name="Matriz Sin Lista")
    for person in (
        objects.public_listed_person,
        objects.public_members_person,
        objects.public_pending_person,
        objects.public_unlisted_person,
    ):
        AffiliationFactory.create(person=person, organization=case.org_a)
