"""One visibility vocabulary for every content type.

``public`` is seen by everyone, ``members`` by members of the network and above, and
``coordinators`` (drafts and internal material) by coordinators and admins only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.utils.translation import gettext_lazy as _

from minka.core.roles import Role, role_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from minka.accounts.models import User


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members")
    COORDINATORS = "coordinators", _("Coordinators")


_MINIMUM_ROLE = {
    Visibility.PUBLIC: Role.ANONYMOUS,
    Visibility.MEMBERS: Role.MEMBER,
    Visibility.COORDINATORS: Role.COORDINATOR,
}


def visibilities_for(user: User | AnonymousUser | Any) -> list[str]:
    """Return the visibility values ``user`` may see."""
    role = role_of(user)
    return [value for value, minimum in _MINIMUM_ROLE.items() if role >= minimum]


def can_see(user: User | AnonymousUser | Any, visibility: str) -> bool:
    """Return whether ``user`` may see content with ``visibility``."""
    return visibility in visibilities_for(user)


class VisibilityQuerySet(models.QuerySet[Any]):
    """Chainable filter for models that have a ``visibility`` field."""

    def visible_to(self, user: User | AnonymousUser | Any) -> Self:
        return self.filter(visibility__in=visibilities_for(user))


def visibility_field(default: str = Visibility.MEMBERS) -> models.CharField[str, str]:
    """Return the standard ``visibility`` field; members-only unless stated."""
    return models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=default
    )
