"""The consultations' part of a person's data export ("Mis datos", Ley 29733 right of
access): the comments their account wrote (with the moderation they received), the reports
it made, and what it did as a coordinator (consultations created, comments hidden, reports
resolved).

On erasure, :mod:`~minka.participation.consultations.erasure` deletes the person's comments
and reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.directory.portability import register_export_sections

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Person

SECTIONS = {
    "consultation_comments": "participation.ConsultationComment",
    "consultation_comments_hidden": "participation.ConsultationComment",
    "consultation_comment_reports": "participation.CommentReport",
    "consultation_comment_reports_resolved": "participation.CommentReport",
    "consultations_created": "participation.Consultation",
}


@register_export_sections(SECTIONS)
def consultation_sections(person: Person, user: User | None) -> dict[str, Any]:
    from minka.participation.consultations.models import (
        CommentReport,
        Consultation,
        ConsultationComment,
    )

    if user is None:
        return {name: [] for name in SECTIONS}
    consultation = ("consultation__public_id", "consultation__title")
    comment = ("comment__consultation__public_id", "comment__consultation__title")
    return {
        "consultation_comments": list(
            ConsultationComment.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values(
                *consultation,
                "section__number",
                "section__title",
                "body",
                "created_at",
                "hidden_at",
                "hidden_reason",
            )
        ),
        "consultation_comments_hidden": list(
            ConsultationComment.objects.filter(hidden_by=user)
            .order_by("hidden_at", "pk")
            .values(*consultation, "pk", "hidden_at", "hidden_reason")
        ),
        "consultation_comment_reports": list(
            CommentReport.objects.filter(reporter=user)
            .order_by("created_at", "pk")
            .values(*comment, "comment_id", "reason", "created_at", "resolved_at")
        ),
        "consultation_comment_reports_resolved": list(
            CommentReport.objects.filter(resolved_by=user)
            .order_by("resolved_at", "pk")
            .values(*comment, "comment_id", "resolved_at")
        ),
        "consultations_created": list(
            Consultation.objects.filter(created_by=user)
            .order_by("created_at", "pk")
            .values("public_id", "title", "visibility", "opens_at", "closes_at", "created_at")
        ),
    }
