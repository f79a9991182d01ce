"""The documents' stored files, for ``minka check_integrity`` (:mod:`minka.core.integrity`):
every version's file (with its SHA-256) and its preview."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.core import integrity
from minka.documents.models import Version

if TYPE_CHECKING:
    from collections.abc import Iterator


def references() -> Iterator[integrity.Reference]:
    rows = Version.objects.values_list("pk", "file", "sha256", "preview").order_by("pk")
    for pk, file, sha256, preview in rows.iterator():
        yield integrity.Reference(file, f"document version {pk}", sha256)
        if preview:
            yield integrity.Reference(preview, f"preview of document version {pk}")


def register() -> None:
    integrity.register(
        integrity.FileSource(
            label="documents", folders=("documents", "previews"), references=references
        )
    )
