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
    from minka.participation.proposals.models import Proposal, ProposalComment, Support

    if user is None:
        return {name: [] for name in SECTIONS}
    proposal = ("proposal__public_id", "proposal__title")
    return {
        "proposals_made": list(
            Proposal.objects.filter(proposer=user)
            .order_by("created_at", "pk")
            .values("public_id", "title", "description", "visibility", "status", "created_at")
        ),
        "proposals_decided": list(
            Proposal.objects.filter(decided_by=user)
            .order_by("decided_at", "pk")
            .values("public_id", "title", "status", "decision_reason", "decided_at")
        ),
        "proposal_supports": list(
            Support.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values(*proposal, "created_at")
        ),
        "proposal_comments": list(
            ProposalComment.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values(*proposal, "body", "parent_id", "hidden_at", "hidden_reason", "created_at")
        ),
        "proposal_comments_hidden": list(
            ProposalComment.objects.filter(hidden_by=user)
            .order_by("hidden_at", "pk")
            .values(*proposal, "pk", "hidden_reason", "hidden_at")
        ),
    }


def register() -> None:
    register_export_sections(SECTIONS)(proposal_sections)
