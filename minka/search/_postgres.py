"""PostgreSQL engine: a generated ``tsvector`` over the Python-stemmed text, with a GIN index.

The column is ``to_tsvector('simple', stemmed)``: the text is already folded and stemmed in
Python exactly as on SQLite, so neither the ``unaccent`` extension nor the ``spanish``
configuration is needed (chaining ``unaccent`` before the Spanish stemmer silently stops
stemming accented suffixes). Queries are built from the same tokens, quoted, and passed to
``to_tsquery`` as a parameter: user text never reaches the tsquery parser unchanged.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import connection

if TYPE_CHECKING:
    from minka.search._stem import ParsedQuery


def _lexeme(token: str) -> str:
    # Tokens are letters and digits only; the quotes keep words like "and" literal.
    return "'" + token.replace("'", "").replace("\\", "") + "'"


def tsquery_text(parsed: ParsedQuery) -> str:
    """Return the ``to_tsquery`` text for ``parsed``: every term and phrase, AND-ed."""
    parts = [_lexeme(stem) for stem in parsed.term_stems()]
    parts += [
        "(" + " <-> ".join(_lexeme(s) for s in stems) + ")" for stems in parsed.phrase_stems()
    ]
    return " & ".join(parts)


def candidates_sql(parsed: ParsedQuery, cap: int) -> tuple[str, list[Any]]:
    """Return a SELECT of (id, score) for the ``cap`` most recently indexed matches.

    The score is computed later (:func:`score_sql`), only for the visible, filtered hits:
    ``ts_rank`` reads every matching vector, which is what makes broad queries slow.
    """
    sql = (
        "SELECT id, 0.0 AS score FROM search_searchentry "
        "WHERE search_vector @@ to_tsquery('simple', %s) ORDER BY id DESC LIMIT %s"
    )
    return sql, [tsquery_text(parsed), cap]


def score_sql(parsed: ParsedQuery) -> tuple[str, list[Any]]:
    """Return the score expression of the filtered hits."""
    return "ts_rank(e.search_vector, to_tsquery('simple', %s))", [tsquery_text(parsed)]


def facet_filter_sql(key: str, value: str) -> tuple[str, list[Any]]:
    """Return a condition on ``e`` that is true when facet ``key`` includes ``value``."""
    return "e.facets @> %s::jsonb", [json.dumps({key: [value]})]


FACET_COUNTS_SQL = (
    "SELECT k.key, v.value, COUNT(*) FROM hits JOIN search_searchentry e ON e.id = hits.id "
    "CROSS JOIN LATERAL jsonb_each(e.facets) AS k "
    "CROSS JOIN LATERAL jsonb_array_elements_text(k.value) AS v GROUP BY k.key, v.value"
)


def after_reindex() -> None:
    """Refresh the planner's statistics after a full reindex."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchentry")


def index_size() -> int:
    """Return the bytes used by the search table, its TOAST data and its indexes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('search_searchentry')")
        row = cursor.fetchone()
    return int(row[0])
