"""The roles of Minka, ordered from least to most trusted.

A user's role is stored on the user (``accounts.User.role``); anonymous visitors have none.
Every permission predicate compares against these levels, so the order is the contract:
anonymous < registered < member < coordinator < admin.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from minka.accounts.models import User


class Role(IntEnum):
    ANONYMOUS = 0
    REGISTERED = 1
    MEMBER = 2
    COORDINATOR = 3
    ADMIN = 4


def role_of(user: User | AnonymousUser | Any) -> Role:
    """Return the role of ``user``; inactive and anonymous users count as anonymous."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Role.ANONYMOUS
    if not getattr(user, "is_active", False):
        return Role.ANONYMOUS
    return Role[str(getattr(user, "role", "registered")).upper()]


def has_role(user: User | AnonymousUser | Any, minimum: Role) -> bool:
    """Return whether ``user`` holds ``minimum`` or a more trusted role."""
    return role_of(user) >= minimum
