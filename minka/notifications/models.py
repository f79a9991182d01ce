"""Preferences, follows, Telegram links and targets, webhooks, and the outbox.

The outbox (:class:`Message`) is a table of rows written in the transaction of the change
that caused them (:func:`minka.notifications.services.notify`): a rolled-back change leaves
no message, and a committed one cannot lose its messages to a crash. A message holds its
kind, ids and language, never a rendered text or an address; the worker renders it when it
delivers (:mod:`minka.notifications.delivery`). Its ``key`` is unique: the same event never
makes two messages for the same recipient and channel.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel
from minka.notifications.kinds import Channel, Frequency

if TYPE_CHECKING:
    from datetime import datetime


class Preference(models.Model):
    """A person's choice for one kind of event on one channel (absent: the kind's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("event"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="notification_preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.channel}: {self.frequency}"


class Follow(models.Model):
    """A person follows a meeting series, a topic or an organization (``target`` is
    ``<type>:<id>``, a type registered by the app that owns it): events about it reach them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    target_type = models.CharField(_("followed type"), max_length=40)
    target_id = models.PositiveBigIntegerField(_("followed id"))
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "target_type", "target_id"], name="follow_unique"
            )
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="follow_target_idx")]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id}"


class TelegramAccount(models.Model):
    """The private Telegram chat a person linked to their account (through a one-time link
    opened in the bot); their chosen notifications reach them there."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="telegram",
    )
    chat_id = models.BigIntegerField(_("Telegram chat"), unique=True)
    username = models.CharField(_("Telegram username"), max_length=64, blank=True)
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        verbose_name = _("Telegram account")
        verbose_name_plural = _("Telegram accounts")

    def __str__(self) -> str:
        return f"@{self.username}" if self.username else str(self.chat_id)


class TelegramLinkToken(models.Model):
    """A one-time token of a deep link (``t.me/<bot>?start=<token>``). Only its SHA-256 is
    stored; it expires and is spent by its first use."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram link token")
        verbose_name_plural = _("Telegram link tokens")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.expires_at:%Y-%m-%d %H:%M}"


class TelegramChat(TimeStampedModel):
    """A group or channel of the network where the bot announces public events; a
    coordinator chooses which kinds."""

    chat_id = models.BigIntegerField(_("Telegram chat id"), unique=True)
    title = models.CharField(_("name"), max_length=120)
    kinds = models.JSONField(_("events announced"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Telegram group or channel")
        verbose_name_plural = _("Telegram groups and channels")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class WebhookEndpoint(TimeStampedModel):
    """An outgoing webhook: a URL that receives the public events of the chosen kinds as
    signed JSON (Standard Webhooks). After ``MINKA_WEBHOOK_MAX_FAILURES`` failures in a row
    it is disabled until a coordinator enables it again."""

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    kinds = models.JSONField(_("events"), default=list, blank=True)
    secret = models.CharField(_("signing secret"), max_length=100)
    previous_secret = models.CharField(_("previous secret"), max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(
        _("previous secret valid until"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url


class MessageQuerySet(models.QuerySet["Message"]):
    def due(self, now: datetime) -> MessageQuerySet:
        """Pending messages whose time has come, and messages whose delivery was started by
        a worker that died (their lease ran out)."""
        return self.filter(
            models.Q(status=Message.Status.PENDING, next_attempt_at__lte=now)
            | models.Q(status=Message.Status.SENDING, lease_until__lt=now)
        )


class Message(models.Model):
    """One message of the outbox: an event for one recipient on one channel."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        HELD = "held", _("Held for the digest")
        BUNDLED = "bundled", _("Sent in a digest")
        SKIPPED = "skipped", _("Nothing to send")
        FAILED = "failed", _("Failed")
        DEAD = "dead", _("Gave up after retries")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_messages",
    )
    chat = models.ForeignKey(
        TelegramChat,
        verbose_name=_("Telegram group or channel"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8)
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    digest = models.CharField(
        _("digest"),
        max_length=16,
        choices=[(f.value, f.label) for f in (Frequency.DAILY, Frequency.WEEKLY)],
        blank=True,
    )
    bundle = models.ForeignKey(
        "self",
        verbose_name=_("digest message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bundled",
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_until = models.DateTimeField(_("being delivered until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_due_idx"),
            models.Index(fields=["user", "-created_at"], name="message_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.channel} · {self.status}"
