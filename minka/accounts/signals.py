"""Audit of sign-in events and of changes to passwords, addresses and second factors.

Receivers, not services, because these events are raised inside Django and allauth.
The failed-login entry keeps no credentials: only that an attempt failed, and from where.
Every entry names the account by id (``audit_record`` unwraps ``request.user``, a lazy
object); an address change records that it happened, never the address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.signals import (
    email_added,
    email_changed,
    email_confirmed,
    email_removed,
    password_changed,
    password_reset,
    password_set,
)
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from minka.core.models import AuditEntry
from minka.core.services import audit_record

if TYPE_CHECKING:
    from minka.accounts.models import User


@receiver(user_logged_in)
def _on_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditEntry.Action.LOGIN, target=user)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action=AuditEntry.Action.LOGOUT, target=user)


@receiver(user_login_failed)
def _on_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    audit_record(actor=None, action=AuditEntry.Action.LOGIN_FAILED)


@receiver(password_changed)
@receiver(password_set)
@receiver(password_reset)
def _on_password(sender: Any, request: Any = None, user: User | None = None, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditEntry.Action.PASSWORD_CHANGE, target=user)


@receiver(authenticator_added)
@receiver(authenticator_removed)
@receiver(authenticator_reset)
def _on_mfa(sender: Any, request: Any = None, user: User | None = None, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditEntry.Action.MFA_CHANGE, target=user)


@receiver(email_added)
@receiver(email_changed)
@receiver(email_confirmed)
@receiver(email_removed)
def _on_email(sender: Any, request: Any = None, user: User | None = None, **kwargs: Any) -> None:
    if user is None:  # email_confirmed names the address, not the user
        address = kwargs.get("email_address")
        user = getattr(address, "user", None)
    if user is None:
        return
    signal = kwargs.get("signal")
    change = {
        email_added: "added",
        email_changed: "changed",
        email_confirmed: "confirmed",
        email_removed: "removed",
    }.get(signal, "changed")
    audit_record(
        actor=user,
        action=AuditEntry.Action.UPDATE,
        target=user,
        changes={"email_address": ["", change]},
    )
