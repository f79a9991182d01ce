"""SQLite engine: an external-content FTS5 table over ``search_searchentry``.

The FTS5 table has three columns: ``title`` and ``body`` as written (``unicode61`` with
diacritics removed, so "participacion" finds "Participación") and ``stemmed``, the Python
Snowball stems of both. A word matches its raw form or its stem; a phrase matches the stems in
order, as on PostgreSQL. Triggers created by the migration keep the FTS5 table in sync with
every insert, update and delete of the table, ORM bulk operations included.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import connection

if TYPE_CHECKING:
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
    """Return the FTS5 MATCH expression for ``parsed``: every term and phrase, AND-ed."""
    parts = [
        f"({{title body}} : {_quoted(term)} OR stemmed : {_quoted(stem)})"
        for term, stem in zip(parsed.terms, parsed.term_stems(), strict=True)
    ]
    parts += [f"stemmed : {_quoted(' '.join(stems))}" for stems in parsed.phrase_stems()]
    return " AND ".join(parts)


def candidates_sql(parsed: ParsedQuery, cap: int) -> tuple[str, list[Any]]:
    """Return a SELECT of (id, score) for the ``cap`` most recently indexed matches.

    bm25 weights (title, body, stemmed) as 4, 1, 1: a word in the title counts four times.
    FTS5 walks the matches in rowid order and stops at the cap, so a query matching most of
    the index still ranks only ``cap`` rows.
    """
    sql = (
        "SELECT rowid AS id, -bm25(search_searchentry_fts, 4.0, 1.0, 1.0) AS score "
        "FROM search_searchentry_fts WHERE search_searchentry_fts MATCH %s "
        "ORDER BY rowid DESC LIMIT %s"
    )
    return sql, [match_expression(parsed), cap]


def score_sql(parsed: ParsedQuery) -> tuple[str, list[Any]]:
    """Return the score expression of the filtered hits (computed with the candidates)."""
    return "m.score", []


def facet_filter_sql(key: str, value: str) -> tuple[str, list[Any]]:
    """Return a condition on ``e`` that is true when facet ``key`` includes ``value``."""
    return (
        "EXISTS (SELECT 1 FROM json_each(e.facets, %s) AS f WHERE f.value = %s)",
        [f'$."{key}"', value],
    )


FACET_COUNTS_SQL = (
    "SELECT k.key, v.value, COUNT(*) FROM hits JOIN search_searchentry e ON e.id = hits.id, "
    "json_each(e.facets) AS k, json_each(k.value) AS v GROUP BY k.key, v.value"
)


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
