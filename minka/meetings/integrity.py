"""The meetings' stored files, for ``minka check_integrity`` (:mod:`minka.core.integrity`).

Minutes PDFs are a cache (:mod:`minka.meetings.minutes.pdf_store`) that no row names: every
file in the folder of an existing meeting is kept, and a folder of a deleted meeting is an
orphan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.core import integrity
from minka.meetings.minutes import pdf_store
from minka.meetings.models import Meeting

if TYPE_CHECKING:
    from collections.abc import Iterator


def references() -> Iterator[integrity.Reference]:
    return iter(())


def kept_folders() -> Iterator[str]:
    for public_id in Meeting.objects.values_list("public_id", flat=True).iterator():
        yield f"{pdf_store.FOLDER}/{public_id}"


def register() -> None:
    integrity.register(
        integrity.FileSource(
            label="meetings",
            folders=(pdf_store.FOLDER,),
            references=references,
            kept_folders=kept_folders,
        )
    )
