"""Demo meetings for ``minka load_demo``: the network's series and its first two meetings.

Meeting 1 is the first working meeting of 16 March 2026, imported from its real minutes
(``demo_data/acta_2026_03_16.txt``, the text as people wrote it) through the minutes
importer, as a coordinator would import them: read, parsed with the year 2026 (the minutes
say "del presente"), saved as a held meeting with draft minutes, then reviewed, approved
and published for everyone. The minutes give neither the place nor the time: Lima and
10:00–12:00 are assumptions (the importer's default hours). Meeting 2 is created by
"Programar la próxima reunión" on the date the minutes agreed ("within a month": 16 April
2026). The presenter is named in the text only: the minutes list no attendees, so the
import creates no directory record for a real person. Running it again creates nothing.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import timezone

from minka.core.visibility import Visibility
from minka.meetings.minutes import services as minutes_services
from minka.meetings.minutes.importers.formats import read_minutes
from minka.meetings.minutes.importers.service import minutes_import
from minka.meetings.minutes.importers.spanish import parse_minutes
from minka.meetings.models import Cadence, Meeting, Minutes, Series
from minka.meetings.services import meetings as services

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Organization

SERIES_SLUG = "desarrollo-tic-peru"
SERIES_TITLE = "Desarrollo de las TIC en el Perú: aportes desde la sociedad civil"
MINUTES_FILE = Path(__file__).resolve().parent / "demo_data" / "acta_2026_03_16.txt"
MINUTES_YEAR = 2026
PLACE = "Lima"
CONVENERS = {"IGIP", "CCC"}


def load(*, coordinator: User, organizations: dict[str, Organization]) -> int:
    """Create the series and meetings that are missing; return how many objects were made."""
    created = 0
    series, new = Series.objects.get_or_create(
        slug=SERIES_SLUG,
        defaults={
            "title": SERIES_TITLE,
            "cadence": Cadence.MONTHLY,
            "visibility": Visibility.PUBLIC,
            "is_demo": True,
            "description": "Reuniones mensuales de trabajo de las organizaciones de la red.",
        },
    )
    created += new
    first = Meeting.objects.filter(series=series, number=1).first()
    if first is None:
        first = _first_meeting(coordinator, series, organizations)
        # The meeting, its agenda, its minutes and their first revision.
        created += 1 + first.agenda_items.count() + 2
    if not first.following.exists() and not first.is_cancelled:
        services.meeting_schedule_next(actor=coordinator, meeting=first)
        created += 1
    return created


def _first_meeting(
    coordinator: User, series: Series, organizations: dict[str, Organization]
) -> Meeting:
    parsed = parse_minutes(read_minutes(MINUTES_FILE), year=MINUTES_YEAR)
    meeting = minutes_import(
        actor=coordinator,
        parsed=parsed,
        series=series,
        source_name=MINUTES_FILE.name,
        visibility=Visibility.PUBLIC,
    )
    # What the coordinator adds after the import: the place and the convening organizations.
    meeting = services.meeting_update(
        actor=coordinator,
        meeting=meeting,
        data={
            "place": meeting.place or PLACE,
            "organizations": [o for key, o in organizations.items() if key in CONVENERS],
        },
    )
    Meeting.objects.filter(pk=meeting.pk).update(is_demo=True)
    meeting.is_demo = True
    _publish(coordinator, Minutes.objects.get(meeting=meeting))
    return meeting


def _publish(coordinator: User, minutes: Minutes) -> None:
    """The imported draft through the cycle: review, approval, publication for everyone."""
    deadline = timezone.now() + datetime.timedelta(days=7)
    minutes_services.minutes_open_review(actor=coordinator, minutes=minutes, deadline=deadline)
    minutes_services.minutes_approve(actor=coordinator, minutes=minutes)
    minutes_services.minutes_publish(
        actor=coordinator, minutes=minutes, visibility=Visibility.PUBLIC
    )
