"""The agreements' part of a person's data export ("Mis datos", Ley 29733 right of access):
the commitments the person is responsible for, and what their account posted or reviewed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.directory.portability import register_export_sections

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Person


@register_export_sections(
    {
        "commitments_responsible": "agreements.Commitment",
        "commitment_updates_posted": "agreements.CommitmentUpdate",
        "commitment_updates_reviewed": "agreements.CommitmentUpdate",
    }
)
def agreement_sections(person: Person, user: User | None) -> dict[str, Any]:
    from minka.agreements.models import Commitment, CommitmentUpdate

    commitment = ("commitment__public_id", "commitment__title")
    sections: dict[str, Any] = {
        "commitments_responsible": list(
            Commitment.objects.filter(responsible_people=person)
            .order_by("created_at", "pk")
            .values("public_id", "title", "due_date", "status", "progress", "created_at")
        ),
    }
    if user is None:
        return sections | {"commitment_updates_posted": [], "commitment_updates_reviewed": []}
    return sections | {
        "commitment_updates_posted": list(
            CommitmentUpdate.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values(*commitment, "text", "status", "progress", "links", "created_at")
        ),
        "commitment_updates_reviewed": list(
            CommitmentUpdate.objects.filter(reviewed_by=user)
            .order_by("reviewed_at", "pk")
            .values(*commitment, "review", "review_reason", "reviewed_at")
        ),
    }
