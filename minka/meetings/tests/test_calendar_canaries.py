"""Members-only canaries of the calendars: a members-only meeting's title and a public
meeting's online link must never reach a visitor or a registered non-member through any
calendar (public feed, a meeting's ``.ics``, a registered user's personal feed) nor the
pages linked from them; a member's crawl finds both (positive control)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.urls import reverse

from minka.core.tests.base import RoleTestCase
from minka.core.tests.crawl import crawl
from minka.core.visibility import Visibility
from minka.meetings.services import calendar as calendar_services
from minka.meetings.tests.factories import MeetingFactory

if TYPE_CHECKING:
    from minka.meetings.models import Meeting

_TAG = uuid.uuid4().hex[:10]
MEMBERS_TITLE = f"Reunion reservada canaria {_TAG}"
ONLINE_LINK = f"https://meet.example.org/canario-{_TAG}"
CANARIES = [MEMBERS_TITLE, ONLINE_LINK]


class CalendarCanaryTests(RoleTestCase):
    members: Meeting
    public: Meeting

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.members = MeetingFactory.create(title=MEMBERS_TITLE, visibility=Visibility.MEMBERS)
        cls.public = MeetingFactory.create(title="Reunión abierta", online_url=ONLINE_LINK)

    def _start(self, persona: str) -> list[str]:
        """Every calendar URL, with the persona's own personal feed when signed in."""
        urls = [
            reverse("meetings:calendar-public"),
            reverse("meetings:calendar-feed"),
            reverse("meetings:meeting-ics", kwargs={"public_id": self.public.public_id}),
            reverse("meetings:meeting-ics", kwargs={"public_id": self.members.public_id}),
        ]
        # A registered user's feed URL, fetched by the visitor too: the token is the key.
        _feed, token = calendar_services.calendar_feed_create(actor=self.reg)
        urls.append(reverse("meetings:calendar-personal", kwargs={"token": token}))
        if persona not in ("anon", "reg"):
            _feed, own = calendar_services.calendar_feed_create(actor=getattr(self, persona))
            urls.append(reverse("meetings:calendar-personal", kwargs={"token": own}))
        return urls

    def test_no_calendar_leaks_to_visitors_or_registered_users(self) -> None:
        visited = 0
        for persona in ("anon", "reg"):
            result = crawl(self.as_(persona), self._start(persona), CANARIES, limit=60)
            self.assertEqual(result.hits, [], f"canaries leaked to {persona}")
            visited += len(result.visited)
        self.assertGreaterEqual(visited, 10)

    def test_a_member_finds_both_canaries(self) -> None:
        """Positive control: the same crawl as a member meets the title and the link."""
        result = crawl(self.as_("mem_b"), self._start("mem_b"), CANARIES, limit=60)
        hits = " ".join(result.hits)
        self.assertIn(MEMBERS_TITLE.lower(), hits)
        self.assertIn(ONLINE_LINK.lower(), hits)
