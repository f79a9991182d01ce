"""Shared model pieces: timestamps and the append-only audit log."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base with creation and modification times."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditLogError(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogError("The audit log is append-only.")

    def relabel(self, target_repr: str) -> int:
        """The one change the log allows: renaming the object of entries whose label named
        a person now erased (:func:`minka.core.services.audit_forget`)."""
        return super().update(target_repr=target_repr[:200])

    def delete(self) -> NoReturn:
        raise AuditLogError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One recorded action: who did what to which object, when and from where.

    Rows are only ever inserted (see :func:`minka.core.services.audit_record`); updating or
    deleting one raises :class:`AuditLogError`, from the ORM and from the admin alike.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOGOUT = "logout", _("Signed out")
        PASSWORD_CHANGE = "password_change", _("Password changed")
        MFA_CHANGE = "mfa_change", _("Two-factor settings changed")
        ROLE_CHANGE = "role_change", _("Role changed")
        INVITE = "invite", _("Invitation sent")
        INVITE_ACCEPT = "invite_accept", _("Invitation accepted")
        INVITE_REVOKE = "invite_revoke", _("Invitation revoked")
        VIEW_PERSONAL = "view_personal", _("Personal data viewed")
        EXPORT = "export", _("Data exported")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("core:audit-list")

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogError("The audit log is append-only.")
