"""Types shared by every app's signatures."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from minka.accounts.models import User

# Whoever acts or looks: a signed-in user or a visitor. Every user parameter of a view,
# selector, predicate or service is an Actor (or a User where only a signed-in user can act).
Actor: TypeAlias = "User | AnonymousUser"
