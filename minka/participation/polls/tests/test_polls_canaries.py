"""Members-only canaries of the date polls (``canaries_polls.MEMBERS_CANARIES``): a
members-only poll and its respondents, and the link and respondents' names of a public poll
never reach a visitor or a registered non-member, by any route of the access matrix or any
link from them. Members see them (positive control)."""

from __future__ import annotations

from django.core.cache import cache

from minka.core.tests.base import RoleTestCase
from minka.core.tests.crawl import crawl
from minka.core.tests.test_access_matrix import Objects, full_matrix, url_for
from minka.participation.polls.tests import canaries_polls as canaries


class MembersOnlyPollCanaryTests(RoleTestCase):
    objects: Objects

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.objects = Objects(cls)
        canaries.plant(cls)

    def setUp(self) -> None:
        cache.clear()

    def test_no_members_canary_reaches_the_visitor_or_a_registered_non_member(self) -> None:
        """Crawl the polls' pages, then every route, as anon and reg: no canary anywhere."""
        routes = [url_for(key, access, self.objects) for key, access in full_matrix().items()]
        for persona in ("anon", "reg"):
            cache.clear()
            start = canaries.start_urls(self) + routes
            result = crawl(self.as_(persona), start, canaries.MEMBERS_CANARIES, limit=500)
            self.assertEqual(result.hits, [], persona)
            self.assertGreater(len(result.visited), 50)
            self.assertNotIn(500, result.visited.values())

    def test_members_see_them(self) -> None:
        canaries.check_shown(self)
