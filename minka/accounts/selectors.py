"""Reads for the accounts app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef

from minka.accounts.models import User

if TYPE_CHECKING:
    from django.db.models import QuerySet


def access_review_list() -> QuerySet[User]:
    """Everyone above registered, with who granted the role, when, and the last sign-in.

    The Ley 29733 security document asks for this report and its periodic review.
    """
    return (
        User.objects.exclude(role=User.Role.REGISTERED)
        .select_related("role_granted_by")
        .annotate(
            has_totp=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            )
        )
        .order_by("email")
    )
