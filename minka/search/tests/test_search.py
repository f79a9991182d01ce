"""Search through the public API, on whichever engine DATABASE_URL selects.

The same tests run on SQLite (FTS5) and PostgreSQL (tsvector): the results contract is one.
Organizations stand in for searchable content: a member organization is public, any other
is members-only (coordinators-only with the acronym COORD).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import TestCase, override_settings
from django.utils.translation import gettext

from minka import search
from minka.accounts.tests.factories import UserFactory
from minka.directory.models import Organization
from minka.directory.tests.factories import OrganizationFactory
from minka.search import _registry
from minka.search.models import SearchEntry

if TYPE_CHECKING:
    from minka.core.types import Actor

ANONYMOUS = AnonymousUser()


def _visibility(org: Organization) -> str | None:
    if org.acronym == "HIDDEN":
        return None
    if org.acronym == "COORD":
        return "coordinators"
    return "public" if org.membership_status == Organization.MembershipStatus.MEMBER else "members"


def _facets(org: Organization) -> dict[str, Any]:
    return {"sector": org.sector, "region": [org.region, "peru"]}


class SearchTestCase(TestCase):
    """Registers the organization adapter around each test and offers helpers."""

    member: ClassVar[Any]
    coordinator: ClassVar[Any]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.member = UserFactory.create(role="member")
        cls.coordinator = UserFactory.create(role="coordinator")

    def setUp(self) -> None:
        # The directory's own registration comes back after the test.
        self.enterContext(mock.patch.dict(_registry._registry))
        search.register(
            Organization,
            title=lambda org: org.name,
            body=lambda org: org.description,
            visibility=_visibility,
            facets=_facets,
        )

    def org(self, name: str, description: str = "", **fields: Any) -> Organization:
        org: Organization = OrganizationFactory.create(name=name, description=description, **fields)
        search.index_object(org)
        return org

    def titles(self, query: str, user: Actor = ANONYMOUS, **kwargs: Any) -> list[str]:
        return [hit.title for hit in search.search(query, user=user, **kwargs).hits]


class SpanishMatchingTests(SearchTestCase):
    """Case, accents and Spanish word forms do not matter; every word must match."""

    def test_accents_and_plural_do_not_matter(self) -> None:
        """ "políticas" finds "politica" and "Políticas"."""
        self.org("Uno", "Una politica de datos abiertos.")
        self.org("Dos", "Políticas públicas de conectividad.")
        self.org("Tres", "Nada que ver con esto.")
        self.assertCountEqual(self.titles("políticas"), ["Uno", "Dos"])

    def test_unaccented_query_finds_plural_with_accent(self) -> None:
        """ "organizacion" finds "organizaciones"."""
        self.org("Uno", "Red de organizaciones sociales.")
        self.assertEqual(self.titles("organizacion"), ["Uno"])

    def test_case_does_not_matter(self) -> None:
        """ "ciberseguridad" finds "CIBERSEGURIDAD"."""
        self.org("Uno", "FORO DE CIBERSEGURIDAD 2026")
        self.assertEqual(self.titles("ciberseguridad"), ["Uno"])

    def test_all_words_must_match_in_any_order(self) -> None:
        """ "red dorsal selva" finds "la red dorsal en la selva", not a text missing a word."""
        self.org("Uno", "Avances de la red dorsal en la selva amazónica.")
        self.org("Dos", "La red dorsal nacional de fibra óptica.")
        self.assertEqual(self.titles("red dorsal selva"), ["Uno"])
        self.assertEqual(self.titles("selva dorsal"), ["Uno"])

    def test_title_matches(self) -> None:
        """Words in the title match as well as words in the body."""
        self.org("Observatorio de Telecomunicaciones", "Sin descripción.")
        self.assertEqual(self.titles("telecomunicación"), ["Observatorio de Telecomunicaciones"])

    def test_quoted_phrase_matches_words_in_order(self) -> None:
        """A quoted phrase matches the words together and in order, not apart."""
        self.org("Junto", "Despliegue de la red dorsal en la selva.")
        self.org("Aparte", "La dorsal del sur y la red de la costa.")
        self.assertCountEqual(self.titles("red dorsal"), ["Junto", "Aparte"])
        self.assertEqual(self.titles('"red dorsal"'), ["Junto"])
        self.assertEqual(self.titles('"la red dorsal en la selva"'), ["Junto"])
        self.assertEqual(self.titles('"selva dorsal"'), [])

    def test_phrase_combines_with_words(self) -> None:
        """A phrase and loose words must all match."""
        self.org("Uno", "La red dorsal llega a Iquitos.")
        self.org("Dos", "La red dorsal llega a Cusco.")
        self.assertEqual(self.titles('"red dorsal" iquitos'), ["Uno"])


class QueryInputTests(SearchTestCase):
    """Whatever the user types, search answers without raising."""

    def setUp(self) -> None:
        super().setUp()
        self.org("Uno", "Gobernanza de internet y datos personales.")

    def test_only_stop_words_or_punctuation_gives_a_message(self) -> None:
        """A query with nothing to search for returns no hits and a helpful message."""
        for query in ["", "   ", "de la y", "¿?¡! ... ---", '""', '"de la"']:
            with self.subTest(query=query):
                results = search.search(query, user=ANONYMOUS)
                self.assertEqual(results.hits, [])
                self.assertEqual(results.total, 0)
                self.assertEqual(results.message, gettext("Type at least one word to search."))

    def test_engine_syntax_never_raises(self) -> None:
        """FTS5 and tsquery syntax characters are treated as plain separators."""
        queries = [
            'internet"',
            '"internet',
            "intern*",
            "NEAR(internet datos)",
            "-datos internet",
            "title:internet",
            "internet AND OR NOT",
            "internet & datos | !gobernanza <-> ':*'",
            "internet) (datos",
            "{title body}: internet",
            "x" * 5000,
            "\x00internet",
        ]
        for query in queries:
            with self.subTest(query=query[:40]):
                results = search.search(query, user=ANONYMOUS)
                self.assertIsInstance(results.total, int)
        self.assertEqual(self.titles("NEAR(internet"), [])
        self.assertEqual(self.titles('"internet'), ["Uno"])
        self.assertEqual(self.titles("-datos: internet"), ["Uno"])

    def test_no_match_has_no_message(self) -> None:
        """A real query without matches returns nothing and no message."""
        results = search.search("astronomía", user=ANONYMOUS)
        self.assertEqual((results.total, results.hits, results.message), (0, [], ""))


class ResultsTests(SearchTestCase):
    """Hits carry type, id, title, an escaped highlighted snippet and a rank; pages work."""

    def test_hit_fields(self) -> None:
        """A hit names the object and highlights every form of the word."""
        org = self.org("Uno", "Las políticas <b>digitales</b> y la política de datos.")
        results = search.search("politica", user=ANONYMOUS)
        self.assertEqual(results.total, 1)
        hit = results.hits[0]
        self.assertEqual((hit.content_type, hit.object_id), ("directory.organization", str(org.pk)))
        self.assertEqual(hit.title, "Uno")
        self.assertEqual(
            hit.snippet,
            "Las <mark>políticas</mark> &lt;b&gt;digitales&lt;/b&gt; y la "
            "<mark>política</mark> de datos.",
        )

    def test_snippet_is_a_window_around_the_first_match(self) -> None:
        """Long text is cut around the first match, with ellipses."""
        text = " ".join(["relleno"] * 100 + ["ciberseguridad"] + ["final"] * 100)
        self.org("Uno", text)
        snippet = search.search("ciberseguridad", user=ANONYMOUS).hits[0].snippet
        self.assertTrue(snippet.startswith("… relleno"))
        self.assertTrue(snippet.endswith("final …"))
        self.assertIn("<mark>ciberseguridad</mark>", snippet)
        self.assertLess(len(snippet.split()), 40)

    def test_title_is_highlighted_when_body_is_empty(self) -> None:
        """Without a body, the snippet is the title."""
        self.org("Red de Conectividad Rural")
        hit = search.search("rural", user=ANONYMOUS).hits[0]
        self.assertEqual(hit.snippet, "Red de Conectividad <mark>Rural</mark>")

    def test_ranked_best_first(self) -> None:
        """An entry with more occurrences ranks above one with a single occurrence."""
        self.org("Poco", "Internet " + "otra palabra " * 30)
        self.org("Mucho", "Internet, internet e internet para todos.")
        results = search.search("internet", user=ANONYMOUS)
        self.assertEqual([h.title for h in results.hits], ["Mucho", "Poco"])
        self.assertGreater(results.hits[0].rank, results.hits[1].rank)

    def test_match_in_title_ranks_first(self) -> None:
        """A word in the title weighs more than the same word in the body."""
        self.org("Otra cosa", "Conectividad rural en la sierra.")
        self.org("Conectividad rural", "Texto sobre la sierra.")
        self.assertEqual(self.titles("conectividad"), ["Conectividad rural", "Otra cosa"])

    def test_pagination(self) -> None:
        """limit and offset page through the hits; total counts them all."""
        for i in range(5):
            self.org(f"Org {i}", "Conectividad en zonas rurales.")
        first = search.search("conectividad", user=ANONYMOUS, limit=2)
        rest = search.search("conectividad", user=ANONYMOUS, limit=2, offset=2)
        last = search.search("conectividad", user=ANONYMOUS, limit=2, offset=4)
        self.assertEqual(
            (first.total, len(first.hits), len(rest.hits), len(last.hits)), (5, 2, 2, 1)
        )
        seen = {h.object_id for h in first.hits + rest.hits + last.hits}
        self.assertEqual(len(seen), 5)


class PageNumberTests(SearchTestCase):
    """A body made of pages separated by form feeds tells the page of the first match."""

    def test_page_of_the_first_match(self) -> None:
        """The page is one plus the form feeds before the snippet's first match."""
        self.org("Informe", "Presentación.\fÍndice general.\fLa red dorsal llega.\fRed final.")
        hit = search.search("red", user=ANONYMOUS).hits[0]
        self.assertEqual(hit.page, 3)
        self.assertEqual(search.search("presentacion", user=ANONYMOUS).hits[0].page, 1)
        self.assertEqual(search.search('"red final"', user=ANONYMOUS).hits[0].page, 3)
        self.assertEqual(search.search("final", user=ANONYMOUS).hits[0].page, 4)

    def test_snippet_shows_form_feeds_as_spaces(self) -> None:
        """No form feed reaches the snippet; the words around it stay apart."""
        self.org("Informe", "Fin de la página uno.\fConectividad en la página dos.")
        hit = search.search("conectividad", user=ANONYMOUS).hits[0]
        self.assertNotIn("\f", hit.snippet)
        self.assertEqual(
            hit.snippet, "Fin de la página uno. <mark>Conectividad</mark> en la página dos."
        )
        self.assertEqual(hit.page, 2)

    def test_body_without_pages_has_no_page(self) -> None:
        """Without a form feed in the body, the page is unknown."""
        self.org("Informe", "Conectividad rural.")
        self.assertIsNone(search.search("conectividad", user=ANONYMOUS).hits[0].page)

    def test_match_only_in_title_has_no_page(self) -> None:
        """When only the title matches, the snippet shows the start of the body, no page."""
        self.org("Conectividad", "Página uno.\fPágina dos.")
        hit = search.search("conectividad", user=ANONYMOUS).hits[0]
        self.assertIsNone(hit.page)
        self.assertEqual(hit.snippet, "Página uno. Página dos.")


class VisibilityTests(SearchTestCase):
    """Results and facet counts include only what the user may see."""

    def setUp(self) -> None:
        super().setUp()
        self.org("Pública", "Conectividad rural.", sector="academia")
        self.org(
            "Solo miembros",
            "Conectividad rural CANARIO.",
            sector="government",
            membership_status=Organization.MembershipStatus.APPLICANT,
        )

    def test_anonymous_never_sees_members_only(self) -> None:
        """A members-only entry is missing from an anonymous user's hits, total and facets."""
        results = search.search("conectividad", user=ANONYMOUS)
        self.assertEqual([h.title for h in results.hits], ["Pública"])
        self.assertEqual(results.total, 1)
        self.assertEqual(results.facets["sector"], {"academia": 1})
        self.assertEqual(self.titles("canario"), [])

    def test_member_sees_members_only(self) -> None:
        """A member sees both entries and both facet values."""
        results = search.search("conectividad", user=self.member)
        self.assertEqual(results.total, 2)
        self.assertEqual(results.facets["sector"], {"academia": 1, "government": 1})
        self.assertEqual(results.facets["region"], {"peru": 2, "nacional": 2})
        self.assertEqual(self.titles("canario", user=self.member), ["Solo miembros"])

    def test_coordinators_only_is_hidden_from_members_and_their_facet_counts(self) -> None:
        """A coordinators-only entry, and its facet values, reach coordinators only."""
        self.org("Interna", "Conectividad rural.", acronym="COORD", sector="private_sector")
        for user in (ANONYMOUS, self.member):
            with self.subTest(user=user):
                results = search.search("conectividad", user=user)
                self.assertNotIn("Interna", [h.title for h in results.hits])
                self.assertNotIn("private_sector", results.facets["sector"])
                filtered = search.search(
                    "conectividad", user=user, filters={"sector": "private_sector"}
                )
                self.assertEqual((filtered.total, filtered.hits, filtered.facets), (0, [], {}))
        results = search.search("conectividad", user=self.coordinator)
        self.assertEqual(results.total, 3)
        self.assertEqual(results.facets["sector"]["private_sector"], 1)

    def test_not_searchable_object_is_not_indexed(self) -> None:
        """An adapter returning no visibility keeps the object out of the index."""
        self.org("Oculta", "Conectividad rural.", acronym="HIDDEN")
        self.assertNotIn("Oculta", self.titles("conectividad", user=self.member))


class FacetFilterTests(SearchTestCase):
    """Filters narrow by facet values; facet counts follow the filters."""

    def setUp(self) -> None:
        super().setUp()
        self.org("A", "Datos abiertos.", sector="academia", region="lima")
        self.org("B", "Datos abiertos.", sector="academia", region="cusco")
        self.org("C", "Datos abiertos.", sector="government", region="lima")

    def test_filter_by_one_facet(self) -> None:
        """Only entries with the value remain, and the counts describe them."""
        results = search.search("datos", user=ANONYMOUS, filters={"sector": "academia"})
        self.assertCountEqual([h.title for h in results.hits], ["A", "B"])
        self.assertEqual(results.facets["region"], {"cusco": 1, "lima": 1, "peru": 2})

    def test_filters_combine_and_match_list_values(self) -> None:
        """Several filters all apply; a facet with several values matches any of them."""
        filters = {"sector": "academia", "region": "lima"}
        self.assertEqual(self.titles("datos", filters=filters), ["A"])
        self.assertEqual(len(self.titles("datos", filters={"region": "peru"})), 3)

    def test_unknown_or_invalid_facet_matches_nothing(self) -> None:
        """An unknown facet name or value gives no hits, and a malformed name never raises."""
        self.assertEqual(self.titles("datos", filters={"kind": "acta"}), [])
        self.assertEqual(self.titles("datos", filters={"sector": "x' OR 1=1 --"}), [])
        self.assertEqual(self.titles("datos", filters={"$.sector') --": "academia"}), [])

    def test_hostile_filter_values_match_nothing_and_never_raise(self) -> None:
        """Empty, non-string, NUL, unencodable, huge or injected values give no hits."""
        values: list[Any] = [
            "",
            ["academia"],
            ("academia", "government"),
            None,
            1,
            {"$ne": ""},
            "academia\x00",
            "\ud800",
            "a" * 100_000,
            "academia' OR '1'='1",
            '"]}, "sector": ["academia',
        ]
        for value in values:
            with self.subTest(value=repr(value)[:30]):
                results = search.search("datos", user=ANONYMOUS, filters={"sector": value})
                self.assertEqual((results.total, results.hits, results.facets), (0, [], {}))

    def test_hostile_filter_names_match_nothing_and_never_raise(self) -> None:
        """A name that is not a facet key, or not a string, gives no hits."""
        names: list[Any] = ["", "Sector", "sector ", "sector\x00", "\ud800", 1, None, ("sector",)]
        for name in names:
            with self.subTest(name=repr(name)):
                filters: Any = {name: "academia"}
                self.assertEqual(search.search("datos", user=ANONYMOUS, filters=filters).total, 0)

    def test_one_bad_filter_spoils_the_others(self) -> None:
        """A valid filter beside an impossible one still matches nothing."""
        filters: Any = {"sector": "academia", "region": ""}
        self.assertEqual(self.titles("datos", filters=filters), [])


class PagingInputTests(SearchTestCase):
    """limit and offset from a request never make search raise."""

    def test_odd_limit_and_offset(self) -> None:
        """Non-numbers fall back to the defaults; out-of-range numbers are clamped."""
        self.org("Uno", "Datos abiertos.")
        for limit, offset in [("x", None), (None, "y"), (0, -5), (10**30, 10**30), ("3", "0")]:
            with self.subTest(limit=limit, offset=offset):
                args: Any = {"limit": limit, "offset": offset}
                results = search.search("datos", user=ANONYMOUS, **args)
                self.assertEqual(results.total, 1)
                self.assertLessEqual(len(results.hits), 1)


class IndexSyncTests(SearchTestCase):
    """index_object, remove_object and reindex keep the index in step with the objects."""

    def test_update_replaces_old_text(self) -> None:
        """After an update, the new words match and the old ones no longer do."""
        org = self.org("Uno", "Telefonía móvil.")
        org.description = "Radiodifusión comunitaria."
        org.save()
        search.index_object(org)
        self.assertEqual(self.titles("telefonia"), [])
        self.assertEqual(self.titles("radiodifusion"), ["Uno"])
        self.assertEqual(SearchEntry.objects.count(), 1)

    def test_visibility_change_is_followed(self) -> None:
        """Making an entry members-only hides it from anonymous users at once."""
        org = self.org("Uno", "Telefonía móvil.")
        org.membership_status = Organization.MembershipStatus.FORMER
        org.save()
        search.index_object(org)
        self.assertEqual(self.titles("telefonia"), [])
        self.assertEqual(self.titles("telefonia", user=self.member), ["Uno"])

    def test_text_change_after_a_visibility_change(self) -> None:
        """A visibility change leaves the text index alone; a later text change still
        replaces the old words."""
        org = self.org("Uno", "Telefonía móvil.")
        org.membership_status = Organization.MembershipStatus.FORMER
        org.save()
        search.index_object(org)
        org.description = "Radiodifusión comunitaria."
        org.save()
        search.index_object(org)
        self.assertEqual(self.titles("telefonia", user=self.member), [])
        self.assertEqual(self.titles("radiodifusion", user=self.member), ["Uno"])

    def test_nul_characters_are_dropped(self) -> None:
        """Text with NUL characters (as some extracted PDFs have) is indexed without them."""
        search.register(
            Organization,
            title=lambda org: org.name + "\x00",
            body=lambda org: "Telefonía\x00 móvil.",
            visibility=_visibility,
            facets=lambda org: {"sector": ["a\x00cademia"]},
        )
        self.org("Uno")
        results = search.search("telefonia", user=ANONYMOUS)
        hit = results.hits[0]
        self.assertEqual((hit.title, hit.snippet), ("Uno", "<mark>Telefonía</mark> móvil."))
        self.assertEqual(
            results.facets, {"sector": {"academia": 1}, "type": {"directory.organization": 1}}
        )

    def test_remove(self) -> None:
        """A removed object is no longer found; removing twice is harmless."""
        org = self.org("Uno", "Telefonía móvil.")
        search.remove_object(org)
        search.remove_object(org)
        self.assertEqual(self.titles("telefonia"), [])
        self.assertFalse(SearchEntry.objects.exists())

    def test_reindex_rebuilds_from_objects(self) -> None:
        """reindex() drops stale entries and indexes every registered object."""
        self.org("Uno", "Telefonía móvil.")
        unindexed = OrganizationFactory.create(name="Dos", description="Telefonía fija.")
        stale = OrganizationFactory.create(name="Tres", description="Telefonía satelital.")
        search.index_object(stale)
        stale.delete()
        self.assertEqual(search.reindex(), 2)
        self.assertCountEqual(self.titles("telefonia"), ["Uno", "Dos"])
        self.assertEqual(SearchEntry.objects.get(object_id=unindexed.pk).title, "Dos")

    def test_unregistered_model_is_refused(self) -> None:
        """Indexing an object of an unregistered model raises LookupError."""
        org = OrganizationFactory.create(name="Uno")
        search.unregister(Organization)
        with self.assertRaises(LookupError):
            search.index_object(org)

    def test_index_size_is_reported(self) -> None:
        """index_size() reports the bytes used, on either engine."""
        self.org("Uno", "Telefonía móvil.")
        self.assertGreater(search.index_size(), 0)
        self.assertIn(connection.vendor, {"sqlite", "postgresql"})


class CandidateCapTests(SearchTestCase):
    """A query matching more than MAX_CANDIDATES entries works on the newest ones, flagged."""

    def test_exact_below_the_cap(self) -> None:
        """Below the cap, totals and facet counts are exact."""
        for i in range(3):
            self.org(f"Org {i}", "Conectividad.")
        self.assertTrue(search.search("conectividad", user=ANONYMOUS).exact)

    def test_capped_query_ranks_the_newest_matches(self) -> None:
        """Above the cap, only the newest matches count and ``exact`` is false."""
        for i in range(3):
            self.org(f"Org {i}", "Conectividad.")
        with mock.patch("minka.search._query.MAX_CANDIDATES", 2):
            results = search.search("conectividad", user=ANONYMOUS)
        self.assertFalse(results.exact)
        self.assertEqual(results.total, 2)
        self.assertCountEqual([h.title for h in results.hits], ["Org 1", "Org 2"])

    def test_capped_query_finds_older_matches_of_a_rare_word(self) -> None:
        """A word rare among the newest entries is still found in older ones."""
        self.org("Vieja", "Conectividad satelital.")
        for i in range(20):
            self.org(f"Org {i}", "Conectividad.")
        self.org("Nueva", "Conectividad satelital.")
        with mock.patch("minka.search._query.MAX_CANDIDATES", 2):
            rare = search.search("satelital", user=ANONYMOUS)
            frequent = search.search("conectividad", user=ANONYMOUS)
        self.assertEqual((rare.exact, rare.total), (False, 2))
        self.assertCountEqual([h.title for h in rare.hits], ["Vieja", "Nueva"])
        self.assertEqual((frequent.exact, frequent.total), (False, 2))
        self.assertCountEqual([h.title for h in frequent.hits], ["Org 19", "Nueva"])


@override_settings(LANGUAGE_CODE="en")
class TypeFacetTests(SearchTestCase):
    """Every entry has the facet "type" (its model), offered first and named by its
    registration."""

    def test_every_entry_has_its_type_and_filters_by_it(self) -> None:
        self.org("Uno", "Datos abiertos.")
        results = search.search("datos", user=ANONYMOUS)
        self.assertEqual(results.facets["type"], {"directory.organization": 1})
        self.assertEqual(self.titles("datos", filters={"type": "directory.organization"}), ["Uno"])
        self.assertEqual(self.titles("datos", filters={"type": "documents.document"}), [])

    def test_the_type_facet_comes_first_and_names_each_type(self) -> None:
        """Registered before any app's facets, labelled by ``type_name`` (by default, the
        model's verbose name)."""
        self.assertEqual(search.facets()[0].name, "type")
        labels = search.facets()[0].labels(["directory.organization", "gone.model"])
        self.assertEqual(labels, {"directory.organization": "Organization"})
        search.register(
            Organization,
            title=lambda org: org.name,
            body=lambda org: "",
            visibility=_visibility,
            facets=_facets,
            type_name=lambda: "Colectivo",
        )
        self.assertEqual(
            search.facets()[0].labels(["directory.organization"]),
            {"directory.organization": "Colectivo"},
        )

    def test_an_adapter_cannot_fill_the_type_facet(self) -> None:
        search.register(
            Organization,
            title=lambda org: org.name,
            body=lambda org: "",
            visibility=_visibility,
            facets=lambda org: {"type": "acta"},
        )
        with self.assertRaisesMessage(ValueError, "The facet 'type' is filled by the index."):
            self.org("Uno")
