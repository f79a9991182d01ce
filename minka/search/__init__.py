"""Search: one index that every app feeds, two engines chosen by the database.

Callers import only this module::

    from minka import search

    search.register(Document, title=..., body=..., visibility=..., facets=...,
                    type_name=lambda: _("Document"), visible_to=...)
    search.index_object(document)      # after create, update or visibility change
    search.remove_object(document)     # before or after delete
    results = search.search("políticas", user=request.user, filters={"kind": "acta"})
    search.reindex()                   # rebuild everything from the registered models

The engine follows ``connection.vendor``: SQLite uses FTS5 (``minka.search._sqlite``),
PostgreSQL a generated ``tsvector`` with a GIN index (``minka.search._postgres``). Text is
folded, split and stemmed in Python for both (``minka.search._stem``), so the results contract
is the same: every word must match in any form ("políticas" finds "política"), quoted phrases
match in order, and results and facet counts include only what ``user`` may see.

Each app registers its own models from ``AppConfig.ready()`` (``<app>/search_index.py``):
documents, meetings and minutes, organizations and people so far. Every entry has the facet
``type`` (its model label, named by the registration's ``type_name``), offered first; the
search page shows a hit with ``search/results/<app>_<model>.html`` after checking it against
the registration's ``visible_to(user)``.

The implementation is private: registration of types and facets in ``_registry``, writing
the index in ``_index``, queries in ``_query`` and highlighted snippets in ``_snippet``.
"""

from __future__ import annotations

from minka.search._index import bulk_index, index_object, index_size, reindex, remove_object
from minka.search._query import MAX_CANDIDATES, SearchHit, SearchResults, search
from minka.search._registry import (
    Facet,
    Searchable,
    facets,
    register,
    register_facet,
    registered,
    unregister,
)
from minka.search._snippet import highlight

__all__ = [
    "MAX_CANDIDATES",
    "Facet",
    "SearchHit",
    "SearchResults",
    "Searchable",
    "bulk_index",
    "facets",
    "highlight",
    "index_object",
    "index_size",
    "register",
    "register_facet",
    "registered",
    "reindex",
    "remove_object",
    "search",
    "unregister",
]
