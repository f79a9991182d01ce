"""Who may do what with accounts, invitations and the audit log."""

from __future__ import annotations

from typing import Any

from minka.accounts.models import Invitation
from minka.core.roles import Role, role_of


def can_manage_invitations(user: Any) -> bool:
    """Coordinators and admins invite people and see the invitations."""
    return role_of(user) >= Role.COORDINATOR


def can_revoke_invitation(user: Any, invitation: Invitation) -> bool:
    return can_manage_invitations(user) and invitation.status == Invitation.Status.PENDING


def can_view_audit_log(user: Any) -> bool:
    """Only admins read the audit log."""
    return role_of(user) >= Role.ADMIN


def requires_two_factor(user: Any) -> bool:
    """Coordinators and admins must use a second factor; it is optional for others."""
    return role_of(user) >= Role.COORDINATOR
