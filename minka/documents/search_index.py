"""What the repository feeds to the search index (``minka.search``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka import search

if TYPE_CHECKING:
    from minka.documents.models import Document


def _body(document: Document) -> str:
    # The text of each page, separated by form feeds: search reports the page of the match.
    version = document.latest_version
    text = version.text if version is not None else ""
    if not document.description:
        return text
    if "\f" in text:
        # The description goes before page 1 without shifting the page numbers.
        return document.description + "\n" + text
    return document.description + "\n\n" + text


def _facets(document: Document) -> dict[str, list[str]]:
    return {
        "kind": [document.kind],
        "language": [document.language],
        "year": [str(document.year)],
        "topic": [topic.slug for topic in document.topics.all()],
        "organization": [organization.slug for organization in document.organizations.all()],
    }


def register() -> None:
    from minka.documents.models import Document

    search.register(
        Document,
        title=lambda d: d.title,
        body=_body,
        visibility=lambda d: d.visibility,
        facets=_facets,
    )
