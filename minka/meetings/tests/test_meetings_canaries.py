"""Members-only canaries of the meetings area (``canaries_meetings.MEMBERS_CANARIES``): a
members-only meeting's title, description, place and agenda item, and a public meeting's
online link, never reach a visitor or a registered non-member by any route of the access
matrix or any link from them; members see them (positive control)."""

from __future__ import annotations

from django.urls import reverse

from minka.core.tests.base import RoleTestCase
from minka.core.tests.crawl import crawl
from minka.core.tests.test_access_matrix import Objects, full_matrix, url_for
from minka.meetings.tests import canaries_meetings as canaries


class MembersOnlyMeetingCanaryTests(RoleTestCase):
    objects: Objects

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.objects = Objects(cls)
        canaries.plant(cls)

    def start_urls(self) -> list[str]:
        urls = [url_for(key, access, self.objects) for key, access in full_matrix().items()]
        return urls + canaries.start_urls(self)

    def test_no_members_canary_reaches_the_visitor_or_a_registered_non_member(self) -> None:
        for persona in ("anon", "reg"):
            result = crawl(self.as_(persona), self.start_urls(), canaries.MEMBERS_CANARIES)
            self.assertEqual(result.hits, [], f"members-only meeting data leaked to {persona}")
            self.assertGreater(len(result.visited), 15)

    def test_members_see_them(self) -> None:
        canaries.check_shown(self)
        home = self.as_("mem_a").get(reverse("site:home"))
        self.assertEqual(home.status_code, 200)
