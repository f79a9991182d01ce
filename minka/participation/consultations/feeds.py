"""Atom feed of the open public consultations (base: :mod:`minka.notifications.feeds`).

``/feeds/consultas.atom``: the public consultations open now, the most recently opened
first, each with its document, its closing date and its description."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.core.visibility import Visibility
from minka.notifications.feeds import PublicFeed, markdown_excerpt
from minka.participation.consultations.models import Consultation
from minka.participation.consultations.selectors import consultations_visible_to

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import QuerySet

    from minka.core.types import Actor


class ConsultationsFeed(PublicFeed[Consultation]):
    page_route = "participation:consultation-list"
    feed_route = "feeds:consultations"
    title_format = gettext_lazy("Open consultations — %(network)s")
    subtitle_text = gettext_lazy(
        "The network's public consultations open for comments: the document, and until when."
    )

    def entries(self, visitor: Actor) -> QuerySet[Consultation]:
        """One query: the open consultations the visitor may see, with their document."""
        entries: QuerySet[Consultation] = (
            consultations_visible_to(visitor)
            .open()
            .select_related("document")
            .order_by("-opens_at", "-pk")
        )
        return entries

    def entry_title(self, item: Consultation) -> str:
        return item.title

    def entry_lines(self, item: Consultation) -> list[str]:
        closes = date_format(timezone.localtime(item.closes_at), "DATETIME_FORMAT")
        public = item.document.visibility == Visibility.PUBLIC
        return [
            _("Document: %(title)s.") % {"title": item.document.title} if public else "",
            _("Open for comments until %(date)s.") % {"date": closes},
            markdown_excerpt(item.description),
        ]

    def entry_path(self, item: Consultation) -> str:
        return item.get_absolute_url()

    def entry_published(self, item: Consultation) -> datetime | None:
        return item.opens_at
