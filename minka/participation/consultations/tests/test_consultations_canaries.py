"""Members-only canaries of the consultations (``canaries_consultations.MEMBERS_CANARIES``):
a members-only consultation, its sections, comments, response and document never reach a
visitor or a registered non-member by any route of the access matrix, the consultations'
pages, feed and searches, or any link from them. Members see them (positive control)."""

from __future__ import annotations

from django.core.cache import cache
from django.test import override_settings

from minka.core.tests.base import RoleTestCase
from minka.core.tests.crawl import crawl
from minka.core.tests.test_access_matrix import Objects, full_matrix, url_for
from minka.participation.consultations.tests import canaries_consultations as canaries

EVERY_CANARY = canaries.MEMBERS_CANARIES + canaries.CANARIES


@override_settings(SEARCH_RATE_LIMIT=100_000, DIRECTORY_EXPORT_RATE_LIMIT=100_000)
class MembersOnlyConsultationsCanaryTests(RoleTestCase):
    objects: Objects

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.objects = Objects(cls)
        canaries.plant(cls)

    def setUp(self) -> None:
        cache.clear()

    def start_urls(self) -> list[str]:
        urls = canaries.start_urls(self)
        return urls + [url_for(key, access, self.objects) for key, access in full_matrix().items()]

    def test_no_members_canary_reaches_the_visitor_or_a_registered_non_member(self) -> None:
        """Crawl as anon and reg: no canary in any page, feed or header; no 429 or 500."""
        for persona in ("anon", "reg"):
            cache.clear()
            result = crawl(self.as_(persona), self.start_urls(), EVERY_CANARY, limit=600)
            self.assertEqual(result.hits, [], persona)
            self.assertGreater(len(result.visited), 100)
            failing = {url: s for url, s in result.visited.items() if s == 429 or s >= 500}
            self.assertEqual(failing, {}, persona)

    def test_a_member_who_did_not_write_the_hidden_comment_never_reads_it(self) -> None:
        """The consultations' own pages and what they link to (the shared crawl walks every
        route as mem_b too); a smaller limit keeps it well inside the test timeout."""
        result = crawl(self.as_("mem_b"), canaries.start_urls(self), canaries.CANARIES, limit=150)
        self.assertEqual(result.hits, [])

    def test_those_allowed_see_them(self) -> None:
        canaries.check_shown(self)
