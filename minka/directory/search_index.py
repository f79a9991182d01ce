"""What the directory feeds to the search index (``minka.search``).

- An organization: its name and acronym, description and topics. Who may find it is who
  may open its page (:func:`minka.directory.selectors.organizations_visible_to`): everyone
  for a current member or an outside body, members for an applicant or a former member.
- A person, only as their consent allows, and only their name and current roles (role and
  organization): found by everyone with the public listing, by members with the members'
  listing only, and not indexed at all otherwise; pending and anonymized people never. A
  public entry names only the organizations everyone may see. Contact fields (email, phone,
  Telegram) and the bio are never indexed: members read a bio only on the person's page,
  and visitors never (:func:`minka.directory.permissions.can_view_contact`), so no entry's
  visibility could hold it.

The directory's services keep the index in step inside their transaction, and so does the
admin (:func:`index_after_admin_change`, :func:`related_entries`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minka import search
from minka.core.visibility import Visibility
from minka.directory.models import Affiliation, Organization, Person, Topic

if TYPE_CHECKING:
    from collections.abc import Iterable


def organization_visibility(organization: Organization) -> str:
    if organization.is_public:  # a member, or an outside body such as the CODESI
        return Visibility.PUBLIC
    return Visibility.MEMBERS


def _organization_body(organization: Organization) -> str:
    topics = [topic.name for topic in organization.topics.all()]
    return "\n".join(text for text in (organization.description, ", ".join(topics)) if text)


def person_visibility(person: Person) -> str | None:
    """Who may find ``person``: their listing consent; ``None`` keeps them out."""
    if person.status != Person.Status.ACTIVE:
        return None
    if person.public_listing:
        return Visibility.PUBLIC
    if person.members_listing:
        return Visibility.MEMBERS
    return None


def _roles(person: Person) -> list[Affiliation]:
    """The person's current roles, in organizations whoever finds the entry may see."""
    today = timezone.localdate()
    roles = Affiliation.objects.filter(person=person).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    if person_visibility(person) == Visibility.PUBLIC:
        roles = roles.filter(organization__membership_status__in=Organization.PUBLIC_STATUSES)
    return list(roles.select_related("organization").order_by("organization__name", "pk"))


def _person_body(person: Person) -> str:
    lines = []
    for role in _roles(person):
        organization = str(role.organization)
        lines.append(f"{role.title}, {organization}" if role.title else organization)
    return "\n".join(lines)


def index_person(person: Person) -> None:
    """Add, update or remove ``person``'s entry (by their status and consent)."""
    search.index_object(person)


def index_organization(organization: Organization, *, with_people: bool = True) -> None:
    """Index ``organization`` and, with ``with_people``, the people with a current role in
    it (their entries name it, and only if everyone may see it when they are public)."""
    search.index_object(organization)
    if with_people:
        index_people(_people_of(organization))


def index_people(people: Iterable[Person]) -> None:
    for person in people:
        search.index_object(person)


def _people_of(organization: Organization) -> list[Person]:
    today = timezone.localdate()
    current = Affiliation.objects.filter(organization=organization).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    return list(Person.objects.filter(pk__in=current.values("person_id")).order_by("pk"))


def register() -> None:
    from minka.directory import permissions, selectors

    search.register(
        Organization,
        title=str,
        body=_organization_body,
        visibility=organization_visibility,
        facets=lambda organization: {"topic": [t.slug for t in organization.topics.all()]},
        type_name=lambda: _("Organization"),
        visible_to=selectors.organizations_visible_to,
    )
    search.register(
        Person,
        title=lambda person: person.full_name,
        body=_person_body,
        visibility=person_visibility,
        facets=lambda person: {"organization": [r.organization.slug for r in _roles(person)]},
        type_name=lambda: _("Person"),
        visible_to=permissions.people_visible_to,
    )


def related_entries(obj: object) -> list[Organization | Person]:
    """The indexed objects whose entries show ``obj``: to index again after ``obj`` changes
    or is deleted outside the services (in the admin)."""
    if isinstance(obj, Organization):
        return list(_people_of(obj))
    if isinstance(obj, Affiliation):
        return [obj.person]
    if isinstance(obj, Topic):
        return list(obj.organizations.all())
    return []


def index_after_admin_change(obj: object) -> None:
    """Index ``obj`` (an organization or a person) and the entries that show it, after a
    change in the admin."""
    if isinstance(obj, Organization | Person):
        search.index_object(obj)
    for other in related_entries(obj):
        search.index_object(other)
