"""Canaries of the meetings area: a coordinators-only meeting (title, place) in
``CANARIES``, which the shared crawl checks for anon, reg and mem_b; and, planted here too,
a members-only meeting (title, description, place, an agenda item) and the online link of
a PUBLIC meeting and the name of its attendee kept as written from imported minutes
(members only, whatever the meeting's visibility) in ``MEMBERS_CANARIES``,
which ``test_meetings_canaries`` crawls as anon and reg (members may see them).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from minka.core.visibility import Visibility
from minka.meetings.models import Attendance
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]
MEMBERS_TITLE = f"Reunion canaria miembros {_TAG}"
MEMBERS_DESCRIPTION = f"descripcionreunioncanaria{_TAG}"
MEMBERS_PLACE = f"Lugar canario {_TAG}"
MEMBERS_ITEM = f"Punto canario {_TAG}"
ONLINE_URL = f"https://meet.example.org/canario-{_TAG}"
COORDINATORS_TITLE = f"Reunion canaria coordinacion {_TAG}"
COORDINATORS_PLACE = f"Sala canaria coordinacion {_TAG}"
# An attendee of the public meeting known only by the name written in imported minutes.
WRITTEN_ATTENDEE = f"Asistente escrita {_TAG}"

CANARIES = [COORDINATORS_TITLE, COORDINATORS_PLACE]
MEMBERS_CANARIES = [
    MEMBERS_TITLE,
    MEMBERS_DESCRIPTION,
    MEMBERS_PLACE,
    MEMBERS_ITEM,
    ONLINE_URL,
    WRITTEN_ATTENDEE,
]


def plant(case: Any) -> None:
    case.canary_members_meeting = MeetingFactory.create(
        title=MEMBERS_TITLE,
        description=MEMBERS_DESCRIPTION,
        place=MEMBERS_PLACE,
        visibility=Visibility.MEMBERS,
    )
    AgendaItemFactory.create(meeting=case.canary_members_meeting, title=MEMBERS_ITEM)
    case.canary_public_meeting = MeetingFactory.create(
        title=f"Reunion publica con enlace {_TAG[:4]}",
        modality="virtual",
        online_url=ONLINE_URL,
        visibility=Visibility.PUBLIC,
    )
    Attendance.objects.create(
        meeting=case.canary_public_meeting,
        name_text=WRITTEN_ATTENDEE,
        source=Attendance.Source.RECORDED,
    )
    case.canary_coordinators_meeting = MeetingFactory.create(
        title=COORDINATORS_TITLE, place=COORDINATORS_PLACE, visibility=Visibility.COORDINATORS
    )


def start_urls(case: Any) -> list[str]:
    """The list, filtered and not, and the three meetings' pages (404 for those who may
    not see them, and no canary in the 404)."""
    base = reverse("meetings:meeting-list")
    return [
        base,
        f"{base}?year=2026",
        reverse("site:home"),
        case.canary_members_meeting.get_absolute_url(),
        case.canary_public_meeting.get_absolute_url(),
        reverse("meetings:meeting-attendees", args=[case.canary_public_meeting.public_id]),
        case.canary_coordinators_meeting.get_absolute_url(),
    ]


def check_shown(test: RoleTestCase) -> None:
    """Members see the members-only meeting and the public meeting's link; coordinators
    see the coordinators-only meeting."""
    member = test.as_("mem_b")
    page = member.get(test.canary_members_meeting.get_absolute_url())  # type: ignore[attr-defined]
    for canary in (MEMBERS_TITLE, MEMBERS_DESCRIPTION, MEMBERS_PLACE, MEMBERS_ITEM):
        test.assertContains(page, canary)
    test.assertContains(
        member.get(test.canary_public_meeting.get_absolute_url()),  # type: ignore[attr-defined]
        ONLINE_URL,
    )
    test.assertContains(member.get(reverse("meetings:meeting-list")), MEMBERS_TITLE)
    public_id = test.canary_public_meeting.public_id  # type: ignore[attr-defined]
    test.assertContains(
        member.get(reverse("meetings:meeting-attendees", args=[public_id])), WRITTEN_ATTENDEE
    )
    coord = test.as_("coord")
    test.assertContains(coord.get(reverse("meetings:meeting-list")), COORDINATORS_TITLE)
    test.assertContains(
        coord.get(test.canary_coordinators_meeting.get_absolute_url()),  # type: ignore[attr-defined]
        COORDINATORS_TITLE,
    )
