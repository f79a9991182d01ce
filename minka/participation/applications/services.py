"""Writes of membership applications: submit, verify, resend, approve, reject, erase, purge.

The workflow is one-way: unverified → submitted → approved or rejected. Each step locks the
row and checks the state it starts from, so a step cannot be skipped or taken twice
(SECURITY.md §1.9), even by simultaneous requests.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.accounts.models import User
from minka.core.emails import email_queue
from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.privacy import NOTICE_VERSION, notice_hash
from minka.core.services import audit_record
from minka.directory.models import Organization
from minka.directory.services.invitations import invitation_create
from minka.directory.services.organizations import organization_create, organization_update
from minka.notifications.services import notify
from minka.participation.applications import permissions
from minka.participation.applications.models import (
    MembershipApplication,
    application_status_token,
    hash_token,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime


Status = MembershipApplication.Status
# How long a verification link works, from when its email was made.
VERIFICATION_VALID_HOURS = 48
SUBMITTED_KIND = "participation.application_submitted"
EMAIL_VERIFY = "participation.application_verify"
EMAIL_RECEIVED = "participation.application_received"
EMAIL_APPROVED = "participation.application_approved"
EMAIL_REJECTED = "participation.application_rejected"


class ApplicationData(TypedDict, total=False):
    """What the public form produces (consent is checked by the form)."""

    organization_name: str
    acronym: str
    sector: str
    region: str
    website: str
    description: str
    representative_name: str
    representative_position: str
    email: str
    phone: str
    motivation: str


@transaction.atomic
def application_submit(*, data: ApplicationData, language: str = "") -> MembershipApplication:
    """Record an application, unverified, with the consent given against the current
    privacy notice, and email the verification link to its address.

    Nothing reaches coordinators until the address is verified. The caller (the public
    form) has checked consent, the honeypot and the rate limits.
    """
    application = MembershipApplication(
        **data,
        language=language[:10],
        consented_at=timezone.now(),
        notice_version=NOTICE_VERSION,
        notice_hash=notice_hash(),
        # Until the email is rendered, the hash of a token nobody ever sees.
        verification_hash=hash_token(secrets.token_urlsafe(32)),
    )
    application.email = application.email.strip().lower()
    application.status_hash = hash_token(application_status_token(application.public_id))
    application.full_clean()
    application.save()
    audit_record(actor=None, action=AuditEntry.Action.CREATE, target=application)
    email_queue(
        kind=EMAIL_VERIFY, language=application.language or None, application_id=application.pk
    )
    return application


@transaction.atomic
def application_verification_issue(*, application: MembershipApplication) -> str:
    """A new verification token for ``application``: its hash replaces the stored one (an
    earlier link stops working) and the 48 hours count from now. Returns the token, never
    stored. Called by the email worker as it renders the message (and by tests)."""
    token = secrets.token_urlsafe(32)
    application.verification_hash = hash_token(token)
    application.verification_sent_at = timezone.now()
    MembershipApplication.objects.filter(pk=application.pk).update(
        verification_hash=application.verification_hash,
        verification_sent_at=application.verification_sent_at,
    )
    return token


def application_resend(*, email: str) -> bool:
    """Email a new verification link for the latest unverified application of ``email``;
    return whether there was one (the caller must not tell: it would reveal who applied)."""
    application = (
        MembershipApplication.objects.filter(email__iexact=email.strip(), status=Status.UNVERIFIED)
        .order_by("-created_at", "-pk")
        .first()
    )
    if application is None:
        return False
    with transaction.atomic():
        email_queue(
            kind=EMAIL_VERIFY, language=application.language or None, application_id=application.pk
        )
    return True


def verification_expired(application: MembershipApplication, now: datetime | None = None) -> bool:
    sent = application.verification_sent_at
    limit = (now or timezone.now()) - timedelta(hours=VERIFICATION_VALID_HOURS)
    return sent is None or sent < limit


def coordinators() -> Iterable[User]:
    """The active accounts that review applications."""
    return User.objects.filter(
        role__in=[User.Role.COORDINATOR, User.Role.ADMIN], is_active=True
    ).order_by("pk")


@transaction.atomic
def application_verify(*, application: MembershipApplication) -> MembershipApplication:
    """Mark ``application`` as verified (its link was followed): it enters the
    coordinators' queue, they are told, and the applicant gets the status link.

    Refuses a link older than 48 hours and an application no longer unverified (the row is
    locked first: two clicks verify once).
    """
    application = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != Status.UNVERIFIED:
        raise ValidationError(_("This application was already confirmed."), code="used")
    if verification_expired(application):
        raise ValidationError(_("This link has expired. Ask for a new one below."), code="expired")
    application.status = Status.SUBMITTED
    application.verified_at = timezone.now()
    application.verification_hash = ""
    application.save(update_fields=["status", "verified_at", "verification_hash", "updated_at"])
    audit_record(
        actor=None,
        action=AuditEntry.Action.UPDATE,
        target=application,
        changes={"status": [Status.UNVERIFIED.value, Status.SUBMITTED.value]},
    )
    notify(
        SUBMITTED_KIND,
        key=f"application:{application.pk}:submitted",
        params={"application": application.pk},
        users=coordinators(),
    )
    email_queue(
        kind=EMAIL_RECEIVED, language=application.language or None, application_id=application.pk
    )
    return application


def _lock_for_review(application: MembershipApplication) -> MembershipApplication:
    """Lock the row and check it awaits a decision: an unverified, approved or rejected
    application cannot be decided (again)."""
    locked = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status == Status.UNVERIFIED:
        raise ValidationError(
            _("This application's email address has not been verified."), code="unverified"
        )
    if locked.status != Status.SUBMITTED:
        raise ValidationError(_("This application was already decided."), code="decided")
    return locked


def _organization_for(
    actor: User, application: MembershipApplication, existing: Organization | None
) -> Organization:
    """The new member organization, created through the directory's service, or
    ``existing`` made a member (from today) when it was not one."""
    today = timezone.localdate()
    if existing is not None:
        organization = Organization.objects.select_for_update().get(pk=existing.pk)
        if organization.membership_status != Organization.MembershipStatus.MEMBER:
            organization = organization_update(
                actor=actor,
                organization=organization,
                data={
                    "membership_status": Organization.MembershipStatus.MEMBER,
                    "member_since": organization.member_since or today,
                    "member_until": None,
                },
            )
        return organization
    if Organization.objects.filter(name__iexact=application.organization_name).exists():
        raise ValidationError(
            _(
                "An organization named “%(name)s” is already in the directory. Choose it as "
                "the existing organization to link this application to it."
            )
            % {"name": application.organization_name},
            code="exists",
        )
    try:
        return organization_create(
            actor=actor,
            data={
                "name": application.organization_name,
                "acronym": application.acronym,
                "sector": application.sector,
                "region": application.region,
                "website": application.website,
                "description": application.description,
                "membership_status": Organization.MembershipStatus.MEMBER,
                "member_since": today,
            },
        )
    except ValidationError as error:
        raise ValidationError(error.messages) from error


@transaction.atomic
def application_approve(
    *,
    actor: User,
    application: MembershipApplication,
    message: str = "",
    organization: Organization | None = None,
) -> MembershipApplication:
    """Approve a submitted application: the organization joins as a member (created, or
    ``organization`` when it is already in the directory) and the representative is
    invited to represent it (the directory's invitation, emailed by the directory); the
    applicant is told, with ``message``. One transaction: a refusal changes nothing."""
    require(permissions.can_review_applications(actor))
    application = _lock_for_review(application)
    joined = _organization_for(actor, application, organization)
    invitation = invitation_create(
        actor=actor,
        email=application.email,
        organization=joined,
        title=application.representative_position,
    )
    application.organization = joined
    application.invitation = invitation
    return _decide(application, actor=actor, status=Status.APPROVED, message=message)


def _decide(
    application: MembershipApplication, *, actor: User, status: str, message: str
) -> MembershipApplication:
    """Record the decision on a locked, submitted application, audit it and email the
    applicant (inside the caller's transaction)."""
    application.status = status
    application.reviewed_at = timezone.now()
    application.reviewed_by = actor
    application.decision_message = message
    application.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=application,
        changes={"status": [Status.SUBMITTED.value, status]},
    )
    kind = EMAIL_APPROVED if status == Status.APPROVED else EMAIL_REJECTED
    email_queue(kind=kind, language=application.language or None, application_id=application.pk)
    return application


@transaction.atomic
def application_reject(
    *, actor: User, application: MembershipApplication, message: str
) -> MembershipApplication:
    """Reject a submitted application with ``message`` (required), emailed to the applicant
    and shown on the status page until the application is deleted (retention)."""
    require(permissions.can_review_applications(actor))
    if not message.strip():
        raise ValidationError(_("Write the message to the applicant."), code="required")
    application = _lock_for_review(application)
    return _decide(application, actor=actor, status=Status.REJECTED, message=message)


def applications_erase(*, emails: Iterable[str]) -> int:
    """Delete the applications sent from any of ``emails`` (a person's erasure, Ley 29733
    cancellation); return how many. The organizations they created stay."""
    addresses = {email.strip().lower() for email in emails if email and email.strip()}
    if not addresses:
        return 0
    deleted, _by_model = MembershipApplication.objects.filter(email__in=addresses).delete()
    return deleted


def applications_purge(now: datetime) -> dict[str, int]:
    """The retention schedule (SECURITY.md R13): unverified applications go after
    ``APPLICATION_UNVERIFIED_DAYS`` (from when they were sent), rejected ones after
    ``APPLICATION_REJECTED_DAYS`` (from the decision). Approved ones stay: they record how
    a member organization joined (the person's erasure deletes them)."""
    unverified_limit = now - timedelta(days=settings.APPLICATION_UNVERIFIED_DAYS)
    rejected_limit = now - timedelta(days=settings.APPLICATION_REJECTED_DAYS)
    unverified, _u = MembershipApplication.objects.filter(
        status=Status.UNVERIFIED, created_at__lt=unverified_limit
    ).delete()
    rejected, _r = MembershipApplication.objects.filter(
        status=Status.REJECTED, reviewed_at__lt=rejected_limit
    ).delete()
    return {
        "membership applications (unverified)": unverified,
        "membership applications (rejected)": rejected,
    }
