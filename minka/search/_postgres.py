"""PostgreSQL engine: a generated ``tsvector`` over the Python-stemmed text, with a GIN index.

The column is ``setweight(to_tsvector('simple', stemmed_title), 'A') || to_tsvector('simple',
stemmed)``: the text is already folded and stemmed in Python exactly as on SQLite, so neither
the ``unaccent`` extension nor the ``spanish`` configuration is needed (chaining ``unaccent``
before the Spanish stemmer silently stops stemming accented suffixes). Queries are built from
the same tokens, quoted, and passed to ``to_tsquery`` as a parameter: user text never reaches
the tsquery parser unchanged.

A search reads the index in two steps within one statement. ``search_entry_candidates`` (see
the migrations) finds the newest ids containing every word through the GIN index, visiting
only the newest rows when a word is frequent. Only those candidates are then looked up by id,
checked for phrases, visibility and filters, and ranked: the vector is stored in line, so each
costs one short row.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import connection

if TYPE_CHECKING:
    from collections.abc import Sequence

    from minka.search._stem import ParsedQuery

# ts_rank's weights for D (the title and body) and A (the title again): a word in the title
# counts four times, as on SQLite.
RANK_WEIGHTS = "{0.1, 0.1, 0.1, 0.3}"


def _lexeme(token: str) -> str:
    # Tokens are letters and digits only; the quotes keep words like "and" literal.
    return "'" + token.replace("'", "").replace("\\", "") + "'"


def words_tsquery_text(parsed: ParsedQuery) -> str:
    """Return the ``to_tsquery`` text of every stem in ``parsed``, phrases' included, AND-ed.

    Without phrase operators the GIN index answers it alone, without reading any vector.
    """
    stems = parsed.term_stems() + [s for stems in parsed.phrase_stems() for s in stems]
    return " & ".join(_lexeme(s) for s in dict.fromkeys(stems))


def tsquery_text(parsed: ParsedQuery) -> str:
    """Return the ``to_tsquery`` text for ``parsed``: every term and phrase, AND-ed."""
    parts = [_lexeme(stem) for stem in parsed.term_stems()]
    parts += [
        "(" + " <-> ".join(_lexeme(s) for s in stems) + ")" for stems in parsed.phrase_stems()
    ]
    return " & ".join(parts)


def candidates_sql(
    parsed: ParsedQuery, cap: int, visibilities: Sequence[str], filters: Sequence[tuple[str, str]]
) -> tuple[str, list[Any]]:
    """Return a SELECT of (id, score, facets) for the ``cap`` most recently indexed entries
    that contain every word of ``parsed``.

    ``score`` and ``facets`` (JSON) are NULL for a candidate that misses a phrase, has a
    visibility outside ``visibilities`` or fails a ``(facet, value)`` filter: such a row is
    counted as a candidate, nothing more. ``ts_rank`` runs only for the others.
    """
    words = words_tsquery_text(parsed)
    conditions = ["e.visibility IN (" + ", ".join(["%s"] * len(visibilities)) + ")"]
    params: list[Any] = [words, words, cap, *visibilities]
    for key, value in filters:
        conditions.append("e.facets @> %s::jsonb")
        params.append(json.dumps({key: [value]}))
    phrase = ""
    if parsed.phrases:
        phrase = " AND e.search_vector @@ to_tsquery('simple', %s)"
        params.append(tsquery_text(parsed))
    # Fixed SQL text; every value is a parameter. The LATERAL subquery (LIMIT 1 keeps it
    # from being flattened into a join) looks each candidate up by id: given the phrase
    # condition as a join clause, the planner would rather check it on every entry through
    # the GIN index, reading all their vectors.
    sql = (
        "SELECT c.id, h.score, h.facets "  # noqa: S608
        "FROM to_tsquery('simple', %s) AS q (query) "
        "CROSS JOIN search_entry_candidates(to_tsquery('simple', %s), %s) AS c (id) "
        "LEFT JOIN LATERAL ("
        f"SELECT ts_rank('{RANK_WEIGHTS}', e.search_vector, q.query) AS score, e.facets "
        "FROM search_searchentry AS e "
        f"WHERE e.id = c.id AND {' AND '.join(conditions)}{phrase} LIMIT 1"
        ") AS h ON true"
    )
    return sql, params


def after_reindex() -> None:
    """Move the GIN index's pending entries into the index and refresh the planner's
    statistics, after a full reindex or a bulk load.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('search_entry_vector')")
        cursor.execute("ANALYZE search_searchentry")


def index_size() -> int:
    """Return the bytes used by the search table, its TOAST data and its indexes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('search_searchentry')")
        row = cursor.fetchone()
    return int(row[0])
