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

import html
import json
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from minka.core.text import fold
from minka.core.visibility import Visibility, visibilities_for
from minka.search._stem import TOKEN_RE, ParsedQuery, parse_query, stem, stemmed_text

if TYPE_CHECKING:
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
    # The 1-based page of the snippet's first match, for a body whose pages are separated by
    # form feeds ("\f"); None for a body without pages or a match in the title only.
    page: int | None = None


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
    # ``total`` and the facet counts are lower bounds (suggest a more precise query). On
    # PostgreSQL the cap counts the entries that contain every word, phrases checked after.
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
        cleaned[key] = sorted({str(item).replace("\x00", "") for item in items} - {""})
    return cleaned


def _entry_fields(adapter: Searchable, obj: Model) -> dict[str, Any] | None:
    visibility = adapter.visibility(obj)
    if visibility is None:
        return None
    if visibility not in Visibility.values:
        raise ValueError(f"Invalid visibility: {visibility!r}.")
    return {
        **_text_fields(adapter.title(obj), adapter.body(obj)),
        "visibility": visibility,
        "facets": _clean_facets(adapter.facets(obj)),
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
                    **_text_fields(raw["title"], raw["body"]),
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

    ``filters`` narrows by facet values (``{"kind": "acta"}``), one value per facet; an
    unknown facet name, an empty value or anything but a string matches nothing. Facet counts
    cover every visible match, not only the requested page (up to ``MAX_CANDIDATES`` matches;
    beyond, ``exact`` is false). A query with nothing to search for (empty, only stop words or
    punctuation) returns no hits and a ``message``. Never raises on user input.

    Costs two queries: one returns every candidate's score and facets (NULL for those the
    user may not see or the filters exclude), counted and ranked here; the other reads the
    title and body of the requested page's hits.
    """
    results = SearchResults(query=query)
    parsed = parse_query(query)
    if parsed.is_empty:
        # es: "Escriba al menos una palabra para buscar."
        results.message = _("Type at least one word to search.")
        return results
    limit = max(1, min(_as_int(limit, 20), MAX_LIMIT))
    offset = max(0, _as_int(offset, 0))
    valid_filters = _valid_filters(filters)
    visibilities = visibilities_for(user)
    if valid_filters is None or not visibilities:
        return results
    sql, params = _engine().candidates_sql(parsed, MAX_CANDIDATES, visibilities, valid_filters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    results.exact = len(rows) < MAX_CANDIDATES
    # (id, score, facets JSON) of every hit, best first (the newest first among equals).
    hits = [row for row in rows if row[2] is not None]
    results.total = len(hits)
    results.facets = _count_facets(row[2] for row in hits)
    hits.sort(key=itemgetter(1, 0), reverse=True)
    page = hits[offset : offset + limit]
    if not page:
        return results
    entries = _entries([row[0] for row in page])
    for id_, score, _facets in page:
        if id_ not in entries:  # Removed since the first query.
            continue
        content_type, object_id, title, body = entries[id_]
        snippet, page_number = _snippet(body or title, parsed)
        results.hits.append(
            SearchHit(
                content_type=content_type,
                object_id=object_id,
                title=title,
                snippet=snippet,
                rank=float(score),
                page=page_number if body else None,
            )
        )
    return results


def _as_int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return default


def _valid_filters(filters: Mapping[str, str] | None) -> list[tuple[str, str]] | None:
    """Return the filters as sorted (facet, value) pairs, or None when one can match nothing.

    Entries never hold an empty facet value or a NUL, and a value that is not a string or
    cannot be encoded cannot have been stored either.
    """
    valid: list[tuple[str, str]] = []
    for key, value in (filters or {}).items():
        if not isinstance(key, str) or not _FACET_KEY_RE.match(key):
            return None
        if not isinstance(value, str) or not value or "\x00" in value:
            return None
        try:
            value.encode()
        except UnicodeEncodeError:
            return None
        valid.append((key, value))
    return sorted(valid)


def _count_facets(all_facets: Iterable[str]) -> dict[str, dict[str, int]]:
    # Many entries share the same facets (a kind, a year): count each distinct JSON text,
    # then parse it once.
    counts: Counter[tuple[str, str]] = Counter()
    for facets, count in Counter(all_facets).items():
        for pair in _facet_pairs(facets):
            counts[pair] += count
    # Keys by name; values by count, then name.
    results: dict[str, dict[str, int]] = {}
    for (key, value), count in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
        results.setdefault(key, {})[value] = count
    return results


def _entries(ids: list[int]) -> dict[int, tuple[str, str, str, str]]:
    """Return (content type, object id, title, body) of the entries with ``ids``."""
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, content_type, object_id, title, body FROM search_searchentry "  # noqa: S608
            f"WHERE id IN ({placeholders})",
            ids,
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def highlight(text: str, parsed: ParsedQuery, words: int = SNIPPET_WORDS) -> SafeString:
    """Return about ``words`` words of ``text`` around the first match, escaped, with every
    word that matches the query (in any form) wrapped in ``<mark>``.

    Scans only up to the first match and the window after it, so long texts stay cheap.
    Form feeds (page breaks) show as spaces.
    """
    return _snippet(text, parsed, words)[0]


def _snippet(
    text: str, parsed: ParsedQuery, words: int = SNIPPET_WORDS
) -> tuple[SafeString, int | None]:
    """Return :func:`highlight`'s snippet and the 1-based page of its first match: one plus
    the form feeds before it, or None when ``text`` has no form feed or nothing matched.
    """
    wanted, wanted_stems = parsed.highlight_words()

    def matches(word: str) -> bool:
        token, token_stem = _fold_and_stem(word)
        return token in wanted or token_stem in wanted_stems

    before: deque[tuple[int, int]] = deque(maxlen=words // 4)
    window: list[tuple[int, int]] = []
    skipped = 0
    page = None
    spans = TOKEN_RE.finditer(text)
    for match in spans:
        if matches(match.group()):
            window = [*before, match.span()]
            if "\f" in text:
                page = text.count("\f", 0, match.start()) + 1
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
    # A form feed is one character, like the space that replaces it: the spans still apply.
    text = text.replace("\f", " ")
    if not window:
        return escape(text[:200]), page
    # Every piece of document text is escaped; the <mark> tags are the only markup. (The text
    # between two marked words is escaped at once, with html.escape, which
    # django.utils.html.escape wraps: a results page renders hundreds of pieces.)
    pieces = ["… " if lo_cut else ""]
    position = window[0][0]
    for start, end in window:
        word = text[start:end]
        if matches(word):
            pieces += [html.escape(text[position:start]), f"<mark>{html.escape(word)}</mark>"]
            position = end
    if more:
        pieces += [html.escape(text[position : window[-1][1]]), " …"]
    else:
        pieces.append(html.escape(text[position:].rstrip()))
    return mark_safe("".join(pieces)), page  # noqa: S308 -- escaped above.


@lru_cache(maxsize=65536)
def _fold_and_stem(word: str) -> tuple[str, str]:
    token = fold(word)
    return token, stem(token)


@lru_cache(maxsize=4096)
def _facet_pairs(facets: str) -> tuple[tuple[str, str], ...]:
    return tuple((key, value) for key, values in json.loads(facets).items() for value in values)
