"""A visitor's search results are kept as a visitor's page would be
(:func:`minka.core.pagecache.cached_for_visitors`): until the next write a visitor could see,
per full query string and language, never for a signed-in user, while every request still
counts against the search rate limit."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minka import search
from minka.core import pagecache
from minka.core.tests.base import client_for, make_personas
from minka.directory.models import Organization
from minka.directory.tests.factories import OrganizationFactory

ON = override_settings(PAGE_CACHE_SECONDS=300)
WORD = "zanahoria"


def index_queries(client: Client, url: str) -> tuple[str, int]:
    """The page's HTML and how many queries read the search index to make it."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    reads = sum("search_searchentry" in query["sql"] for query in queries.captured_queries)
    return response.content.decode(), reads


@ON
class VisitorSearchCacheTests(TransactionTestCase):
    def setUp(self) -> None:
        caches[pagecache.CACHE_ALIAS].clear()
        self.personas = make_personas()
        with transaction.atomic():
            self.public = OrganizationFactory.create(
                name=f"Red {WORD.title()} Pública",
                membership_status=Organization.MembershipStatus.MEMBER,
            )
            self.applicant = OrganizationFactory.create(
                name=f"Colectivo {WORD.title()} Postulante",
                membership_status=Organization.MembershipStatus.APPLICANT,
            )
            search.index_object(self.public)
            search.index_object(self.applicant)
        self.url = reverse("search:search") + f"?q={WORD}"

    def test_a_repeated_search_reads_the_index_once_and_shows_the_same_results(self) -> None:
        first, reads = index_queries(Client(), self.url)
        self.assertGreater(reads, 0)
        self.assertIn(self.public.name, first)
        self.assertNotIn(self.applicant.name, first)
        again, reads = index_queries(Client(), self.url)
        self.assertEqual(reads, 0)
        self.assertEqual(again, first)
        # Matched words stay marked, not escaped, when read back from the cache.
        self.assertIn("<mark>", again)
        # Another query string (a page, a filter) is another entry.
        _html, reads = index_queries(Client(), self.url + "&page=1")
        self.assertGreater(reads, 0)

    def test_every_request_still_counts_against_the_rate_limit(self) -> None:
        with override_settings(SEARCH_RATE_LIMIT=2):
            statuses = [Client().get(self.url).status_code for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])

    def test_a_change_a_visitor_can_see_shows_on_the_next_search(self) -> None:
        index_queries(Client(), self.url)
        with transaction.atomic():
            Organization.objects.filter(pk=self.public.pk).update(name=f"Red {WORD} Renombrada")
            self.public.refresh_from_db()
            search.index_object(self.public)
        html, reads = index_queries(Client(), self.url)
        self.assertGreater(reads, 0)
        self.assertIn("Renombrada", html)

    def test_signed_in_users_never_read_or_fill_the_visitors_copy(self) -> None:
        for persona in ("mem_a", "coord", "admin"):
            with self.subTest(persona=persona):
                index_queries(Client(), self.url)  # the visitors' copy is kept
                member = client_for(self.personas[persona])
                html, reads = index_queries(member, self.url)
                self.assertGreater(reads, 0)
                self.assertIn(self.applicant.name, html)  # members-only: not the visitors' copy
        caches[pagecache.CACHE_ALIAS].clear()
        index_queries(client_for(self.personas["mem_a"]), self.url)
        html, reads = index_queries(Client(), self.url)  # nothing kept from the member
        self.assertGreater(reads, 0)
        self.assertNotIn(self.applicant.name, html)
        self.assertIn(self.public.name, html)

    def test_each_language_has_its_own_copy(self) -> None:
        spanish, _reads = index_queries(Client(), self.url)
        english_client = Client()
        english_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english, reads = index_queries(english_client, self.url)
        self.assertGreater(reads, 0)
        self.assertRegex(spanish, r"\b1 resultado\b")
        self.assertRegex(english, r"\b1 result\b")
        self.assertNotIn("1 resultado", english)
