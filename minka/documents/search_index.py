"""What the repository feeds to the search index (``minka.search``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

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


def _kind_labels(values: list[str]) -> dict[str, str]:
    from minka.documents.models import Kind

    return {value: str(label) for value, label in Kind.choices}


def _language_labels(values: list[str]) -> dict[str, str]:
    from minka.documents.models import Language

    return {value: str(label) for value, label in Language.choices}


def _topic_labels(values: list[str]) -> dict[str, str]:
    from minka.directory.models import Topic

    return dict(Topic.objects.filter(slug__in=values).values_list("slug", "name"))


def _organization_labels(values: list[str]) -> dict[str, str]:
    from minka.directory.models import Organization

    rows = Organization.objects.filter(slug__in=values).values_list("slug", "name", "acronym")
    return {slug: acronym or name for slug, name, acronym in rows}


def register() -> None:
    from minka.documents.models import Document

    search.register(
        Document,
        title=lambda d: d.title,
        body=_body,
        visibility=lambda d: d.visibility,
        facets=_facets,
        type_name=lambda: _("Document"),
    )
    # The facets the search page offers, in this order (after "Type"). Meetings, minutes,
    # organizations and people fill "topic", "organization" and "year" too.
    search.register_facet("kind", title=lambda: _("Kind of document"), labels=_kind_labels)
    search.register_facet("topic", title=lambda: _("Topic"), labels=_topic_labels)
    search.register_facet(
        "organization", title=lambda: _("Organization"), labels=_organization_labels
    )
    search.register_facet("year", title=lambda: _("Year"), newest_first=True)
    search.register_facet("language", title=lambda: _("Language"), labels=_language_labels)
