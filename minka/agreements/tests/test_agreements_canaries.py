"""Members-only canaries of the agreements area (``canaries_agreements.MEMBERS_CANARIES``):
members-only commitments, their updates and goals, a members-only document given as evidence
on a public commitment, and an applicant organization holding a public commitment never reach
a visitor or a registered non-member by any route of the access matrix, the agreements'
pages, exports and searches, or any link from them; the XLSX export (a zip the crawler cannot
read) is opened cell by cell. Members see them (positive control).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from minka.agreements.tests import canaries_agreements as canaries
from minka.core.tests.base import RoleTestCase
from minka.core.tests.crawl import crawl
from minka.core.tests.test_access_matrix import Objects, full_matrix, url_for

if TYPE_CHECKING:
    from django.test import Client

EVERY_CANARY = canaries.MEMBERS_CANARIES + canaries.CANARIES


def _xlsx_cells(client: Client, query: str = "") -> list[str]:
    """Every cell of the XLSX export ``client`` downloads, as text."""
    response = client.get(reverse("agreements:export", kwargs={"fmt": "xlsx"}) + query)
    assert response.status_code == 200, response.status_code
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


def _found(cells: list[str], found_in: list[str]) -> list[str]:
    text = "\n".join(cells).lower()
    return [canary for canary in found_in if canary.lower() in text]


# The crawl follows every facet and export link: lift the per-client rate limits (tested
# on their own) so that no page is answered by the 429 page instead of its content.
@override_settings(SEARCH_RATE_LIMIT=100_000, DIRECTORY_EXPORT_RATE_LIMIT=100_000)
class MembersOnlyAgreementsCanaryTests(RoleTestCase):
    objects: Objects

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.objects = Objects(cls)
        canaries.plant(cls)

    def setUp(self) -> None:
        cache.clear()

    def start_urls(self) -> list[str]:
        """The agreements' own start pages first (so that the crawl's limit never cuts
        them), then every route of the access matrix."""
        urls = canaries.start_urls(self)
        return urls + [url_for(key, access, self.objects) for key, access in full_matrix().items()]

    def test_no_members_canary_reaches_the_visitor_or_a_registered_non_member(self) -> None:
        """Crawl as anon and reg: no canary in any page, export or header; every page
        answered (no 429 hiding a page, no 500)."""
        for persona in ("anon", "reg"):
            cache.clear()
            result = crawl(self.as_(persona), self.start_urls(), EVERY_CANARY, limit=600)
            self.assertEqual(result.hits, [], persona)
            self.assertGreater(len(result.visited), 100)
            failing = {url: s for url, s in result.visited.items() if s == 429 or s >= 500}
            self.assertEqual(failing, {}, persona)

    def test_a_member_of_another_organization_sees_no_coordinators_canary(self) -> None:
        result = crawl(self.as_("mem_b"), canaries.start_urls(self), canaries.CANARIES)
        self.assertEqual(result.hits, [])

    def test_the_xlsx_export_holds_no_canary_for_the_visitor_or_a_registered_user(
        self,
    ) -> None:
        """The XLSX export is compressed: the crawl cannot read it, so read every cell."""
        applicant = f"?organization={self.agc_applicant.slug}"  # type: ignore[attr-defined]
        for persona in ("anon", "reg"):
            for query in ("", applicant, "?overdue=1"):
                cells = _xlsx_cells(self.as_(persona), query)
                self.assertEqual(_found(cells, EVERY_CANARY), [], (persona, query))
        self.assertEqual(_found(_xlsx_cells(self.as_("mem_b")), canaries.CANARIES), [])

    def test_the_xlsx_export_shows_them_to_those_allowed(self) -> None:
        """Positive control of the cell-by-cell check."""
        member = _found(_xlsx_cells(self.as_("mem_b")), canaries.MEMBERS_CANARIES)
        self.assertIn(canaries.MEMBERS_TITLE, member)
        self.assertIn(canaries.APPLICANT_ACRONYM, member)
        coord = _found(_xlsx_cells(self.as_("coord")), canaries.CANARIES)
        self.assertIn(canaries.COORD_TITLE, coord)

    def test_members_see_them(self) -> None:
        canaries.check_shown(self)
