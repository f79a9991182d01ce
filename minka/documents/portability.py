"""The repository's part of a person's data export ("Mis datos", Ley 29733 right of access)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

from minka.directory.portability import register_export_sections

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Person


@register_export_sections(
    {"documents": "documents.Document", "document_versions": "documents.Version"}
)
def document_sections(person: Person, user: User | None) -> dict[str, Any]:
    """The documents naming the person as an author, and what their account uploaded."""
    from minka.documents.models import Document, Version

    authored = Q(people=person)
    uploaded = Q(uploaded_by=user) if user is not None else Q(pk__in=[])
    return {
        "documents": [
            {
                "public_id": document.public_id,
                "title": document.title,
                "visibility": document.visibility,
                "created_at": document.created_at,
                "named_as_author": document.is_author,
                "uploaded_by_them": user is not None and document.uploaded_by_id == user.pk,
            }
            for document in Document.objects.filter(authored | uploaded)
            .annotate(
                is_author=Exists(
                    Document.people.through.objects.filter(document=OuterRef("pk"), person=person)
                )
            )
            .distinct()
            .order_by("created_at", "pk")
        ],
        "document_versions": list(
            Version.objects.filter(uploaded_by=user)
            .order_by("created_at", "pk")
            .values("document__public_id", "number", "original_name", "note", "created_at")
        )
        if user is not None
        else [],
    }
