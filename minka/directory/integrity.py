"""The directory's stored files, for ``minka check_integrity`` (:mod:`minka.core.integrity`):
organization logos, people's photos and the signed consent forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.core import integrity
from minka.directory.models import ConsentEvent, Organization, Person

if TYPE_CHECKING:
    from collections.abc import Iterator


def references() -> Iterator[integrity.Reference]:
    for pk, logo in Organization.objects.exclude(logo="").values_list("pk", "logo").iterator():
        yield integrity.Reference(logo, f"logo of organization {pk}")
    for pk, photo in Person.objects.exclude(photo="").values_list("pk", "photo").iterator():
        yield integrity.Reference(photo, f"photo of person {pk}")
    events = ConsentEvent.objects.exclude(evidence="").values_list("pk", "evidence")
    for pk, evidence in events.iterator():
        yield integrity.Reference(evidence, f"evidence of consent event {pk}")


def register() -> None:
    integrity.register(
        integrity.FileSource(
            label="directory", folders=("logos", "people", "consent"), references=references
        )
    )
