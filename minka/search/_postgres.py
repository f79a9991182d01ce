"""PostgreSQL engine: a generated ``tsvector`` over the Python-stemmed text, with a GIN index.

The column is ``setweight(to_tsvector('simple', stemmed_title), 'A') || to_tsvector('simple',
stemmed)``: the text is already folded and stemmed in Python exactly as on SQLite, so neither
the ``unaccent`` extension nor the ``spanish`` configuration is needed (chaining ``unaccent``
before the Spanish stemmer silently stops stemming accented suffixes). Queries are built from
the same tokens, quoted, and passed to ``to_tsquery`` as a parameter: user text never reaches
the tsquery parser unchanged.

A search is one call of ``search_entry_hits`` (see the migrations): it finds the newest
entries containing every word through the primary key or the GIN index, and checks each for
phrases, visibility and filters, and ranks it, in the scan that reads it. The vector is stored
in line, so that costs one short row per candidate.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import connection

if TYPE_CHECKING:
    from collections.abc import Sequence

    from minka.search._stem import ParsedQuery


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
    counted as a candidate, nothing more. ``search_entry_hits`` (see the migrations) checks
    and ranks each candidate in the scan that finds it.
    """
    phrases = "NULL"
    params: list[Any] = [words_tsquery_text(parsed)]
    if parsed.phrases:
        phrases = "to_tsquery('simple', %s)"
        params.append(tsquery_text(parsed))
    # {"kind": ["acta"], "year": ["2024"]}: the entry's facets must contain it.
    params += [list(visibilities), json.dumps({key: [value] for key, value in filters}), cap]
    sql = (
        "SELECT entry_id, rank, entry_facets FROM search_entry_hits("  # noqa: S608
        f"to_tsquery('simple', %s), {phrases}, %s::text[], %s::jsonb, %s)"
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
