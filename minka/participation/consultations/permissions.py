"""Who may see and do what with consultations.

A public consultation is seen by everyone and commented on by any signed-in account; a
members-only one is seen and commented on by members and above (hidden, 404, from the
others). Coordinators create and edit consultations, moderate comments, resolve reports,
publish the response and export the comments. A hidden comment's text is read by its author
and by coordinators only; anyone else who may see the consultation reads "hidden by
moderation". Anyone signed in who may read a comment may report it, except its author.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.core.roles import Role, role_of
from minka.core.visibility import can_see

if TYPE_CHECKING:
    from minka.core.types import Actor
    from minka.participation.consultations.models import Consultation, ConsultationComment


def can_manage_consultations(user: Actor) -> bool:
    """Create and edit consultations, moderate, resolve reports, publish responses, export."""
    return role_of(user) >= Role.COORDINATOR


def can_view_consultation(user: Actor, consultation: Consultation) -> bool:
    return can_see(user, consultation.visibility)


def can_comment(user: Actor, consultation: Consultation) -> bool:
    """Signed-in accounts who may see it (members for a members-only one). Whether it is
    open is a state of the consultation, checked by the service (a clear message, not 403)."""
    return role_of(user) >= Role.REGISTERED and can_view_consultation(user, consultation)


def can_see_authors(user: Actor) -> bool:
    """Commenters' names are shown to the network's members and above (a registered
    account's name is not public data)."""
    return role_of(user) >= Role.MEMBER


def is_author(user: Actor, comment: ConsultationComment) -> bool:
    return bool(user.is_authenticated and comment.author_id == user.pk)


def can_read_comment(user: Actor, comment: ConsultationComment) -> bool:
    """The text of a comment: anyone who sees the consultation while it is shown; once
    hidden, its author and coordinators."""
    if not comment.is_hidden:
        return True
    return is_author(user, comment) or can_manage_consultations(user)


def can_report_comment(user: Actor, comment: ConsultationComment) -> bool:
    """Signed-in accounts who may read it, except its author; a hidden comment was already
    dealt with."""
    return (
        role_of(user) >= Role.REGISTERED and not comment.is_hidden and not is_author(user, comment)
    )
