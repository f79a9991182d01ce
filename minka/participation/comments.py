"""What comments of every participation mechanism share: a text, and moderation by hiding.

A hidden comment stays in the database with the coordinator who hid it and the reason, which
its author still reads; everyone else reads that it was hidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minka.core.models import AuditEntry, TimeStampedModel
from minka.core.services import audit_record

if TYPE_CHECKING:
    from minka.accounts.models import User


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


FIELDS = ["hidden_at", "hidden_by", "hidden_reason", "updated_at"]


def comment_hide_fields(comment: HideableComment, *, actor: User, reason: str) -> None:
    """Hide ``comment`` (locked by the caller, who checked the permission) with ``reason``,
    and record it in the audit log. ``ValidationError`` when it is hidden already or the
    reason is too long."""
    if comment.is_hidden:
        raise ValidationError(gettext("This comment is already hidden."), code="hidden")
    comment.hidden_at = timezone.now()
    comment.hidden_by = actor
    comment.hidden_reason = reason
    comment.clean_fields(
        exclude=[f.name for f in comment._meta.fields if f.name != "hidden_reason"]
    )
    comment.save(update_fields=FIELDS)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=comment,
        changes={"hidden": [False, True], "hidden_reason": ["", reason]},
    )


def comment_unhide_fields(comment: HideableComment, *, actor: User) -> None:
    """Show ``comment`` (locked by the caller, who checked the permission) again, and record
    it in the audit log. ``ValidationError`` when it is not hidden."""
    if not comment.is_hidden:
        raise ValidationError(gettext("This comment is not hidden."), code="shown")
    reason = comment.hidden_reason
    comment.hidden_at = None
    comment.hidden_by = None
    comment.hidden_reason = ""
    comment.save(update_fields=FIELDS)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=comment,
        changes={"hidden": [True, False], "hidden_reason": [reason, ""]},
    )
