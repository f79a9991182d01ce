"""The one permission mechanism: predicates, and the two ways to apply them.

Each app's ``permissions.py`` holds its rules as predicates ``can_<verb>_<entity>(user, …)``
returning a bool; views, services, templates and (later) the API all use the same ones:

- a service calls :func:`require` with a predicate's answer (``PermissionDenied`` when not
  allowed, which the views turn into 403);
- a view that needs only the user is decorated with
  :func:`minka.core.decorators.permission_required`; a view about an object fetches it
  through a permission-checked selector (404 when invisible) and calls the predicate (403
  when the action is not allowed).

This module holds the rules about the audit log, which core owns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from minka.core.roles import Role, role_of

if TYPE_CHECKING:
    from minka.core.types import Actor


def require(allowed: bool) -> None:
    """Raise ``PermissionDenied`` unless ``allowed`` (a predicate's answer)."""
    if not allowed:
        raise PermissionDenied


def is_signed_in(user: Actor) -> bool:
    """Any signed-in, active account (registered or above): what needs an account of one's
    own, such as a personal calendar feed, an answer to an invitation or an observation."""
    return role_of(user) >= Role.REGISTERED


def can_view_audit_log(user: Actor) -> bool:
    """Only admins read the audit log (/auditoria/ and the administration site)."""
    return role_of(user) >= Role.ADMIN
