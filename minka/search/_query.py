"""Queries: :func:`search` finds the entries that match, ranks them, counts their facets
and reads the requested page, with only what the user may see."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils.translation import gettext as _

from minka.core.visibility import visibilities_for
from minka.search._index import FACET_KEY_RE, engine
from minka.search._snippet import snippet_and_page
from minka.search._stem import parse_query

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from django.utils.safestring import SafeString

    from minka.core.types import Actor


MAX_LIMIT = 100
# Ranking, visibility, filters and facet counts cost time per matching entry: a query that
# matches more entries than this works on the most recently indexed ones only.
MAX_CANDIDATES = 2_000


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


def search(
    query: str,
    *,
    user: Actor,
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
    sql, params = engine().candidates_sql(parsed, MAX_CANDIDATES, visibilities, valid_filters)
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
        snippet, page_number = snippet_and_page(body or title, parsed)
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
        if not isinstance(key, str) or not FACET_KEY_RE.match(key):
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


@lru_cache(maxsize=4096)
def _facet_pairs(facets: str) -> tuple[tuple[str, str], ...]:
    return tuple((key, value) for key, values in json.loads(facets).items() for value in values)
