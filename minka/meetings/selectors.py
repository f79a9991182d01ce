"""Reads shared by every page of the meetings app: a meeting or its minutes, permission-checked.

Each area (meetings, attendance, minutes, calendars) adds the selectors its pages need; these
two are the entry points every view uses so that an invisible meeting always answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone

from minka.core.visibility import visibilities_for
from minka.directory.models import Organization
from minka.meetings import permissions
from minka.meetings.minutes.models import Minutes
from minka.meetings.models import AgendaItem, Meeting, Series

if TYPE_CHECKING:
    from collections.abc import Mapping
    from uuid import UUID

    from django.db.models import QuerySet

    from minka.core.types import Actor


def meeting_get(*, user: Actor, public_id: UUID | str) -> Meeting:
    """The meeting ``public_id`` with its series, if ``user`` may see it (``Http404`` otherwise)."""
    meeting: Meeting | None = (
        Meeting.objects.visible_to(user)
        .select_related("series")
        .filter(public_id=public_id)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def minutes_get(*, user: Actor, public_id: UUID | str) -> Minutes:
    """The minutes of meeting ``public_id`` (with the meeting, its series and the current
    revision) if ``user`` may read them in their present state (``Http404`` otherwise)."""
    minutes = (
        Minutes.objects.select_related("meeting__series", "current_revision", "approved_by")
        .filter(meeting__public_id=public_id)
        .first()
    )
    if minutes is None or not permissions.can_view_minutes(user, minutes):
        raise Http404
    return minutes


# --- Meetings, agenda and the home page (meetings area) ----------------------------------


def series_visible_to(user: Actor) -> QuerySet[Series]:
    """The series ``user`` may see (for the list's series filter)."""
    return Series.objects.visible_to(user).order_by("title")


def _meetings_for_list(user: Actor, filters: Mapping[str, Any]) -> QuerySet[Meeting]:
    meetings = Meeting.objects.visible_to(user)
    if series := filters.get("series"):
        meetings = meetings.filter(series=series)
    if year := filters.get("year"):
        meetings = meetings.filter(starts_at__year=year)
    # A row shows the series, not the convening organizations: no prefetch (with every
    # meeting on one page, its IN list of ids cost more than the rows' SQL).
    return meetings.select_related("series")


def meeting_list(
    *, user: Actor, filters: Mapping[str, Any]
) -> tuple[QuerySet[Meeting], QuerySet[Meeting]]:
    """The meetings ``user`` may see, filtered by series and year: upcoming (not yet over,
    soonest first, cancelled ones included so that nobody travels to them) and past
    (latest first)."""
    meetings = _meetings_for_list(user, filters)
    now = timezone.now()
    upcoming = meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")
    past = meetings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    return upcoming, past


def meeting_years(user: Actor) -> list[int]:
    """The years (in local time) with meetings ``user`` may see, newest first."""
    years = (
        Meeting.objects.visible_to(user)
        .annotate(meeting_year=ExtractYear("starts_at"))
        .values_list("meeting_year", flat=True)
        .order_by("-meeting_year")
        .distinct()
    )
    return [int(year) for year in years if year]


def meeting_detail_get(*, user: Actor, public_id: UUID | str) -> Meeting:
    """The meeting page's meeting (``Http404`` if ``user`` may not see it), with, in a
    fixed number of queries whatever the size of the agenda: its convening organizations,
    its agenda in order (presenter and organization; ``item.visible_documents`` holds the
    documents ``user`` may see; ``item.visible_presenter`` the presenter if ``user`` may
    see that person), and ``meeting.visible_following``, the next meeting if visible."""
    from minka.core.markdown import render
    from minka.directory.permissions import can_view_person
    from minka.documents.models import Document

    meeting = meeting_get(user=user, public_id=public_id)
    # ``visible_previous``: the meeting this one follows, if ``user`` may see it.
    documents = (
        Document.objects.visible_to(user)
        .select_related("latest_version")
        .defer("latest_version__text")
        .order_by("title", "pk")
    )
    items = AgendaItem.objects.select_related(
        "presenter", "presenter_organization"
    ).prefetch_related(Prefetch("documents", queryset=documents, to_attr="visible_documents"))
    prefetch_related_objects(
        [meeting],
        Prefetch("organizations", queryset=Organization.objects.order_by("name")),
        Prefetch("agenda_items", queryset=items.order_by("position", "pk"), to_attr="agenda"),
        Prefetch(
            "following",
            queryset=Meeting.objects.visible_to(user).order_by("starts_at"),
            to_attr="visible_following",
        ),
        Prefetch("previous", queryset=Meeting.objects.visible_to(user), to_attr="visible_previous"),
    )
    # Ignored type error: set by the Prefetch(to_attr=...) above.
    for item in meeting.agenda:  # type: ignore[attr-defined]
        item.description_html = render(item.description) if item.description else ""
        presenter = item.presenter
        item.visible_presenter = (
            presenter if presenter is not None and can_view_person(user, presenter) else None
        )
    return meeting


def agenda_item_get(*, user: Actor, public_id: UUID | str, item_id: int) -> AgendaItem:
    """An item of the agenda of meeting ``public_id`` (``Http404`` if ``user`` may not see
    the meeting, or the item belongs to another meeting)."""
    meeting = meeting_get(user=user, public_id=public_id)
    item = (
        AgendaItem.objects.select_related("presenter", "presenter_organization")
        .filter(meeting=meeting, pk=item_id)
        .first()
    )
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


def meeting_next_for(user: Actor) -> Meeting | None:
    """The next meeting ``user`` may see that is not over or cancelled (the home page)."""
    meeting: Meeting | None = (
        Meeting.objects.visible_to(user).upcoming().select_related("series").first()
    )
    return meeting


def minutes_latest_published(user: Actor, *, limit: int = 3) -> list[Minutes]:
    """The latest published minutes ``user`` may read: published, their visibility open to
    ``user``, and their meeting visible to ``user`` (the home page)."""
    visibilities = visibilities_for(user)
    return list(
        Minutes.objects.published()
        .filter(visibility__in=visibilities, meeting__visibility__in=visibilities)
        .select_related("meeting__series")
        .order_by("-published_at", "-pk")[:limit]
    )
