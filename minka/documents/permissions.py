"""Who may see and do what in the repository.

Everyone sees public documents; members also see members-only ones; coordinators see
everything. Members upload and edit what they uploaded; coordinators edit and delete any
document. Processing status (and its failures) is shown to the uploader and coordinators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.core.roles import Role, role_of
from minka.core.visibility import Visibility, can_see

if TYPE_CHECKING:
    from minka.core.types import Actor
    from minka.documents.models import Document, Version


def _is_coordinator(user: Actor) -> bool:
    return role_of(user) >= Role.COORDINATOR


def can_view_document(user: Actor, document: Document) -> bool:
    return can_see(user, document.visibility)


def can_upload(user: Actor) -> bool:
    return role_of(user) >= Role.MEMBER


def _is_uploader(user: Actor, obj: Document | Version) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and obj.uploaded_by_id is not None
        and obj.uploaded_by_id == user.pk
    )


def can_edit_document(user: Actor, document: Document) -> bool:
    """Coordinators, and the member who uploaded it (while they are still a member)."""
    if not can_view_document(user, document):
        return False
    return _is_coordinator(user) or (can_upload(user) and _is_uploader(user, document))


def can_delete_documents(user: Actor) -> bool:
    """Coordinators delete documents (any they can see)."""
    return _is_coordinator(user)


def can_delete_document(user: Actor, document: Document) -> bool:
    return _is_coordinator(user) and can_view_document(user, document)


def can_view_status(user: Actor, version: Version) -> bool:
    """Processing status and failure reasons: the uploader and coordinators."""
    return _is_coordinator(user) or _is_uploader(user, version)


def can_retry(user: Actor, version: Version) -> bool:
    return can_view_status(user, version) and can_edit_document(user, version.document)


def visibility_choices(user: Actor) -> list[tuple[str, str]]:
    """The visibilities ``user`` may give a document: coordinators-only is for coordinators."""
    allowed = [Visibility.PUBLIC, Visibility.MEMBERS]
    if _is_coordinator(user):
        allowed.append(Visibility.COORDINATORS)
    return [(value.value, str(value.label)) for value in allowed]
