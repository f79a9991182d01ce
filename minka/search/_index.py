"""Writing the index: an entry per registered object (title, body, their stems, visibility
and facets), kept in step with the object, rebuilt in one transaction, or written in bulk;
and the engine that the database calls for."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction

from minka.core.visibility import Visibility
from minka.search._registry import (
    TYPE_FACET,
    FacetValues,
    Searchable,
    adapter_for,
    model_label,
    registered,
)
from minka.search._stem import stemmed_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from types import ModuleType

    from django.db.models import Model


# Longer bodies are cut: PostgreSQL positions stop at 16,383 and a tsvector at 1 MB.
MAX_BODY_CHARS = 200_000
# Facet names, as entries store them and filters name them.
FACET_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def engine() -> ModuleType:
    """The engine module for the database in use (``_sqlite`` or ``_postgres``)."""
    if connection.vendor == "postgresql":
        from minka.search import _postgres

        return _postgres
    if connection.vendor == "sqlite":
        from minka.search import _sqlite

        return _sqlite
    raise NotImplementedError(f"No search engine for {connection.vendor}.")


def _clean_facets(values: FacetValues) -> dict[str, list[str]]:
    cleaned: dict[str, list[str]] = {}
    for key, value in values.items():
        if not FACET_KEY_RE.match(key):
            raise ValueError(f"Invalid facet name: {key!r}.")
        items = [value] if isinstance(value, str) else list(value)
        cleaned[key] = sorted({str(item).replace("\x00", "") for item in items} - {""})
    return cleaned


def _entry_fields(adapter: Searchable, obj: Model) -> dict[str, Any] | None:
    visibility = adapter.visibility(obj)
    if visibility is None:
        return None
    if visibility not in Visibility.values:
        raise ValueError(f"Invalid visibility: {visibility!r}.")
    facets = _clean_facets(adapter.facets(obj))
    if TYPE_FACET in facets:
        raise ValueError(f"The facet {TYPE_FACET!r} is filled by the index.")
    return {
        **_text_fields(adapter.title(obj), adapter.body(obj)),
        "visibility": visibility,
        "facets": {TYPE_FACET: [adapter.content_type], **facets},
    }


def _text_fields(title: str, body: str) -> dict[str, str]:
    # PostgreSQL cannot store NUL characters (extracted text sometimes has them).
    title = title[:500].replace("\x00", "")
    body = body[:MAX_BODY_CHARS].replace("\x00", "")
    stemmed_title = stemmed_text(title)
    return {
        "title": title,
        "body": body,
        "stemmed": stemmed_title + "\n" + stemmed_text(body),
        "stemmed_title": stemmed_title,
    }


def index_object(obj: Model) -> None:
    """Add or update ``obj``'s entry; call it after every create, update or visibility change.

    Runs in the caller's transaction, so the index commits or rolls back with the change.
    Raises ``LookupError`` if ``obj``'s model is not registered.
    """
    from minka.search.models import SearchEntry

    fields = _entry_fields(adapter_for(obj), obj)
    if fields is None:
        remove_object(obj)
        return
    SearchEntry.objects.update_or_create(
        content_type=model_label(obj), object_id=str(obj.pk), defaults=fields
    )


def remove_object(obj: Model) -> None:
    """Remove ``obj``'s entry, if any; call it when ``obj`` is deleted."""
    from minka.search.models import SearchEntry

    SearchEntry.objects.filter(content_type=model_label(obj), object_id=str(obj.pk)).delete()


def reindex(batch_size: int = 500) -> int:
    """Rebuild the whole index from the registered models; return the number of entries.

    Runs in one transaction: searches see the old index until the new one is complete.
    """
    from minka.search.models import SearchEntry

    count = 0
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        for adapter in registered():
            batch: list[SearchEntry] = []
            label = model_label(adapter.model)
            for obj in adapter.model._default_manager.order_by("pk").iterator(batch_size):
                fields = _entry_fields(adapter, obj)
                if fields is not None:
                    batch.append(SearchEntry(content_type=label, object_id=str(obj.pk), **fields))
                if len(batch) >= batch_size:
                    count += len(SearchEntry.objects.bulk_create(batch))
                    batch = []
            count += len(SearchEntry.objects.bulk_create(batch))
        engine().after_reindex()
    return count


def bulk_index(entries: Iterable[Mapping[str, Any]], batch_size: int = 1000) -> int:
    """Write raw entries (``content_type``, ``object_id``, ``title``, ``body``, ``visibility``,
    ``facets``) without a registered model; for benchmarks and imports. Returns the count.
    """
    from minka.search.models import SearchEntry

    count = 0
    batch: list[SearchEntry] = []
    with transaction.atomic():
        for raw in entries:
            batch.append(
                SearchEntry(
                    content_type=raw["content_type"],
                    object_id=str(raw["object_id"]),
                    **_text_fields(raw["title"], raw["body"]),
                    visibility=raw["visibility"],
                    facets=_clean_facets(raw.get("facets", {})),
                )
            )
            if len(batch) >= batch_size:
                count += len(SearchEntry.objects.bulk_create(batch))
                batch = []
        count += len(SearchEntry.objects.bulk_create(batch))
        engine().after_reindex()
    return count


def index_size() -> int:
    """Return the bytes the index uses on disk (table, text and engine index)."""
    return int(engine().index_size())
