"""Atom feeds of the meetings area (base: :mod:`minka.notifications.feeds`).

- ``/feeds/reuniones.atom``: public meetings, the most recently scheduled or changed first
  (a cancellation is a change). Each entry says when and where in its own text; the online
  link never appears (it is for members). As in the public calendar, a meeting is listed
  when it and its series (if any) are public.
- ``/feeds/actas.atom``: published minutes anyone may read
  (:func:`minka.meetings.permissions.minutes_visible_to` for a visitor), the latest
  published first: the summary's opening and the agreements.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.meetings import permissions, selectors
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.models import Minutes
from minka.meetings.models import Meeting, Modality
from minka.notifications.feeds import PublicFeed, markdown_excerpt, plain_excerpt

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import QuerySet

    from minka.core.types import Actor

# Agreements listed in a minutes entry; the rest are on the minutes page.
AGREEMENTS_SHOWN = 10


def _day(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def when(meeting: Meeting) -> str:
    """When the meeting takes place, in the site's time zone."""
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    if start.date() == end.date():
        return _("When: %(date)s, from %(start)s to %(end)s.") % {
            "date": date_format(start, "DATE_FORMAT"),
            "start": time_format(start, "TIME_FORMAT"),
            "end": time_format(end, "TIME_FORMAT"),
        }
    return _("When: from %(start)s to %(end)s.") % {
        "start": date_format(start, "DATETIME_FORMAT"),
        "end": date_format(end, "DATETIME_FORMAT"),
    }


def where(meeting: Meeting) -> str:
    """Where: the place, online, or both (the online link itself is for members only)."""
    place = meeting.place.strip()
    online = meeting.modality in (Modality.VIRTUAL, Modality.HYBRID)
    if online and place:
        return _("Where: %(place)s, and online (the link is for members of the network).") % {
            "place": place
        }
    if online:
        return _("Where: online (the link is for members of the network).")
    if place:
        return _("Where: %(place)s.") % {"place": place}
    return _("Where: the place will be announced.")


class MeetingsFeed(PublicFeed[Meeting]):
    page_route = "meetings:meeting-list"
    feed_route = "feeds:meetings"
    title_format = gettext_lazy("Meetings — %(network)s")
    subtitle_text = gettext_lazy(
        "The network's public meetings as they are scheduled, changed or cancelled."
    )

    def entries(self, visitor: Actor) -> QuerySet[Meeting]:
        """One query: the meetings and series a visitor may see (no other relation)."""
        series = selectors.series_visible_to(visitor)
        return (
            Meeting.objects.visible_to(visitor)
            .filter(Q(series__isnull=True) | Q(series__in=series))
            .order_by("-updated_at", "-pk")
        )

    def entry_title(self, item: Meeting) -> str:
        values = {"date": _day(item.starts_at), "title": item.title}
        if item.is_cancelled:
            return _("Cancelled: %(date)s: %(title)s") % values
        return _("%(date)s: %(title)s") % values

    def entry_lines(self, item: Meeting) -> list[str]:
        status = (
            _("This meeting was cancelled.")
            if item.is_cancelled
            else _("Status: %(status)s.") % {"status": item.get_status_display()}
        )
        return [when(item), where(item), status, plain_excerpt(item.description)]

    def entry_path(self, item: Meeting) -> str:
        return item.get_absolute_url()


class MinutesFeed(PublicFeed[Minutes]):
    page_route = "meetings:meeting-list"
    feed_route = "feeds:minutes"
    title_format = gettext_lazy("Published minutes — %(network)s")
    subtitle_text = gettext_lazy(
        "The minutes of the network's meetings, as they are published for everyone."
    )

    def entries(self, visitor: Actor) -> QuerySet[Minutes]:
        """One query: the minutes with their meeting and current revision."""
        return (
            permissions.minutes_visible_to(visitor)
            .filter(status=Minutes.Status.PUBLISHED)
            .select_related("current_revision")
            .order_by("-published_at", "-pk")
        )

    def entry_title(self, item: Minutes) -> str:
        return _("Minutes of %(meeting)s (%(date)s)") % {
            "meeting": item.meeting.title,
            "date": _day(item.meeting.starts_at),
        }

    def entry_lines(self, item: Minutes) -> list[str]:
        revision = item.current_revision
        content = MinutesContent.from_json(revision.content if revision is not None else None)
        lines = [_("Published on %(date)s.") % {"date": _day(self.entry_updated(item))}]
        lines.append(markdown_excerpt(content.summary))
        agreements = [a for a in content.agreements if a.text.strip()]
        if agreements:
            lines.append(_("Agreements:"))
            for number, agreement in enumerate(agreements[:AGREEMENTS_SHOWN], start=1):
                lines.append(f"{number}. {markdown_excerpt(agreement.text)}")
            if len(agreements) > AGREEMENTS_SHOWN:
                lines.append(_("Every agreement is on the minutes page."))
        return lines

    def entry_path(self, item: Minutes) -> str:
        return item.get_absolute_url()

    def entry_updated(self, item: Minutes) -> datetime:
        return item.published_at or item.approved_at or item.updated_at

    def entry_published(self, item: Minutes) -> datetime | None:
        return item.published_at
