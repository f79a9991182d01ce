"""Who may see and do what with agenda proposals.

An internal proposal (members) is seen, supported and commented on by members and above; an
external one (public) is seen by everyone, and supported and commented on by any signed-in
account. Members (and above) propose; the proposer edits an open proposal while nobody
supports it, and may withdraw it while it is open. Coordinators decide (accept into a
meeting's agenda, or decline) and moderate comments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.core.roles import Role, role_of
from minka.core.visibility import can_see

if TYPE_CHECKING:
    from minka.core.types import Actor
    from minka.participation.proposals.models import Proposal, ProposalComment


def can_view_proposal(user: Actor, proposal: Proposal) -> bool:
    return can_see(user, proposal.visibility)


def can_create_proposal(user: Actor) -> bool:
    return role_of(user) >= Role.MEMBER


def can_take_part(user: Actor, proposal: Proposal) -> bool:
    """Support and comment: any signed-in account that may see the proposal (so members for
    an internal one). Whether it is still open, and not one's own, the services check."""
    return role_of(user) >= Role.REGISTERED and can_view_proposal(user, proposal)


def is_proposer(user: Actor, proposal: Proposal) -> bool:
    return bool(user.is_authenticated and proposal.proposer_id == user.pk)


def can_edit_proposal(user: Actor, proposal: Proposal) -> bool:
    """The proposer (still a member), while it is open and nobody supports it."""
    return (
        role_of(user) >= Role.MEMBER
        and is_proposer(user, proposal)
        and proposal.is_open
        and proposal.support_count == 0
    )


def can_withdraw_proposal(user: Actor, proposal: Proposal) -> bool:
    return role_of(user) >= Role.REGISTERED and is_proposer(user, proposal) and proposal.is_open


def can_decide_proposals(user: Actor) -> bool:
    """Accept a proposal into a meeting's agenda, or decline it."""
    return role_of(user) >= Role.COORDINATOR


def can_moderate_comments(user: Actor) -> bool:
    return role_of(user) >= Role.COORDINATOR


def can_read_hidden_comment(user: Actor, comment: ProposalComment) -> bool:
    """A hidden comment's text and reason: its author and the coordination."""
    if can_moderate_comments(user):
        return True
    return bool(user.is_authenticated and comment.author_id == user.pk)


def can_see_names(user: Actor) -> bool:
    """Who proposed or commented is shown to the network's members and above (and each
    person sees their own)."""
    return role_of(user) >= Role.MEMBER
