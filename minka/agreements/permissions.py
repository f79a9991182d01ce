"""Who may see and do what with commitments and goals.

Everyone sees public commitments and goals; members also see members-only ones;
coordinators see everything and manage them. Progress updates are posted by coordinators and
by the members who represent one of the commitment's responsible organizations (or who are
one of its responsible people); coordinators validate or question an update.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.core.roles import Role, role_of
from minka.core.visibility import can_see

if TYPE_CHECKING:
    from minka.agreements.models import Commitment, CommitmentUpdate, Goal
    from minka.core.types import Actor


def can_manage_commitments(user: Actor) -> bool:
    """Create, edit and convert commitments; record the follow-up of a meeting."""
    return role_of(user) >= Role.COORDINATOR


def can_manage_goals(user: Actor) -> bool:
    return role_of(user) >= Role.COORDINATOR


def can_export_commitments(user: Actor) -> bool:
    """Anyone may download the commitments they may see (CSV, XLSX)."""
    return True


def can_see_authors(user: Actor) -> bool:
    """Who posted an update is shown to members of the network and above."""
    return role_of(user) >= Role.MEMBER


def can_view_commitment(user: Actor, commitment: Commitment) -> bool:
    return can_see(user, commitment.visibility)


def can_view_goal(user: Actor, goal: Goal) -> bool:
    return can_see(user, goal.visibility)


def is_responsible(user: Actor, commitment: Commitment) -> bool:
    """The user represents one of the responsible organizations (a current membership), or
    is one of the responsible people (their own directory record)."""
    if not user.is_authenticated:
        return False
    organizations = commitment.responsible_organizations.filter(user_memberships__user=user)
    people = commitment.responsible_people.filter(user=user)
    return organizations.exists() or people.exists()


def can_post_update(user: Actor, commitment: Commitment) -> bool:
    """Coordinators, and members responsible for it (a member of another organization is
    refused), while they may see it and it is not cancelled."""
    if not can_view_commitment(user, commitment):
        return False
    if role_of(user) >= Role.COORDINATOR:
        return True
    return role_of(user) >= Role.MEMBER and is_responsible(user, commitment)


def can_review_update(user: Actor, update: CommitmentUpdate) -> bool:
    return role_of(user) >= Role.COORDINATOR and can_view_commitment(user, update.commitment)
