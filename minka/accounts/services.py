"""Writes of the accounts app: roles, preferences and an account's erasure."""

from __future__ import annotations

from typing import TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.accounts.models import User
from minka.core.models import AuditEntry
from minka.core.services import admin_log_relabel, audit_changes, audit_record


@transaction.atomic
def user_set_role(*, actor: User | None, user: User, role: str, check: bool = True) -> User:
    """Give ``user`` the role ``role``, recording who granted it and when.

    Only admins change roles (``check=False`` is for internal flows such as accepting an
    invitation, whose grant was made by the inviting coordinator).
    """
    if check and (actor is None or actor.role != User.Role.ADMIN):
        raise PermissionDenied
    if role not in User.Role.values:
        raise ValidationError(_("Unknown role."))
    before = {"role": user.role}
    user.role = role
    user.role_granted_by = actor
    user.role_granted_at = timezone.now()
    user.save(update_fields=["role", "role_granted_by", "role_granted_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.ROLE_CHANGE,
        target=user,
        changes=audit_changes(before, {"role": role}),
    )
    return user


class PreferencesData(TypedDict, total=False):
    """What :func:`user_update_preferences` takes (the preferences form, the language
    switch)."""

    full_name: str
    language: str


@transaction.atomic
def user_update_preferences(*, user: User, data: PreferencesData) -> User:
    """Save the user's own name and language."""
    for field in ("full_name", "language"):
        if field in data:
            setattr(user, field, data[field])
    user.save(update_fields=["full_name", "language"])
    return user


@transaction.atomic
def user_erase(*, user: User) -> User:
    """Erase an account (Ley 29733 cancellation): its addresses, second factors and
    sessions are deleted; it is deactivated with an ``anonymized-<id>@invalid`` address, no
    name and no usable password, so that the audit log's references by id stay whole.

    Preconditions: called by the directory's erasure of the person, which checks who may
    erase and relabels the audit log.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.models import Session

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    user.email = f"anonymized-{user.public_id}@invalid"
    user.full_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    admin_log_relabel(user, str(user))
    return user
