"""IdsFirstPaginator gives the same pages as Django's Paginator, one query more."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from minka.core.pagination import IdsFirstPaginator
from minka.directory.models import Organization
from minka.directory.tests.factories import OrganizationFactory


class IdsFirstPaginatorTests(TestCase):
    def setUp(self) -> None:
        for index in range(23):
            OrganizationFactory.create(name=f"Organización {(index * 7) % 23:02d}")

    def pages(self, paginator_class: type[Paginator[Any]], ordering: str) -> list[list[str]]:
        queryset = Organization.objects.order_by(ordering, "pk")
        paginator = paginator_class(queryset, 5, orphans=3)
        return [
            [organization.name for organization in paginator.page(number)]
            for number in paginator.page_range
        ]

    def test_the_same_pages_in_the_same_order_as_djangos(self) -> None:
        for ordering in ("name", "-name", "-created_at"):
            with self.subTest(ordering=ordering):
                expected = self.pages(Paginator, ordering)
                self.assertEqual(self.pages(IdsFirstPaginator, ordering), expected)
        # 23 rows by 5 with up to 3 orphans: the last page takes the 3 left over.
        self.assertEqual([len(page) for page in expected], [5, 5, 5, 8])

    def test_an_out_of_range_page_is_the_last_and_an_empty_list_has_one_empty_page(self) -> None:
        paginator = IdsFirstPaginator(Organization.objects.order_by("name", "pk"), 10)
        self.assertEqual(paginator.get_page(99).number, 3)
        empty = IdsFirstPaginator(Organization.objects.none().order_by("pk"), 10)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(list(empty.get_page(1)), [])
        self.assertLessEqual(len(queries), 1)

    def test_one_query_for_the_ids_and_one_for_the_rows(self) -> None:
        paginator = IdsFirstPaginator(Organization.objects.order_by("name", "pk"), 5)
        paginator.count  # noqa: B018 - counted first, as a page does
        with CaptureQueriesContext(connection) as queries:
            list(paginator.page(2))
        self.assertEqual(len(queries), 2)
