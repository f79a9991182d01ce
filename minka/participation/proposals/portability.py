"""The proposals' part of a person's data export: the proposals they made, their supports,
their comments (with the moderation they received), and the decisions and moderation they
took as coordinators. Erasing an account keeps its row, anonymized, so a comment keeps its
text and loses its author's name, as the project does for other authored content."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.directory.portability import register_export_sections

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Person

SECTIONS = {
    "proposals_made": "participation.Proposal",
    "proposals_decided": "participation.Proposal",
    "proposal_supports": "participation.Support",
    "proposal_comments": "participation.ProposalComment",
    "proposal_comments_hidden": "participation.ProposalComment",
}


def proposal_sections(person: Person, user: User | None) -> dict[str, Any]:
    """Three queries: proposals (made or decided), supports, comments (written or hidden)."""
    from django.db.models import Q

    from minka.participation.proposals.models import Proposal, ProposalComment, Support

    if user is None:
        return {name: [] for name in SECTIONS}
    proposal = ("proposal__public_id", "proposal__title")
    made = ("public_id", "title", "description", "visibility", "status", "created_at")
    decided = ("public_id", "title", "status", "decision_reason", "decided_at")
    written = (*proposal, "body", "parent_id", "hidden_at", "hidden_reason", "created_at")
    hidden = (*proposal, "pk", "hidden_reason", "hidden_at")
    proposals = list(
        Proposal.objects.filter(Q(proposer=user) | Q(decided_by=user))
        .order_by("created_at", "pk")
        .values(*dict.fromkeys((*made, *decided, "proposer_id", "decided_by_id")))
    )
    comments = list(
        ProposalComment.objects.filter(Q(author=user) | Q(hidden_by=user))
        .order_by("created_at", "pk")
        .values(*dict.fromkeys((*written, *hidden, "author_id", "hidden_by_id")))
    )
    return {
        "proposals_made": [
            {k: row[k] for k in made} for row in proposals if row["proposer_id"] == user.pk
        ],
        "proposals_decided": [
            {k: row[k] for k in decided} for row in proposals if row["decided_by_id"] == user.pk
        ],
        "proposal_supports": list(
            Support.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values(*proposal, "created_at")
        ),
        "proposal_comments": [
            {k: row[k] for k in written} for row in comments if row["author_id"] == user.pk
        ],
        "proposal_comments_hidden": [
            {k: row[k] for k in hidden} for row in comments if row["hidden_by_id"] == user.pk
        ],
    }


def register() -> None:
    register_export_sections(SECTIONS)(proposal_sections)
