"""What people may follow in the meetings app: a meeting series. Its page is the meetings
list filtered by the series, where the follow button sits."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minka.meetings.models import Series
from minka.notifications.follows import FollowTarget, follow_target_register

if TYPE_CHECKING:
    from collections.abc import Collection

    from minka.core.types import Actor

SERIES = "meetings.series"


def series_lookup(ids: Collection[int], user: Actor) -> dict[int, tuple[str, str]]:
    """Title and page of the series among ``ids`` that ``user`` may see (one query)."""
    base = reverse("meetings:meeting-list")
    rows = (
        Series.objects.visible_to(user).filter(pk__in=list(ids)).values_list("pk", "title", "slug")
    )
    return {pk: (title, f"{base}?{urlencode({'series': slug})}") for pk, title, slug in rows}


follow_target_register(
    FollowTarget(
        type=SERIES,
        label=_("Meeting series"),
        lookup=series_lookup,
        follow_text=_("Follow this meeting series"),
        following_text=_("You follow this meeting series."),
    )
)
