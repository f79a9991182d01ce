"""The applications' part of a person's data export ("Mis datos", Ley 29733 right of
access): the applications sent from their addresses, and those their account decided."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.directory.portability import register_export_sections
from minka.participation.applications.models import MembershipApplication

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Person

SENT_FIELDS = (
    "public_id",
    "status",
    "organization_name",
    "acronym",
    "sector",
    "region",
    "website",
    "description",
    "representative_name",
    "representative_position",
    "email",
    "phone",
    "motivation",
    "consented_at",
    "notice_version",
    "notice_hash",
    "created_at",
    "verified_at",
    "reviewed_at",
    "decision_message",
)


@register_export_sections(
    {
        "membership_applications": "participation.MembershipApplication",
        "membership_applications_reviewed": "participation.MembershipApplication",
    }
)
def application_sections(person: Person, user: User | None) -> dict[str, Any]:
    # Stored in lower case by the form's service.
    addresses = {a.strip().lower() for a in (person.email, user.email if user else "") if a}
    sent = (
        list(
            MembershipApplication.objects.filter(email__in=addresses)
            .order_by("created_at", "pk")
            .values(*SENT_FIELDS)
        )
        if addresses
        else []
    )
    reviewed = (
        list(
            MembershipApplication.objects.filter(reviewed_by=user)
            .order_by("reviewed_at", "pk")
            .values("public_id", "organization_name", "status", "reviewed_at", "decision_message")
        )
        if user is not None
        else []
    )
    return {"membership_applications": sent, "membership_applications_reviewed": reviewed}
