"""The repository's year filter is kept until the next write, per set of visibilities."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext

from minka.core import pagecache
from minka.core.tests.base import make_personas
from minka.core.visibility import Visibility
from minka.documents import selectors
from minka.documents.models import Document
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
        self.assertEqual(len(queries), 2)  # the first and last dates, then the years


class DocumentYearsTests(TestCase):
    """Which years the filter offers: the document's date, else its upload's local date."""

    def test_the_date_of_the_document_wins_and_uploads_count_in_local_time(self) -> None:
        lima_new_year = datetime.datetime(2025, 1, 1, 4, 30, tzinfo=datetime.UTC)  # 23:30 in Lima
        for issued_on, created_at in (
            (datetime.date(2019, 12, 31), datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)),
            (None, lima_new_year),
            (None, lima_new_year + datetime.timedelta(hours=1)),  # 00:30 on 1 January in Lima
            (datetime.date(2031, 1, 1), lima_new_year),  # dated in the future
        ):
            document = DocumentFactory.create(issued_on=issued_on)
            Document.objects.filter(pk=document.pk).update(created_at=created_at)
        self.assertEqual(selectors.document_years(AnonymousUser()), [2031, 2025, 2024, 2019])

    def test_no_documents_no_years(self) -> None:
        self.assertEqual(selectors.document_years(AnonymousUser()), [])
        DocumentFactory.create(visibility=Visibility.MEMBERS)
        self.assertEqual(selectors.document_years(AnonymousUser()), [])
