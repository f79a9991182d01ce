"""Who may do what with accounts and the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.core.roles import Role, role_of

if TYPE_CHECKING:
    from minka.core.types import Actor


def can_review_access(user: Actor) -> bool:
    """Only admins see who holds which role (the access review, Ley 29733 security)."""
    return role_of(user) >= Role.ADMIN


def requires_two_factor(user: Actor) -> bool:
    """Coordinators and admins must use a second factor; it is optional for others."""
    return role_of(user) >= Role.COORDINATOR
