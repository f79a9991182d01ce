"""Membership applications: an organization asks to join the network (/unete/).

An application starts *unverified*; following the link emailed to the representative makes it
*submitted* (only then do coordinators see it and hear of it); a coordinator then *approves*
it (the organization is created as a member and its representative invited) or *rejects* it
with a message. The applicant follows the status through a private link.

Tokens: only SHA-256 hashes are stored. The verification token is made by the email worker
when it renders the message (a new one replaces the last); the status token is derived from
the application's public id with the site's secret key, so every email can carry the same
link, and only its hash is kept for the lookup.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel
from minka.directory.models.invitations import hash_token
from minka.directory.models.organizations import Region, Sector

__all__ = ["MembershipApplication", "application_status_token", "hash_token"]

# A key salt (a namespace for the secret key), not a secret.
STATUS_TOKEN_SALT = "minka.participation.application.status"  # noqa: S105


def application_status_token(public_id: uuid.UUID | str) -> str:
    """The token of an application's status link (derived, never stored: see the module)."""
    return salted_hmac(STATUS_TOKEN_SALT, str(public_id), algorithm="sha256").hexdigest()


class MembershipApplicationQuerySet(models.QuerySet["MembershipApplication"]):
    def verified(self) -> MembershipApplicationQuerySet:
        """What coordinators may see: every application whose address was verified."""
        return self.exclude(status=MembershipApplication.Status.UNVERIFIED)


class MembershipApplication(TimeStampedModel):
    """An organization's request to join the network, with its representative's contact."""

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("Email not verified")
        SUBMITTED = "submitted", _("Received, awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNVERIFIED
    )
    # The organization.
    organization_name = models.CharField(_("name of the organization"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    website = models.URLField(_("website"), max_length=300, blank=True)
    description = models.TextField(_("short description"), max_length=2000)
    # Its representative (personal data: coordinators and the applicant only).
    representative_name = models.CharField(_("full name"), max_length=150)
    representative_position = models.CharField(_("position in the organization"), max_length=150)
    email = models.EmailField(_("email address"), max_length=254)
    phone = models.CharField(
        _("phone (optional)"),
        max_length=30,
        blank=True,
        validators=[RegexValidator(r"^[0-9+()\-. ]*$", _("Use digits, spaces and + ( ) - only."))],
    )
    motivation = models.TextField(_("why does the organization want to join?"), max_length=4000)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Consent under Ley 29733, with the notice it was given against (SECURITY.md R2-R3).
    consented_at = models.DateTimeField(_("consent given at"))
    notice_version = models.CharField(_("notice version"), max_length=20)
    notice_hash = models.CharField(_("notice hash"), max_length=64)
    # Email verification: hash of the latest link's token and when that link was made.
    verification_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    verification_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    status_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The review.
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_message = models.TextField(_("message to the applicant"), max_length=4000, blank=True)
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invitation = models.ForeignKey(
        "directory.Invitation",
        verbose_name=_("invitation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MembershipApplicationQuerySet.as_manager()

    AUDIT_REDACT_VALUES = True

    class Meta:
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "verified_at"], name="application_queue_idx")]

    def __str__(self) -> str:
        return self.organization_name

    def get_absolute_url(self) -> str:
        """The coordinators' page of the application."""
        return reverse("participation:application-detail", args=[self.public_id])

    def status_url(self) -> str:
        """The applicant's private status page."""
        return reverse(
            "participation:application-status", args=[application_status_token(self.public_id)]
        )
