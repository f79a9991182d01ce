"""What the agreements app feeds to the search index (``minka.search``).

- A commitment: what was agreed, its description, its owners (organizations' names and
  acronyms, and the "Responsable" as the minutes wrote it); facets: its topics, its
  responsible organizations, the year of its deadline (or of its creation).
- A progress update: its text, under its commitment's title; found as the commitment is
  (its visibility), so an update never reveals a commitment its reader may not see.
- A goal: title, description, indicator and unit; facets: its responsible organizations
  and the year of its deadline.

The services keep the index in step inside their transaction (``services.index_later``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from minka import search
from minka.agreements.models import Commitment, CommitmentUpdate, Goal
from minka.core.visibility import Visibility

if TYPE_CHECKING:
    from minka.core.types import Actor
    from minka.search._registry import FacetValues


def _lines(*texts: str) -> str:
    return "\n".join(text for text in texts if text and text.strip())


def _commitment_body(commitment: Commitment) -> str:
    """Its text and owners' names; a public commitment names only the owners anyone may see
    in the directory (members and outside bodies), never an applicant."""
    owners = [
        _lines(organization.name, organization.acronym)
        for organization in commitment.responsible_organizations.all()
        if organization.is_public or commitment.visibility != Visibility.PUBLIC
    ]
    return _lines(commitment.description, commitment.responsible_text, *owners)


def _year(day: object, fallback: object) -> list[str]:
    moment = day or fallback
    year = getattr(moment, "year", None)
    return [str(year)] if year else []


def _owner_slugs(owner: Commitment | Goal) -> list[str]:
    """The facet values of ``owner``'s organizations: a public commitment or goal names only
    the owners anyone may see in the directory (an applicant's name stays with members)."""
    return [
        o.slug
        for o in owner.responsible_organizations.all()
        if o.is_public or owner.visibility != Visibility.PUBLIC
    ]


def _commitment_facets(commitment: Commitment) -> FacetValues:
    return {
        "topic": [topic.slug for topic in commitment.topics.all()],
        "organization": _owner_slugs(commitment),
        "year": _year(commitment.due_date, timezone.localtime(commitment.created_at)),
    }


def _goal_facets(goal: Goal) -> FacetValues:
    return {
        "organization": _owner_slugs(goal),
        "year": _year(goal.deadline, timezone.localtime(goal.created_at)),
    }


def _updates_visible_to(user: Actor) -> object:
    return CommitmentUpdate.objects.filter(
        commitment__in=Commitment.objects.visible_to(user)
    ).select_related("commitment")


def index_commitment(commitment: Commitment) -> None:
    """Index ``commitment`` and its updates (whose visibility is the commitment's)."""
    search.index_object(commitment)
    for update in commitment.updates.all():
        update.commitment = commitment
        search.index_object(update)


def register() -> None:
    search.register(
        Commitment,
        title=lambda commitment: commitment.title,
        body=_commitment_body,
        visibility=lambda commitment: commitment.visibility,
        facets=_commitment_facets,
        type_name=lambda: _("Commitment"),
    )
    search.register(
        CommitmentUpdate,
        title=lambda update: update.commitment.title,
        body=lambda update: update.text,
        visibility=lambda update: update.commitment.visibility,
        facets=lambda update: {
            "year": [str(timezone.localtime(update.created_at).year)],
            "organization": _owner_slugs(update.commitment),
        },
        type_name=lambda: _("Progress update"),
        visible_to=_updates_visible_to,  # type: ignore[arg-type]
    )
    search.register(
        Goal,
        title=lambda goal: goal.title,
        body=lambda goal: _lines(goal.description, goal.indicator, goal.unit),
        visibility=lambda goal: goal.visibility,
        facets=_goal_facets,
        type_name=lambda: _("Goal"),
    )
