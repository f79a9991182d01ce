"""Consent (Ley 29733): the purposes a person agrees to, and each grant or withdrawal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentPurpose(models.TextChoices):
    """The separate purposes a person agrees to (SECURITY.md R3)."""

    PUBLIC_LISTING = "public_listing", _("My name and role in the public directory")
    MEMBERS_LISTING = "members_listing", _("My name and role in the members' directory")
    EMAIL = "email_members", _("My email address visible to members")
    PHONE = "phone_members", _("My phone number visible to members")
    TELEGRAM = "telegram_members", _("My Telegram username visible to members")
    PHOTO = "photo", _("My photo in the directory")
    EMAIL_NOTIFICATIONS = "email_notifications", _("Email notifications")
    TELEGRAM_NOTIFICATIONS = "telegram_notifications", _("Telegram notifications")


class ConsentEvent(models.Model):
    """One grant or withdrawal of consent for one purpose: the record Ley 29733 asks for.

    Events are never edited; the latest event of a purpose is the person's current choice.
    """

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        INVITATION = "invitation", _("Invitation")
        PAPER = "paper", _("Paper form recorded by a coordinator")
        EMAIL = "email", _("Email")

    person = models.ForeignKey(
        "Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="consent_events"
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    notice_version = models.CharField(_("notice version"), max_length=20)
    notice_hash = models.CharField(_("notice hash"), max_length=64)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence = models.FileField(_("evidence (signed paper form)"), upload_to="consent/", blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)

    AUDIT_REDACT_VALUES = True

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose}: {'+' if self.granted else '-'}"
