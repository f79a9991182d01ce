"""Reads of the repository, each with the joins its page needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.http import Http404

from minka.core import pagecache
from minka.core.visibility import visibilities_for
from minka.directory.models import Organization
from minka.documents.models import Document, Version

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from uuid import UUID

    from django.db.models import QuerySet

    from minka.core.types import Actor


def documents_visible_to(user: Actor) -> QuerySet[Document]:
    return Document.objects.visible_to(user)


def document_list(
    *, user: Actor, filters: Mapping[str, Any], ordering: Sequence[str] = ("-created_at", "-pk")
) -> QuerySet[Document]:
    """The documents ``user`` may see, filtered and sorted, with what the list shows (the
    latest version and the organizations; not the topics, which a row does not show)."""
    documents = documents_visible_to(user)
    if kind := filters.get("kind"):
        documents = documents.filter(kind=kind)
    if language := filters.get("language"):
        documents = documents.filter(language=language)
    if topic := filters.get("topic"):
        documents = documents.filter(topics=topic)
    if organization := filters.get("organization"):
        documents = documents.filter(organizations=organization)
    if year := filters.get("year"):
        documents = documents.filter(
            Q(issued_on__year=year) | Q(issued_on__isnull=True, created_at__year=year)
        )
    if uploader := filters.get("uploaded_by"):
        documents = documents.filter(uploaded_by=uploader)
    return (
        documents.select_related("latest_version")
        .defer("latest_version__text")
        .prefetch_related(Prefetch("organizations", queryset=Organization.objects.order_by("name")))
        .order_by(*ordering)
    )


def document_get(*, user: Actor, public_id: UUID) -> Document:
    """One document ``user`` may see, or 404 (never 403: its existence stays hidden)."""
    document = (
        documents_visible_to(user)
        .select_related("latest_version", "uploaded_by")
        .defer("latest_version__text")
        .prefetch_related(
            "topics",
            Prefetch("organizations", queryset=Organization.objects.order_by("name")),
            "people",
        )
        .filter(public_id=public_id)
        .first()
    )
    if document is None:
        raise Http404
    return document


def document_versions(document: Document) -> list[Version]:
    return list(document.versions.select_related("uploaded_by").defer("text").order_by("-number"))


def version_get(*, user: Actor, public_id: UUID, number: int) -> Version:
    """One version of a document ``user`` may see, or 404."""
    version = (
        Version.objects.select_related("document")
        .defer("text")
        .filter(
            document__public_id=public_id,
            document__visibility__in=visibilities_for(user),
            number=number,
        )
        .first()
    )
    if version is None:
        raise Http404
    return version


def organization_documents(
    *, user: Actor, organization: Organization, limit: int = 10
) -> list[Document]:
    """The latest documents an organization authored that ``user`` may see."""
    return list(
        documents_visible_to(user)
        .filter(organizations=organization)
        .select_related("latest_version")
        .defer("latest_version__text")
        .prefetch_related(Prefetch("organizations", queryset=Organization.objects.order_by("name")))
        .order_by("-created_at", "-pk")[:limit]
    )


def document_years(user: Actor) -> list[int]:
    """The years with documents ``user`` may see (for the year filter), newest first.

    A scan of every visible document (110–140 ms at 20,000 on SQLite), so it is kept until
    the next write, per set of visibilities (what a role may see)."""
    visibilities = sorted(visibilities_for(user))

    def years() -> list[int]:
        values = (
            Document.objects.filter(visibility__in=visibilities)
            .annotate(doc_year=ExtractYear(Coalesce("issued_on", TruncDate("created_at"))))
            .values_list("doc_year", flat=True)
            .order_by("-doc_year")
            .distinct()
        )
        return [int(year) for year in values if year]

    return pagecache.cached_until_next_write(f"documents:years:{','.join(visibilities)}", years)
