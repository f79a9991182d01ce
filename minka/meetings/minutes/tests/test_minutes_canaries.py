"""Members-only canaries of the minutes: the text of minutes in review, an observation on
them, and an observation on minutes later published for everyone. A crawl from the minutes
pages (and every link reachable from them) as a visitor and as a registered non-member finds
none; the same crawl as a member of another organization meets them (positive control)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.urls import reverse

from minka.core.tests.base import RoleTestCase
from minka.core.tests.crawl import crawl
from minka.meetings.minutes import services
from minka.meetings.minutes.tests.factories import minutes_in, sample_content

if TYPE_CHECKING:
    from minka.meetings.minutes.models import Minutes

_TAG = uuid.uuid4().hex[:10]
REVIEW_TEXT = f"revisioncanaria{_TAG}"
OBSERVATION = f"observacioncanaria{_TAG}"
PUBLISHED_OBSERVATION = f"observacionpublicadacanaria{_TAG}"
MEMBERS_TEXT = f"actamiembroscanaria{_TAG}"
CANARIES = [REVIEW_TEXT, OBSERVATION, PUBLISHED_OBSERVATION, MEMBERS_TEXT]


class MembersOnlyMinutesCanaryTests(RoleTestCase):
    review: Minutes
    published: Minutes
    members: Minutes

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        content = sample_content()
        content.summary = REVIEW_TEXT
        cls.review = minutes_in("review", actor=cls.coord, content=content)
        services.observation_add(
            actor=cls.mem_a, minutes=cls.review, section="summary", text=OBSERVATION
        )
        cls.published = minutes_in("review", actor=cls.coord)
        services.observation_add(
            actor=cls.mem_a, minutes=cls.published, section="notes", text=PUBLISHED_OBSERVATION
        )
        services.minutes_approve(actor=cls.coord, minutes=cls.published)
        services.minutes_publish(actor=cls.coord, minutes=cls.published, visibility="public")
        members = sample_content()
        members.notes = MEMBERS_TEXT
        cls.members = minutes_in("published-members", actor=cls.coord, content=members)

    def start(self) -> list[str]:
        urls = []
        for minutes in (self.review, self.published, self.members):
            public_id = minutes.meeting.public_id
            urls += [
                reverse("meetings:minutes-detail", args=[public_id]),
                reverse("meetings:minutes-revisions", args=[public_id]),
                reverse("meetings:minutes-compare", args=[public_id]) + "?a=1&b=2",
                reverse("meetings:minutes-edit", args=[public_id]),
                reverse("meetings:minutes-erratum", args=[public_id]),
                minutes.meeting.get_absolute_url(),
            ]
        return [*urls, reverse("site:home")]

    def test_no_canary_reaches_the_visitor_or_a_registered_non_member(self) -> None:
        for persona in ("anon", "reg"):
            result = crawl(self.as_(persona), self.start(), CANARIES, limit=200)
            self.assertEqual(result.hits, [], f"canaries leaked to {persona}")
            self.assertGreater(len(result.visited), 10)

    def test_members_meet_every_canary(self) -> None:
        result = crawl(self.as_("mem_b"), self.start(), CANARIES, limit=200)
        for canary in CANARIES:
            self.assertTrue(any(canary.lower() in hit for hit in result.hits), canary)
