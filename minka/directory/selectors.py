"""Reads of the directory: what each page and export needs, in a fixed number of queries.

Every selector takes the viewer and applies :mod:`minka.directory.permissions`, so a page
cannot list a person or an organization its viewer may not see. Lists return querysets
(paginated by the caller); the rows a template shows come from :func:`person_rows`, which
adds what the viewer may see of each person's contact data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from minka.core.roles import Role, role_of
from minka.core.text import fold
from minka.directory.models import Affiliation, Invitation, Organization, Person, hash_token
from minka.directory.permissions import can_view_contact, people_visible_to, visible_contact

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from uuid import UUID

    from django.db.models import QuerySet

    from minka.core.types import Actor


def organizations_visible_to(user: Actor) -> QuerySet[Organization]:
    """Current members and outside bodies for everyone; applicants and former members for
    members and above."""
    if role_of(user) >= Role.MEMBER:
        return Organization.objects.all()
    return Organization.objects.public()


def _current_affiliations(user: Actor) -> QuerySet[Affiliation]:
    """Current affiliations in organizations ``user`` may see, with their organization."""
    today = timezone.localdate()
    return (
        Affiliation.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .filter(organization__in=organizations_visible_to(user))
        .select_related("organization")
        .order_by("organization__name")
    )


def organization_list(*, filters: Mapping[str, Any]) -> QuerySet[Organization]:
    """The public list: member organizations (or, with ``filters["kind"] == "external"``,
    the outside bodies, or ``"bodies"``, the bodies with a mandate), filtered by sector,
    region, topic and name.

    ``filters`` holds cleaned values (missing or empty ones are ignored). The name search
    ignores case and accents on the name and the acronym ("peru" finds "Perú"), through the
    folded ``search_key`` column, on SQLite and PostgreSQL alike.
    """
    kind = filters.get("kind")
    if kind == "bodies":
        organizations = Organization.objects.public().bodies()
    elif kind == "external":
        organizations = Organization.objects.filter(
            membership_status=Organization.MembershipStatus.EXTERNAL
        )
    else:
        organizations = Organization.objects.members()
    if filters.get("sector"):
        organizations = organizations.filter(sector=filters["sector"])
    if filters.get("region"):
        organizations = organizations.filter(region=filters["region"])
    if filters.get("topic"):
        organizations = organizations.filter(topics=filters["topic"])
    if filters.get("q"):
        query = filters["q"]
        organizations = organizations.filter(search_key__contains=fold(query))
    return organizations.order_by("name")


def organization_get(*, user: Actor, slug: str) -> Organization:
    """The organization ``slug`` if ``user`` may see it (raises ``Http404`` otherwise)."""
    organization = (
        organizations_visible_to(user).prefetch_related("topics").filter(slug=slug).first()
    )
    if organization is None:
        raise Http404
    return organization


@dataclass
class PersonRow:
    """One person as a viewer sees them: their roles and the contact data they may see."""

    person: Person
    contact: dict[str, str]
    affiliations: list[Affiliation] = field(default_factory=list)
    title: str = ""  # the role in the organization whose page lists the person
    show_photo: bool = False

    @property
    def is_pending(self) -> bool:
        return self.person.status == Person.Status.PENDING


def _photo_visible(user: Actor, person: Person) -> bool:
    return bool(person.photo) and can_view_contact(user, person, "photo")


def person_rows(user: Actor, people: Iterable[Person]) -> list[PersonRow]:
    """Rows for ``people`` (fetched by :func:`person_list_for` or :func:`person_get_for`)."""
    return [
        PersonRow(
            person=person,
            contact=visible_contact(user, person),
            affiliations=list(getattr(person, "current_affiliations", [])),
            show_photo=_photo_visible(user, person),
        )
        for person in people
    ]


def person_list_for(user: Actor, *, filters: Mapping[str, Any] | None = None) -> QuerySet[Person]:
    """The people ``user`` may see, with their current affiliations prefetched.

    ``filters`` may hold ``organization`` (an :class:`Organization` the user may see) and
    ``q`` (part of the name, case-insensitive).
    """
    filters = filters or {}
    people: QuerySet[Person] = people_visible_to(user)
    if filters.get("organization"):
        today = timezone.localdate()
        current = Affiliation.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today),
            organization=filters["organization"],
        )
        people = people.filter(pk__in=current.values("person_id"))
    if filters.get("q"):
        people = people.filter(search_key__contains=fold(filters["q"]))
    return people.prefetch_related(
        Prefetch(
            "affiliations", queryset=_current_affiliations(user), to_attr="current_affiliations"
        )
    ).order_by("full_name", "pk")


PERSON_CHOICES_LIMIT = 20


def person_choices(user: Actor, query: str) -> list[tuple[int, str]]:
    """At most :data:`PERSON_CHOICES_LIMIT` people ``user`` may see whose name holds every
    word of ``query`` (case and accents ignored), as (id, label) for a
    :class:`~minka.core.widgets.SearchPicker`; the label adds the first current organization
    the user may see, to tell namesakes apart."""
    words = fold(query).split()
    if not words:
        return []
    people = people_visible_to(user)
    for word in words:
        people = people.filter(search_key__contains=word)
    found = people.only("pk", "full_name").prefetch_related(
        Prefetch(
            "affiliations",
            queryset=_current_affiliations(user),
            to_attr="current_affiliations",
        )
    )
    choices = []
    for person in found.order_by("full_name", "pk")[:PERSON_CHOICES_LIMIT]:
        affiliations = person.current_affiliations
        if affiliations:
            organization = affiliations[0].organization
            label = f"{person.full_name} ({organization.acronym or organization.name})"
        else:
            label = person.full_name
        choices.append((person.pk, label))
    return choices


def person_get_for(user: Actor, *, public_id: UUID) -> Person:
    """The person ``public_id`` if ``user`` may see them (raises ``Http404`` otherwise)."""
    person = person_list_for(user).filter(public_id=public_id).first()
    if person is None:
        raise Http404
    return person


def organization_people(user: Actor, organization: Organization) -> list[PersonRow]:
    """The current focal points first, then the other current affiliations of ``organization``,
    limited to the people ``user`` may see."""
    affiliations = (
        _current_affiliations(user)
        .filter(organization=organization, person__in=people_visible_to(user))
        .select_related("person")
        .order_by("-is_focal_point", "person__full_name", "pk")
    )
    rows = []
    for affiliation in affiliations:
        row = person_rows(user, [affiliation.person])[0]
        row.title = affiliation.title
        row.affiliations = [affiliation]
        rows.append(row)
    return rows


def people_for_export() -> QuerySet[Person]:
    """Everyone listed to members (or to the public), active, with current affiliations.

    The same set for every role that may export: an export is for sharing among members,
    not for administration, so coordinators get no pending or unlisted people either.
    """
    today = timezone.localdate()
    current = (
        Affiliation.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("organization")
        .order_by("organization__name")
    )
    return (
        Person.objects.filter(status=Person.Status.ACTIVE)
        .filter(Q(members_listing=True) | Q(public_listing=True))
        .prefetch_related(
            Prefetch("affiliations", queryset=current, to_attr="current_affiliations")
        )
        .order_by("full_name", "pk")
    )


def invitation_list() -> QuerySet[Invitation]:
    """All invitations, newest first, with what the list page shows."""
    return Invitation.objects.select_related("organization", "invited_by").order_by("-created_at")


def invitation_get_by_token(token: str) -> Invitation | None:
    """Return the invitation for ``token``, whatever its status, or ``None``."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organization")
        .filter(token_hash=hash_token(token))
        .first()
    )


def organization_body(user: Actor, organization: Organization) -> dict[str, Any]:
    """For a body with a mandate: its functions in order and its member organizations the
    viewer may see; for any organization, the bodies it sits on (two queries at most)."""
    visible = organizations_visible_to(user)
    context: dict[str, Any] = {
        "bodies": list(
            visible.filter(is_body=True, body_members=organization).only("name", "slug", "acronym")
        )
    }
    if organization.is_body:
        context["functions"] = list(organization.functions.order_by("position", "pk"))
        context["body_members"] = list(
            visible.filter(bodies=organization).only("name", "slug", "acronym").order_by("name")
        )
    return context
