"""The repository in the Django admin: a read-only overview for coordinators.

Uploads, edits and deletions happen on the site's own pages, which check the files, keep the
search index in sync and clean up stored files; the admin only lists and shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin

from minka.core.admin import ReadOnlyForCoordinatorsAdmin
from minka.documents.models import Document, Version

if TYPE_CHECKING:
    from django.http import HttpRequest


class VersionInline(admin.TabularInline[Version, Document]):
    model = Version
    fields = ("number", "original_name", "file_type", "size", "page_count", "status", "reason")
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyForCoordinatorsAdmin):
    list_display = ("title", "kind", "visibility", "language", "created_at")
    list_filter = ("kind", "visibility", "language")
    search_fields = ("title", "description")
    exclude = ("latest_version",)
    inlines = [VersionInline]


@admin.register(Version)
class VersionAdmin(ReadOnlyForCoordinatorsAdmin):
    list_display = ("document", "number", "file_type", "status", "reason", "created_at")
    list_filter = ("status", "file_type")
    exclude = ("text",)
