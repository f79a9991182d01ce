"""Who may do what with membership applications.

Anyone may apply (the form is public, limited by rate and a honeypot); the applicant sees
their application only through its private status link; coordinators and admins see the
verified applications and decide on them. Unverified applications are seen by nobody.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.core.roles import Role, role_of

if TYPE_CHECKING:
    from minka.core.types import Actor


def can_apply(user: Actor) -> bool:
    """Anyone, signed in or not, may ask for their organization to join."""
    return True


def can_review_applications(user: Actor) -> bool:
    """Coordinators and admins see the queue and approve or reject applications."""
    return role_of(user) >= Role.COORDINATOR
