"""The date polls' part of a person's data export ("Mis datos", Ley 29733 right of access):
the polls their account opened and every answer it gave."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.directory.portability import register_export_sections

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Person


@register_export_sections(
    {
        "date_polls_created": "participation.DatePoll",
        "date_poll_answers": "participation.DateAnswer",
    }
)
def datepoll_sections(person: Person, user: User | None) -> dict[str, Any]:
    from minka.participation.polls.models import DateAnswer, DatePoll

    if user is None:
        return {"date_polls_created": [], "date_poll_answers": []}
    return {
        "date_polls_created": list(
            DatePoll.objects.filter(created_by=user)
            .order_by("created_at", "pk")
            .values("public_id", "title", "status", "created_at")
        ),
        "date_poll_answers": list(
            DateAnswer.objects.filter(user=user)
            .order_by("option__poll__created_at", "option__starts_at", "pk")
            .values(
                "option__poll__public_id",
                "option__poll__title",
                "option__starts_at",
                "answer",
                "updated_at",
            )
        ),
    }
