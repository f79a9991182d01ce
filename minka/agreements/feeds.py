"""Atom feed of the commitments (base: :mod:`minka.notifications.feeds`).

``/feeds/acuerdos.atom``: public commitments, the most recently created or changed first,
each with who is responsible (the organizations and people a visitor may see, as the
commitment's page shows them), its due date, status and progress.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.agreements.models import Commitment
from minka.agreements.selectors import commitments_visible_to, with_owners
from minka.notifications.feeds import PublicFeed, plain_excerpt

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from minka.core.types import Actor


def responsible(commitment: Commitment) -> str:
    """The owners a visitor may see (prefetched), else the text the minutes wrote."""
    names = [o.name for o in commitment.responsible_organizations.all()]
    names += [p.full_name for p in commitment.responsible_people.all()]
    if names:
        return ", ".join(names)
    return commitment.responsible_text.strip() or _("Not assigned yet")


class CommitmentsFeed(PublicFeed[Commitment]):
    page_route = "agreements:dashboard"
    feed_route = "feeds:commitments"
    title_format = gettext_lazy("Commitments — %(network)s")
    subtitle_text = gettext_lazy(
        "The network's public commitments: who is responsible, by when, and how far they have got."
    )

    def entries(self, visitor: Actor) -> QuerySet[Commitment]:
        """Three queries: the commitments, and the organizations and people the visitor may
        see among their owners (:func:`~minka.agreements.selectors.with_owners`)."""
        return with_owners(commitments_visible_to(visitor), visitor).order_by("-updated_at", "-pk")

    def entry_title(self, item: Commitment) -> str:
        return item.title

    def entry_lines(self, item: Commitment) -> list[str]:
        due = (
            _("Due date: %(date)s.") % {"date": date_format(item.due_date, "DATE_FORMAT")}
            if item.due_date
            else _("No due date.")
        )
        return [
            _("Responsible: %(names)s.") % {"names": responsible(item)},
            due,
            _("Status: %(status)s; progress: %(progress)s %%.")
            % {"status": item.get_status_display(), "progress": item.progress},
            _("This commitment is overdue.") if item.is_overdue else "",
            plain_excerpt(item.description),
        ]

    def entry_path(self, item: Commitment) -> str:
        return item.get_absolute_url()
