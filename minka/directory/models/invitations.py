"""Memberships of users in organizations, and the invitations that create them."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel


class Membership(TimeStampedModel):
    """A user's representation of a member organization."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        "Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="user_memberships",
    )
    title = models.CharField(_("role or title"), max_length=150, blank=True)

    AUDIT_REDACT_VALUES = True

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organization}"


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest under which an invitation token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(TimeStampedModel):
    """An invitation, sent by email, to join an organization as a member.

    Only the SHA-256 of the token is stored: the link in the email is the only copy.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), max_length=254)
    organization = models.ForeignKey(
        "Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    title = models.CharField(_("role or title"), max_length=150, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # A pending directory record that accepting the invitation claims (SECURITY.md R4).
    person = models.ForeignKey(
        "Person",
        verbose_name=_("directory record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )

    objects = InvitationQuerySet.as_manager()

    AUDIT_REDACT_VALUES = True

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)
