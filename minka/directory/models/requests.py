"""Data-rights (ARCO) requests and their handling."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel
from minka.directory.models.people import Person


class DataRequest(TimeStampedModel):
    """An ARCO request (access, rectification, cancellation, opposition) and its handling."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access")
        RECTIFICATION = "rectification", _("Rectification")
        CANCELLATION = "cancellation", _("Cancellation")
        OPPOSITION = "opposition", _("Opposition")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="data_requests"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_date = models.DateField(_("due date"))
    identity_verified = models.BooleanField(_("identity verified"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The address the answer to a cancellation goes to: the person's own is erased as the
    # request closes, so it is kept here only until that last email is sent.
    reply_to = models.EmailField(_("answer sent to"), blank=True)

    AUDIT_REDACT_VALUES = True

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ["due_date", "received_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.RECEIVED, self.Status.IN_PROGRESS}

    def is_overdue(self, today: Any = None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())
