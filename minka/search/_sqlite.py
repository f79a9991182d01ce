"""SQLite engine: an external-content FTS5 table over ``search_searchentry``.

The FTS5 table indexes two columns of Python Snowball stems (minka.search._stem):
``stemmed_title`` and ``stemmed`` (title and body). Text and queries are folded and stemmed
the same way, so "participacion" finds "Participación" and "políticas" finds "política"
through the stem; a phrase matches the stems in order, as on PostgreSQL. Triggers created by
the migrations keep the FTS5 table in sync with every insert, update and delete of the table,
ORM bulk operations included.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import connection

if TYPE_CHECKING:
    from collections.abc import Sequence

    from minka.search._stem import ParsedQuery


@cache
def has_fts5() -> bool:
    """Return whether the SQLite library Python links against has FTS5."""
    with sqlite3.connect(":memory:") as probe:
        options = {row[0] for row in probe.execute("PRAGMA compile_options")}
    return "ENABLE_FTS5" in options


def _quoted(text: str) -> str:
    # Tokens are letters and digits only (minka.search._stem.TOKEN_RE); quoting keeps FTS5
    # from reading words such as NEAR, AND or NOT as operators.
    return '"' + text.replace('"', "") + '"'


def match_expression(parsed: ParsedQuery) -> str:
    """Return the FTS5 MATCH expression for ``parsed``: every term's stem and every phrase's
    stems in order, AND-ed.

    The stems of the title and body hold every indexed word in stemmed form, and the query
    is stemmed the same way, so a word in any form matches through its stem alone.
    """
    parts = [_quoted(stem) for stem in parsed.term_stems()]
    parts += [_quoted(" ".join(stems)) for stems in parsed.phrase_stems()]
    return " AND ".join(parts)


def candidates_sql(
    parsed: ParsedQuery, cap: int, visibilities: Sequence[str], filters: Sequence[tuple[str, str]]
) -> tuple[str, list[Any]]:
    """Return a SELECT of (id, score, facets) for the ``cap`` most recently indexed matches.

    ``facets`` (JSON text) is NULL, and ``score`` is to be ignored, for a match that has a
    visibility outside ``visibilities`` or fails a ``(facet, value)`` filter: such a row is
    counted as a candidate, nothing more. bm25 weighs the title's stems 3 and the title and
    body's stems 1, so a word in the title counts four times. FTS5 walks the matches in
    rowid order and stops at the cap, so a query matching most of the index still ranks only
    ``cap`` rows.
    """
    conditions = ["e.visibility IN (" + ", ".join(["%s"] * len(visibilities)) + ")"]
    params: list[Any] = [match_expression(parsed), cap, *visibilities]
    for key, value in filters:
        # The key matched minka.search._index.FACET_KEY_RE: letters, digits and underscores only.
        conditions.append("EXISTS (SELECT 1 FROM json_each(e.facets, %s) AS f WHERE f.value = %s)")
        params += [f'$."{key}"', value]
    # Fixed SQL text; every value is a parameter.
    sql = (
        "SELECT m.id, m.score, e.facets FROM ("  # noqa: S608
        "SELECT rowid AS id, -bm25(search_searchentry_fts, 3.0, 1.0) AS score "
        "FROM search_searchentry_fts WHERE search_searchentry_fts MATCH %s "
        "ORDER BY rowid DESC LIMIT %s) AS m "
        f"LEFT JOIN search_searchentry AS e ON e.id = m.id AND {' AND '.join(conditions)}"
    )
    return sql, params


def after_reindex() -> None:
    """Merge the FTS5 index segments after a full reindex (the triggers already filled it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_searchentry_fts(search_searchentry_fts) VALUES ('optimize')"
        )


def index_size() -> int:
    """Return the bytes used by the search table, its indexes and the FTS5 shadow tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat "
            "WHERE name LIKE 'search\\_%' ESCAPE '\\' OR name LIKE 'sqlite_autoindex_search\\_%' "
            "ESCAPE '\\'"
        )
        row = cursor.fetchone()
    return int(row[0])
