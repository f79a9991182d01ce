"""Reads of membership applications: the coordinators' queue and pages, and the applicant's
pages reached by a link's token."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, Value, When
from django.http import Http404

from minka.core.permissions import require
from minka.participation.applications import permissions
from minka.participation.applications.models import MembershipApplication, hash_token

if TYPE_CHECKING:
    from uuid import UUID

    from django.db.models import QuerySet

    from minka.core.types import Actor

# Tokens are 43 (verification) or 64 (status) characters: anything longer is not one.
MAX_TOKEN_LENGTH = 100
Status = MembershipApplication.Status
FILTER_STATUSES = (Status.SUBMITTED, Status.APPROVED, Status.REJECTED)


def application_list(*, user: Actor, filters: dict[str, str]) -> QuerySet[MembershipApplication]:
    """The verified applications, those awaiting review first (oldest verified first, so
    none waits forever), then the decided ones (latest first). ``filters`` may hold
    ``status``, ``sector`` and ``region`` (unknown values are ignored). Coordinators only."""
    require(permissions.can_review_applications(user))
    applications = MembershipApplication.objects.verified()
    if (status := filters.get("status")) in FILTER_STATUSES:
        applications = applications.filter(status=status)
    if sector := filters.get("sector"):
        applications = applications.filter(sector=sector)
    if region := filters.get("region"):
        applications = applications.filter(region=region)
    return applications.annotate(
        waiting=Case(
            When(status=Status.SUBMITTED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("waiting", "verified_at", "pk")


def applications_awaiting_count(*, user: Actor) -> int:
    """How many verified applications await a decision (0 for anyone but coordinators):
    for a coordinator's home page or menu."""
    if not permissions.can_review_applications(user):
        return 0
    return MembershipApplication.objects.filter(status=Status.SUBMITTED).count()


def application_get(*, user: Actor, public_id: UUID) -> MembershipApplication:
    """A verified application for its coordinators' page (404 when unverified or unknown).
    Coordinators only: the caller has checked the role (a view's decorator)."""
    require(permissions.can_review_applications(user))
    found = (
        MembershipApplication.objects.verified()
        .select_related("reviewed_by", "organization", "invitation")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def application_by_status_token(token: str) -> MembershipApplication:
    """The application whose status link carries ``token`` (404 otherwise)."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise Http404
    found = MembershipApplication.objects.filter(status_hash=hash_token(token)).first()
    if found is None:
        raise Http404
    return found


def application_by_verification_token(token: str) -> MembershipApplication:
    """The unverified application whose latest verification link carries ``token`` (404
    when the link was used, replaced by a newer one, or never existed)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise Http404
    found = MembershipApplication.objects.filter(
        verification_hash=hash_token(token), status=Status.UNVERIFIED
    ).first()
    if found is None:
        raise Http404
    return found
