"""Who may see and do what in the directory.

Contact fields (email, phone, Telegram) are never public. A member sees one only when the
person allowed members to see it; the person and coordinators always see their own record.
Pending and anonymized people appear to nobody but coordinators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.core.roles import Role, role_of

if TYPE_CHECKING:
    from minka.core.types import Actor
    from minka.directory.models import Invitation, Person


def can_manage_directory(user: Actor) -> bool:
    """Coordinators and admins create, edit and merge records and process requests."""
    return role_of(user) >= Role.COORDINATOR


def is_self(user: Actor, person: Person) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and person.user_id is not None
        and person.user_id == user.pk
    )


def can_edit_person(user: Actor, person: Person) -> bool:
    return is_self(user, person) or can_manage_directory(user)


def can_view_person(user: Actor, person: Person) -> bool:
    """Whether ``user`` may see that ``person`` exists at all (their name and role)."""
    if is_self(user, person) or can_manage_directory(user):
        return True
    if person.status != person.Status.ACTIVE:
        return False
    if role_of(user) >= Role.MEMBER:
        return person.members_listing or person.public_listing
    return person.public_listing


def can_view_contact(user: Actor, person: Person, field: str) -> bool:
    """Whether ``user`` may see ``field`` (email, phone, telegram, photo, bio) of ``person``."""
    if is_self(user, person) or can_manage_directory(user):
        return True
    if role_of(user) < Role.MEMBER or not can_view_person(user, person):
        return False
    if field == "bio":
        return True
    if field == "photo":
        return person.photo_consent
    return bool(getattr(person, f"{field}_members", False))


def visible_contact(user: Actor, person: Person) -> dict[str, str]:
    """The contact fields of ``person`` that ``user`` may see, and their values."""
    fields = ("email", "phone", "telegram", "bio")
    return {
        f: getattr(person, f)
        for f in fields
        if getattr(person, f) and can_view_contact(user, person, f)
    }


def people_visible_to(user: Actor) -> Any:
    """The people ``user`` may see listed, as a queryset."""
    from django.db.models import Q

    from minka.directory.models import Person

    if can_manage_directory(user):
        return Person.objects.exclude(status=Person.Status.ANONYMIZED)
    active = Person.objects.filter(status=Person.Status.ACTIVE)
    if role_of(user) >= Role.MEMBER:
        visible = active.filter(Q(members_listing=True) | Q(public_listing=True))
    else:
        visible = active.filter(public_listing=True)
    if user.is_authenticated:
        visible = visible | Person.objects.filter(user=user)
    return visible


def can_export_directory(user: Actor) -> bool:
    """Members download the members' directory (CSV, vCard); each download is audited."""
    return role_of(user) >= Role.MEMBER


def can_handle_data_requests(user: Actor) -> bool:
    """Coordinators and admins keep the register of data-rights requests and answer them."""
    return role_of(user) >= Role.COORDINATOR


def can_manage_invitations(user: Actor) -> bool:
    """Coordinators and admins invite people and see the invitations."""
    return role_of(user) >= Role.COORDINATOR


def can_revoke_invitation(user: Actor, invitation: Invitation) -> bool:
    return can_manage_invitations(user) and invitation.status == invitation.Status.PENDING
