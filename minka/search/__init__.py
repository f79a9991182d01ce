"""Search: one index that every app feeds, two engines chosen by the database.

Callers import only this module::

    from minka import search

    search.register(Document, title=..., body=..., visibility=..., facets=...)
    search.index_object(document)      # after create, update or visibility change
    search.remove_object(document)     # before or after delete
    results = search.search("políticas", user=request.user, filters={"kind": "acta"})
    search.reindex()                   # rebuild everything from the registered models

The engine follows ``connection.vendor``: SQLite uses FTS5 (``minka.search._sqlite``),
PostgreSQL a generated ``tsvector`` with a GIN index (``minka.search._postgres``). Text is
folded, split and stemmed in Python for both (``minka.search._stem``), so the results contract
is the same: every word must match in any form ("políticas" finds "política"), quoted phrases
match in order, and results and facet counts include only what ``user`` may see.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext as _

from minka.core.text import fold
from minka.core.visibility import Visibility, visibilities_for
from minka.search._stem import TOKEN_RE, ParsedQuery, parse_query, stem, stemmed_text

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

    from django.db.models import Model
    from django.utils.safestring import SafeString

__all__ = [
    "SearchHit",
    "SearchResults",
    "Searchable",
    "index_object",
    "register",
    "registered",
    "reindex",
    "remove_object",
    "search",
    "unregister",
]

MAX_LIMIT = 100
# Longer bodies are cut: PostgreSQL positions stop at 16,383 and a tsvector at 1 MB.
MAX_BODY_CHARS = 200_000
SNIPPET_WORDS = 30
# Ranking, visibility, filters and facet counts cost time per matching entry: a query that
# matches more entries than this works on the most recently indexed ones only.
MAX_CANDIDATES = 2_000
_FACET_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

FacetValues = Mapping[str, str | Sequence[str]]


@dataclass(frozen=True)
class Searchable:
    """How to read one registered model's objects for the index.

    ``visibility`` returns a :class:`~minka.core.visibility.Visibility` value, or ``None``
    when the object must not be searchable at all (it is then removed from the index).
    """

    model: type[Model]
    title: Callable[[Any], str]
    body: Callable[[Any], str]
    visibility: Callable[[Any], str | None]
    facets: Callable[[Any], FacetValues]


@dataclass(frozen=True)
class SearchHit:
    content_type: str  # "app_label.model"
    object_id: str
    title: str
    snippet: SafeString  # escaped HTML, matched words in <mark>
    rank: float  # higher is better; comparable only within one result set


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    # {"kind": {"acta": 3, "informe": 1}}, values by count, then name.
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # Set when the query had nothing to search for; shown instead of "no results".
    message: str = ""
    # False when the query matched more than MAX_CANDIDATES entries: then only the most
    # recently indexed MAX_CANDIDATES matches were ranked, filtered and counted, and
    # ``total`` and the facet counts are lower bounds (suggest a more precise query).
    exact: bool = True


_registry: dict[str, Searchable] = {}


def _label(model: type[Model] | Model) -> str:
    return str(model._meta.label_lower)


def register(
    model: type[Model],
    *,
    title: Callable[[Any], str],
    body: Callable[[Any], str],
    visibility: Callable[[Any], str | None],
    facets: Callable[[Any], FacetValues],
) -> None:
    """Declare ``model`` searchable; apps call this from ``AppConfig.ready()``."""
    _registry[_label(model)] = Searchable(model, title, body, visibility, facets)


def unregister(model: type[Model]) -> None:
    """Forget ``model`` (its entries stay until :func:`reindex` or :func:`remove_object`)."""
    _registry.pop(_label(model), None)


def registered() -> list[Searchable]:
    """Return the registered models' adapters."""
    return list(_registry.values())


def _engine() -> ModuleType:
    if connection.vendor == "postgresql":
        from minka.search import _postgres

        return _postgres
    if connection.vendor == "sqlite":
        from minka.search import _sqlite

        return _sqlite
    raise NotImplementedError(f"No search engine for {connection.vendor}.")


def _adapter(obj: Model) -> Searchable:
    try:
        return _registry[_label(obj)]
    except KeyError:
        raise LookupError(f"{_label(obj)} is not registered for search.") from None


def _clean_facets(values: FacetValues) -> dict[str, list[str]]:
    cleaned: dict[str, list[str]] = {}
    for key, value in values.items():
        if not _FACET_KEY_RE.match(key):
            raise ValueError(f"Invalid facet name: {key!r}.")
        items = [value] if isinstance(value, str) else list(value)
        cleaned[key] = sorted({str(item) for item in items if str(item)})
    return cleaned


def _entry_fields(adapter: Searchable, obj: Model) -> dict[str, Any] | None:
    visibility = adapter.visibility(obj)
    if visibility is None:
        return None
    if visibility not in Visibility.values:
        raise ValueError(f"Invalid visibility: {visibility!r}.")
    title = adapter.title(obj)[:500]
    body = adapter.body(obj)[:MAX_BODY_CHARS]
    return {
        "title": title,
        "body": body,
        "stemmed": stemmed_text(title) + "\n" + stemmed_text(body),
        "visibility": visibility,
        "facets": _clean_facets(adapter.facets(obj)),
    }


def index_object(obj: Model) -> None:
    """Add or update ``obj``'s entry; call it after every create, update or visibility change.

    Runs in the caller's transaction, so the index commits or rolls back with the change.
    Raises ``LookupError`` if ``obj``'s model is not registered.
    """
    from minka.search.models import SearchEntry

    fields = _entry_fields(_adapter(obj), obj)
    if fields is None:
        remove_object(obj)
        return
    SearchEntry.objects.update_or_create(
        content_type=_label(obj), object_id=str(obj.pk), defaults=fields
    )


def remove_object(obj: Model) -> None:
    """Remove ``obj``'s entry, if any; call it when ``obj`` is deleted."""
    from minka.search.models import SearchEntry

    SearchEntry.objects.filter(content_type=_label(obj), object_id=str(obj.pk)).delete()


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
            label = _label(adapter.model)
            for obj in adapter.model._default_manager.order_by("pk").iterator(batch_size):
                fields = _entry_fields(adapter, obj)
                if fields is not None:
                    batch.append(SearchEntry(content_type=label, object_id=str(obj.pk), **fields))
                if len(batch) >= batch_size:
                    count += len(SearchEntry.objects.bulk_create(batch))
                    batch = []
            count += len(SearchEntry.objects.bulk_create(batch))
        _engine().after_reindex()
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
                    title=raw["title"],
                    body=raw["body"],
                    stemmed=stemmed_text(raw["title"]) + "\n" + stemmed_text(raw["body"]),
                    visibility=raw["visibility"],
                    facets=_clean_facets(raw.get("facets", {})),
                )
            )
            if len(batch) >= batch_size:
                count += len(SearchEntry.objects.bulk_create(batch))
                batch = []
        count += len(SearchEntry.objects.bulk_create(batch))
        _engine().after_reindex()
    return count


def index_size() -> int:
    """Return the bytes the index uses on disk (table, text and engine index)."""
    return int(_engine().index_size())


def search(
    query: str,
    *,
    user: Any,
    filters: Mapping[str, str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Return the entries matching ``query`` that ``user`` may see, best first.

    ``filters`` narrows by facet values (``{"kind": "acta"}``); unknown facet names simply
    match nothing. Facet counts cover every visible match, not only the requested page (up
    to ``MAX_CANDIDATES`` matches; beyond, ``exact`` is false). A
    query with nothing to search for (empty, only stop words or punctuation) returns no hits
    and a ``message``. Never raises on user input.
    """
    results = SearchResults(query=query)
    parsed = parse_query(query)
    if parsed.is_empty:
        # es: "Escriba al menos una palabra para buscar."
        results.message = _("Type at least one word to search.")
        return results
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    engine = _engine()
    candidates, params = engine.candidates_sql(parsed, MAX_CANDIDATES)
    score, score_params = engine.score_sql(parsed)
    params += score_params
    allowed = visibilities_for(user)
    conditions = ["e.visibility IN (" + ", ".join(["%s"] * len(allowed)) + ")"]
    params += allowed
    for key, value in sorted((filters or {}).items()):
        if not _FACET_KEY_RE.match(key):
            return results
        condition, condition_params = engine.facet_filter_sql(key, str(value))
        conditions.append(condition)
        params += condition_params
    # Every piece of this SQL is fixed text from this module or the engine module; every
    # value is a parameter.
    cte = (
        f"WITH m AS ({candidates}), hits AS (SELECT m.id AS id, {score} AS score "  # noqa: S608
        "FROM m JOIN search_searchentry e ON e.id = m.id "
        f"WHERE {' AND '.join(conditions)}) "
    )
    with connection.cursor() as cursor:
        counts = cte + "SELECT (SELECT COUNT(*) FROM hits), (SELECT COUNT(*) FROM m)"  # noqa: S608
        cursor.execute(counts, params)
        total, candidate_count = cursor.fetchone()
        results.total = int(total)
        results.exact = candidate_count < MAX_CANDIDATES
        if not results.total:
            return results
        cursor.execute(
            cte + "SELECT e.content_type, e.object_id, e.title, e.body, hits.score "
            "FROM hits JOIN search_searchentry e ON e.id = hits.id "
            "ORDER BY hits.score DESC, e.id DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        rows = cursor.fetchall()
        cursor.execute(cte + engine.FACET_COUNTS_SQL, params)
        facet_rows = cursor.fetchall()
    results.hits = [
        SearchHit(
            content_type=content_type,
            object_id=object_id,
            title=title,
            snippet=highlight(body or title, parsed),
            rank=float(score),
        )
        for content_type, object_id, title, body, score in rows
    ]
    for key, value, count in sorted(facet_rows, key=lambda r: (r[0], -r[2], r[1])):
        results.facets.setdefault(key, {})[value] = int(count)
    return results


def highlight(text: str, parsed: ParsedQuery, words: int = SNIPPET_WORDS) -> SafeString:
    """Return about ``words`` words of ``text`` around the first match, escaped, with every
    word that matches the query (in any form) wrapped in ``<mark>``.

    Scans only up to the first match and the window after it, so long texts stay cheap.
    """
    wanted, wanted_stems = parsed.highlight_words()

    def matches(word: str) -> bool:
        token = _fold_word(word)
        return token in wanted or stem(token) in wanted_stems

    before: deque[tuple[int, int]] = deque(maxlen=words // 4)
    window: list[tuple[int, int]] = []
    skipped = 0
    spans = TOKEN_RE.finditer(text)
    for match in spans:
        if matches(match.group()):
            window = [*before, match.span()]
            break
        before.append(match.span())
        skipped += 1
    lo_cut = bool(window) and skipped > len(before)
    if not window:  # No visible match (e.g. only in the title): the start of the text.
        spans = TOKEN_RE.finditer(text)
        lo_cut = False
    more = False
    for match in spans:
        if len(window) >= words:
            more = True
            break
        window.append(match.span())
    if not window:
        return escape(text[:200])
    # format_html escapes every piece of document text; the <mark> tags are the only markup.
    marked = [
        format_html("{}<mark>{}</mark>", gap, word)
        if matches(word)
        else format_html("{}{}", gap, word)
        for gap, word in _gaps_and_words(text, window)
    ]
    tail = " …" if more else text[window[-1][1] :].rstrip()
    return format_html(
        "{}{}{}", "… " if lo_cut else "", format_html_join("", "{}", ((m,) for m in marked)), tail
    )


def _gaps_and_words(text: str, window: list[tuple[int, int]]) -> Iterator[tuple[str, str]]:
    position = window[0][0]
    for start, end in window:
        yield text[position:start], text[start:end]
        position = end


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return fold(word)
