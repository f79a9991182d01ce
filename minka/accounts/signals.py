"""Audit of sign-in events and of changes to passwords and second factors.

Receivers, not services, because these events are raised inside Django and allauth.
The failed-login entry keeps no credentials: only that an attempt failed, and from where.
"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from minka.core.models import AuditEntry
from minka.core.services import audit_record


@receiver(user_logged_in)
def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditEntry.Action.LOGIN, target=user)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action=AuditEntry.Action.LOGOUT, target=user)


@receiver(user_login_failed)
def _on_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    audit_record(actor=None, action=AuditEntry.Action.LOGIN_FAILED)


@receiver(password_changed)
@receiver(password_set)
@receiver(password_reset)
def _on_password(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditEntry.Action.PASSWORD_CHANGE, target=user)


@receiver(authenticator_added)
@receiver(authenticator_removed)
@receiver(authenticator_reset)
def _on_mfa(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditEntry.Action.MFA_CHANGE, target=user)
