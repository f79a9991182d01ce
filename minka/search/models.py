"""One search index that every app feeds, through :func:`minka.search.index_object`.

Each row is a searchable object: its type (``app_label.model``), its id, the text to match,
who may see it and its facet values. The engine-specific index lives beside the table: an
FTS5 table kept in sync by triggers on SQLite, a generated ``tsvector`` column with a GIN index
on PostgreSQL (see the migrations). Rows are written only by this app's public functions.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from minka.core.visibility import visibility_field


class SearchEntry(models.Model):
    content_type = models.CharField(_("content type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    # The small columns come first: SQLite then reads visibility and facets from a row's
    # first page, without following the overflow pages of a long body (ten times faster).
    visibility = visibility_field()
    # {"kind": ["document"], "year": ["2026"]}: every value a list of strings.
    facets = models.JSONField(_("facets"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("body"), blank=True)
    # Title and body folded, split and stemmed in Python (minka.search._stem): what both
    # engines match words and phrases against.
    stemmed = models.TextField(_("stemmed text"), blank=True)
    # The title's stems again, on their own: both engines weigh a match in the title higher.
    stemmed_title = models.TextField(_("stemmed title"), blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="search_entry_unique_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type}:{self.object_id}"
