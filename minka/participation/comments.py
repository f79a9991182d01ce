"""What comments of every participation mechanism share: a text, and moderation by hiding.

A hidden comment stays in the database with the coordinator who hid it and the reason, which
its author still reads; everyone else reads that it was hidden.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel


class HideableComment(TimeStampedModel):
    body = models.TextField(_("comment"), max_length=4000)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None
