"""A crawl of the public directory as each persona: members-only and private data
reach nobody who may not see them.
"""

from __future__ import annotations

from django.urls import reverse

from minka.core.tests.crawl import crawl
from minka.directory.models import Organization, Person
from minka.directory.tests.helpers import COORDINATORS_ONLY, LOWER, MEMBERS_ONLY, DirectoryTestCase


class DirectoryLeakTests(DirectoryTestCase):
    """Crawl the directory as each lower persona: what is not theirs appears nowhere."""

    def start_urls(self) -> list[str]:
        urls = [
            reverse("directory:organization-list"),
            reverse("directory:person-list"),
            reverse("directory:export-csv"),
            reverse("directory:export-vcard"),
        ]
        urls += [o.get_absolute_url() for o in Organization.objects.all()]
        urls += [p.get_absolute_url() for p in Person.objects.all()]
        return urls

    def test_members_only_content_never_reaches_visitors_or_registered_users(self) -> None:
        for persona in LOWER:
            with self.subTest(persona=persona):
                result = crawl(
                    self.as_(persona), self.start_urls(), MEMBERS_ONLY + COORDINATORS_ONLY
                )
                self.assertEqual(result.hits, [])
                self.assertGreater(len(result.visited), 10)

    def test_private_and_pending_data_never_reach_members(self) -> None:
        for persona in ("mem_a", "mem_b"):
            with self.subTest(persona=persona):
                result = crawl(self.as_(persona), self.start_urls(), COORDINATORS_ONLY)
                self.assertEqual(result.hits, [])
                self.assertIn(self.members_only.get_absolute_url(), result.visited)

    def test_the_crawl_finds_them_as_a_coordinator(self) -> None:
        """Positive control: the same crawl as a coordinator meets every canary."""
        result = crawl(self.as_("coord"), self.start_urls(), COORDINATORS_ONLY + MEMBERS_ONLY)
        found = {
            canary
            for canary in COORDINATORS_ONLY + MEMBERS_ONLY
            if any(canary.lower() in hit for hit in result.hits)
        }
        self.assertEqual(found, set(COORDINATORS_ONLY + MEMBERS_ONLY))
