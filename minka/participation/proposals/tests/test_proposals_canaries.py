"""Members-only canaries of agenda proposals (``canaries_proposals.MEMBERS_CANARIES``): an
internal proposal and its comment never reach a visitor or a registered non-member by the
proposals' pages, search, or any link from them; a hidden comment never reaches anyone but
its author and the coordination. Members see them (positive control)."""

from __future__ import annotations

from django.core.cache import cache
from django.test import override_settings

from minka.core.tests.base import RoleTestCase
from minka.core.tests.crawl import crawl
from minka.participation.proposals.tests import canaries_proposals as canaries

EVERY_CANARY = canaries.MEMBERS_CANARIES + canaries.CANARIES


@override_settings(SEARCH_RATE_LIMIT=100_000)
class MembersOnlyProposalsCanaryTests(RoleTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        canaries.plant(cls)

    def setUp(self) -> None:
        cache.clear()

    def test_no_members_canary_reaches_the_visitor_or_a_registered_non_member(self) -> None:
        for persona in ("anon", "reg"):
            cache.clear()
            result = crawl(self.as_(persona), canaries.start_urls(self), EVERY_CANARY, limit=150)
            self.assertEqual(result.hits, [], persona)
            failing = {url: s for url, s in result.visited.items() if s == 429 or s >= 500}
            self.assertEqual(failing, {}, persona)

    def test_a_member_of_another_organization_never_reads_a_hidden_comment(self) -> None:
        result = crawl(self.as_("mem_b"), canaries.start_urls(self), canaries.CANARIES, limit=150)
        self.assertEqual(result.hits, [])

    def test_members_see_them(self) -> None:
        canaries.check_shown(self)
