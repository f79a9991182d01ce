from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "minka.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        checks.register(check_fts5, checks.Tags.database)


def check_fts5(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """On SQLite, the search index needs FTS5 compiled in (Debian's and Python's builds have it)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return []
    from minka.search._sqlite import has_fts5

    if has_fts5():
        return []
    return [
        checks.Error(
            "This SQLite build has no FTS5: search cannot work.",
            hint="Use a Python linked against an SQLite with FTS5, or PostgreSQL.",
            id="search.E001",
        )
    ]
