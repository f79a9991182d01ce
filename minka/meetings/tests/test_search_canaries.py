"""Members-only canaries of the search (``canaries_search.MEMBERS_CANARIES``): the agenda of a
members-only meeting, minutes in review, a person listed to members, an applicant
organization's description and a publicly listed person's bio never reach a visitor or a
registered non-member, in hits, snippets or facet counts, by search or by any link from its
results; members find them (positive control). The coordinators-only canaries of the same
module go through the shared crawl (``minka/core/tests/test_canary_crawl.py``)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from minka import search
from minka.core.tests.base import RoleTestCase
from minka.core.tests.crawl import crawl
from minka.meetings.tests import canaries_search as canaries


class SearchCanaryTests(RoleTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        canaries.plant(cls)

    def test_visitors_and_registered_users_get_no_hit_snippet_or_count(self) -> None:
        """Searching the word beside every canary finds only the public person, and the
        facet counts say so; searching a canary itself finds nothing."""
        for user in (AnonymousUser(), self.reg):
            with self.subTest(user=str(user)):
                results = search.search(canaries.WORD, user=user)
                self.assertEqual(results.total, 1)
                [hit] = results.hits
                self.assertEqual(hit.object_id, str(self.search_public_person.pk))  # type: ignore[attr-defined]
                self.assertEqual(results.facets["type"], {"directory.person": 1})
                shown = hit.title + hit.snippet
                for canary in canaries.MEMBERS_CANARIES + canaries.CANARIES:
                    self.assertNotIn(canary.lower(), shown.lower())
                for canary in canaries.MEMBERS_CANARIES + canaries.CANARIES:
                    found = search.search(canary, user=user)
                    self.assertEqual((found.total, found.facets), (0, {}), canary)

    def test_crawl_of_the_results_as_visitor_and_registered_user(self) -> None:
        start = canaries.start_urls(self)
        start += [reverse("search:search") + f"?q={word}" for word in ("socia", "colectivo")]
        for persona in ("anon", "reg"):
            result = crawl(self.as_(persona), start, canaries.MEMBERS_CANARIES + canaries.CANARIES)
            self.assertEqual(result.hits, [], f"canaries leaked to {persona}")
            self.assertGreater(len(result.visited), 15)

    def test_members_find_them(self) -> None:
        """Positive control: a member of another organization finds the members-only
        canaries through search, and reads the bio on the person's page."""
        member = self.as_("mem_b")
        page = member.get(reverse("search:search"), {"q": canaries.WORD})
        for canary in (
            canaries.MEMBERS_AGENDA,
            canaries.REVIEW_TEXT,
            canaries.MEMBERS_NAME,
            canaries.APPLICANT_TEXT,
        ):
            self.assertContains(page, canary)
        for canary in [*canaries.CANARIES, canaries.PUBLIC_BIO]:
            self.assertNotContains(page, canary)
        person = self.search_public_person  # type: ignore[attr-defined]
        self.assertContains(member.get(person.get_absolute_url()), canaries.PUBLIC_BIO)
        results = search.search(canaries.WORD, user=self.mem_b)
        self.assertEqual(
            results.facets["type"],
            {
                "directory.organization": 1,
                "directory.person": 2,
                "meetings.meeting": 1,
                "meetings.minutes": 1,
            },
        )
