"""Atom feed of the repository (base: :mod:`minka.notifications.feeds`).

``/feeds/documentos.atom``: public documents, one entry per document, the one with the
newest version first; the entry is updated whenever a version is added, and names that
version (its number, file name, date and change note).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.documents.models import Document
from minka.documents.selectors import documents_visible_to
from minka.notifications.feeds import PublicFeed, plain_excerpt

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import QuerySet

    from minka.core.types import Actor


class DocumentsFeed(PublicFeed[Document]):
    page_route = "documents:document-list"
    feed_route = "feeds:documents"
    title_format = gettext_lazy("Documents — %(network)s")
    subtitle_text = gettext_lazy(
        "Public documents of the network's repository, the newest versions first."
    )

    def entries(self, visitor: Actor) -> QuerySet[Document]:
        """One query: the documents with their latest version (without its text)."""
        return (
            documents_visible_to(visitor)
            .filter(latest_version__isnull=False)
            .select_related("latest_version")
            .defer("latest_version__text")
            .order_by("-latest_version__created_at", "-pk")
        )

    def entry_title(self, item: Document) -> str:
        return item.title

    def entry_lines(self, item: Document) -> list[str]:
        version = item.latest_version
        lines = []
        if version is not None:
            lines.append(
                _("Version %(number)s: %(name)s, added on %(date)s.")
                % {
                    "number": version.number,
                    "name": version.original_name,
                    "date": date_format(timezone.localtime(version.created_at), "DATE_FORMAT"),
                }
            )
            if version.note:
                lines.append(_("What changed: %(note)s") % {"note": plain_excerpt(version.note)})
        lines.append(
            _("Kind: %(kind)s. Language: %(language)s.")
            % {"kind": item.get_kind_display(), "language": item.get_language_display()}
        )
        lines.append(plain_excerpt(item.description))
        return lines

    def entry_path(self, item: Document) -> str:
        return item.get_absolute_url()

    def entry_updated(self, item: Document) -> datetime:
        version = item.latest_version
        return version.created_at if version is not None else item.updated_at
