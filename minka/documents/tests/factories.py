"""Factories for documents and versions; files are real bytes in the (temporary) storage."""

from __future__ import annotations

import hashlib
from typing import Any

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from minka.core.visibility import Visibility
from minka.documents.models import Document, Kind, Version, version_upload_to


class DocumentFactory(factory.django.DjangoModelFactory[Document]):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Documento de prueba {n}")
    kind = Kind.PRESENTATION
    visibility = Visibility.PUBLIC


def add_version(
    document: Document,
    *,
    content: bytes | None = None,
    text: str | None = None,
    file_type: str = "txt",
    name: str = "",
    uploaded_by: Any = None,
    status: str = Version.Status.DONE,
    **fields: Any,
) -> Version:
    """Store ``content`` (by default ``text`` as UTF-8) as the document's next version,
    already processed unless ``status`` says otherwise, and make it the latest one."""
    body = text if text is not None else f"Texto de {document.title}"
    data = content if content is not None else body.encode()
    sha256 = hashlib.sha256(data).hexdigest()
    number = (
        document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = Version(
        document=document,
        number=number,
        original_name=name or f"documento-{number}.{file_type}",
        sha256=sha256,
        size=len(data),
        file_type=file_type,
        uploaded_by=uploaded_by,
        status=status,
        text=body if status == Version.Status.DONE else "",
        **fields,
    )
    storage_name = version_upload_to(version, version.original_name)
    if not default_storage.exists(storage_name):
        storage_name = default_storage.save(storage_name, ContentFile(data))
    version.file.name = storage_name
    version.save()
    document.latest_version = version
    document.save(update_fields=["latest_version"])
    return version
