"""Canaries of the calendars for the project-wide crawl (``anon``, ``reg`` and ``mem_b``):
a coordinators-only meeting's title, place and agenda item must reach no calendar below
coordinator: not the public feed, not a registered user's personal feed, not its ``.ics``.
(The crawl also runs as the member ``mem_b``, so members-only canaries (a members-only
meeting, a public meeting's online link) are crawled as ``anon`` and ``reg`` in
``test_calendar_canaries``.)
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import icalendar
from django.urls import reverse

from minka.core.visibility import Visibility
from minka.meetings.services import calendar as calendar_services
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]
TITLE = f"Reunion canaria coordinacion {_TAG}"
PLACE = f"Lugar canario {_TAG}"
AGENDA = f"Punto canario {_TAG}"

CANARIES = [TITLE, PLACE, AGENDA]


def plant(case: Any) -> None:
    case.calendar_canary = MeetingFactory.create(
        title=TITLE, place=PLACE, visibility=Visibility.COORDINATORS
    )
    AgendaItemFactory.create(meeting=case.calendar_canary, position=1, title=AGENDA)


def start_urls(case: Any) -> list[str]:
    """The canary meeting's own ``.ics`` (404 below coordinator) and the public feed."""
    return [
        reverse("meetings:meeting-ics", kwargs={"public_id": case.calendar_canary.public_id}),
        reverse("meetings:calendar-public"),
    ]


def check_shown(test: RoleTestCase) -> None:
    """A coordinator's ``.ics`` and personal feed carry the title, place and agenda item."""
    meeting = test.calendar_canary  # type: ignore[attr-defined]
    url = reverse("meetings:meeting-ics", kwargs={"public_id": meeting.public_id})
    response = test.as_("coord").get(url)
    event = icalendar.Calendar.from_ical(response.content).events[0]
    test.assertEqual(str(event["SUMMARY"]), TITLE)
    test.assertEqual(str(event["LOCATION"]), PLACE)
    test.assertIn(AGENDA, str(event["DESCRIPTION"]))
    _feed, token = calendar_services.calendar_feed_create(actor=test.coord)
    feed = test.client.get(reverse("meetings:calendar-personal", kwargs={"token": token}))
    test.assertIn(TITLE.encode(), feed.content)
