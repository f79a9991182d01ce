"""Reads for the accounts app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.accounts.models import Invitation, hash_token

if TYPE_CHECKING:
    from django.db.models import QuerySet


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
