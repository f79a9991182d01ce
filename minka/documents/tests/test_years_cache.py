"""The repository's year filter is kept until the next write, per set of visibilities."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext

from minka.core import pagecache
from minka.core.tests.base import make_personas
from minka.core.visibility import Visibility
from minka.documents import selectors
from minka.documents.tests.factories import DocumentFactory


@override_settings(PAGE_CACHE_SECONDS=300)
class DocumentYearsCacheTests(TransactionTestCase):
    def setUp(self) -> None:
        caches[pagecache.CACHE_ALIAS].clear()
        self.personas = make_personas()
        DocumentFactory.create(issued_on=datetime.date(2024, 5, 1))
        DocumentFactory.create(issued_on=datetime.date(2023, 5, 1), visibility=Visibility.MEMBERS)

    def test_the_second_call_costs_no_query_and_a_write_shows_at_once(self) -> None:
        visitor = AnonymousUser()
        self.assertEqual(selectors.document_years(visitor), [2024])
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(selectors.document_years(visitor), [2024])
        self.assertEqual(len(queries), 0)
        DocumentFactory.create(issued_on=datetime.date(2021, 1, 1))  # committed at once
        self.assertEqual(selectors.document_years(visitor), [2024, 2021])

    def test_members_and_visitors_keep_separate_answers(self) -> None:
        self.assertEqual(selectors.document_years(AnonymousUser()), [2024])
        self.assertEqual(selectors.document_years(self.personas["mem_a"]), [2024, 2023])
        self.assertEqual(selectors.document_years(AnonymousUser()), [2024])

    @override_settings(PAGE_CACHE_SECONDS=0)
    def test_with_the_page_cache_off_it_is_computed_each_time(self) -> None:
        selectors.document_years(AnonymousUser())
        with CaptureQueriesContext(connection) as queries:
            selectors.document_years(AnonymousUser())
        self.assertEqual(len(queries), 1)
