"""Template context shared by every page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from minka.core.navigation import nav_items
from minka.core.roles import Role, role_of

if TYPE_CHECKING:
    from django.http import HttpRequest


def minka(request: HttpRequest) -> dict[str, Any]:
    role = role_of(getattr(request, "user", None))
    return {
        "network_name": settings.NETWORK_NAME,
        "controller": settings.CONTROLLER,
        "user_role": role,
        "is_member": role >= Role.MEMBER,
        "is_coordinator": role >= Role.COORDINATOR,
        "is_admin": role >= Role.ADMIN,
        # Built only when a page shows the menu (emails and fragments do not).
        "nav_items": SimpleLazyObject(lambda: nav_items(role, request.path)),
    }
