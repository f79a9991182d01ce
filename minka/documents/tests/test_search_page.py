"""The search page (``/buscar/``) over the repository: Spanish matching, snippets, pages,
facets and pagination, for each role; what a role may not see never shows, not even in a
facet count."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from minka import search
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.models import Topic
from minka.documents.models import Kind
from minka.documents.tests.factories import DocumentFactory, add_version

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def make(title: str, text: str, *, visibility: str = Visibility.PUBLIC, **fields: Any) -> Any:
    topics = fields.pop("topics", [])
    organizations = fields.pop("organizations", [])
    document = DocumentFactory.create(title=title, visibility=visibility, **fields)
    document.topics.set(topics)
    document.organizations.set(organizations)
    add_version(document, text=text)
    search.index_object(document)
    return document


@override_settings(LANGUAGE_CODE="en")
class SearchPageTests(RoleTestCase):
    topic: Topic
    slides: Any
    report: Any
    members: Any
    coordinators: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.topic = Topic.objects.create(name="Conectividad", slug="conectividad")
        cls.slides = make(
            "Red dorsal en la selva",
            "Portada\fLas Políticas de conectividad en la selva\fOrganizaciones indígenas",
            kind=Kind.PRESENTATION,
            topics=[cls.topic],
            organizations=[cls.org_a],
        )
        cls.report = make(
            "Informe de CIBERSEGURIDAD",
            "La politica nacional de ciberseguridad y la red dorsal",
            kind=Kind.REPORT,
        )
        cls.members = make(
            "Nota interna de la red",
            "La politica de la red dorsal para miembros",
            visibility=Visibility.MEMBERS,
            kind=Kind.STATEMENT,
        )
        cls.coordinators = make(
            "Borrador reservado",
            "Estrategia politica reservada red dorsal",
            visibility=Visibility.COORDINATORS,
            kind=Kind.MINUTES,
        )

    def setUp(self) -> None:
        cache.clear()

    def get(self, persona: str, **params: str) -> Response:
        response: Response = self.as_(persona).get(reverse("search:search"), params)
        return response

    def titles(self, persona: str, **params: str) -> list[str]:
        response = self.get(persona, **params)
        self.assertEqual(response.status_code, 200)
        return sorted(item.obj.title for item in response.context["items"])

    def test_spanish_forms_accents_and_capitals(self) -> None:
        # "políticas" finds "politica" and "Políticas"; "ciberseguridad" finds the capitals.
        self.assertEqual(
            self.titles("anon", q="políticas"),
            ["Informe de CIBERSEGURIDAD", "Red dorsal en la selva"],
        )
        self.assertEqual(self.titles("anon", q="organizacion"), ["Red dorsal en la selva"])
        self.assertEqual(self.titles("anon", q="ciberseguridad"), ["Informe de CIBERSEGURIDAD"])
        self.assertEqual(
            self.titles("anon", q='"red dorsal en la selva"'), ["Red dorsal en la selva"]
        )

    def test_each_role_finds_only_what_it_may_see(self) -> None:
        public = ["Informe de CIBERSEGURIDAD", "Red dorsal en la selva"]
        for persona, extra in (
            ("anon", []),
            ("reg", []),
            ("mem_a", ["Nota interna de la red"]),
            ("mem_b", ["Nota interna de la red"]),
            ("coord", ["Borrador reservado", "Nota interna de la red"]),
            ("admin", ["Borrador reservado", "Nota interna de la red"]),
        ):
            with self.subTest(persona=persona):
                self.assertEqual(self.titles(persona, q="dorsal"), sorted(public + extra))

    def test_facet_counts_count_only_what_the_viewer_may_see(self) -> None:
        anon = self.get("anon", q="politica").context["results"].facets
        self.assertEqual(anon["kind"], {"presentation": 1, "report": 1})
        coord = self.get("coord", q="politica").context["results"].facets
        self.assertEqual(
            coord["kind"], {"minutes": 1, "presentation": 1, "report": 1, "statement": 1}
        )
        page = self.get("anon", q="politica").content.decode()
        self.assertNotIn("Minutes", page)
        self.assertNotIn("Statement", page)

    def test_facet_filters(self) -> None:
        self.assertEqual(
            self.titles("anon", q="politica", kind="report"), ["Informe de CIBERSEGURIDAD"]
        )
        self.assertEqual(
            self.titles("anon", q="politica", topic="conectividad"), ["Red dorsal en la selva"]
        )
        self.assertEqual(
            self.titles("anon", q="politica", organization=self.org_a.slug),
            ["Red dorsal en la selva"],
        )
        self.assertEqual(self.titles("anon", q="politica", kind="<script>"), [])
        # Filtering by a hidden kind reveals nothing either.
        self.assertEqual(self.titles("anon", q="politica", kind="minutes"), [])

    def test_snippet_is_highlighted_escaped_and_names_the_page(self) -> None:
        make("Ataque", "Texto con <script>alert('x')</script> y la palabra conectividad")
        response = self.get("anon", q="conectividad")
        content = response.content.decode()
        self.assertIn("<mark>conectividad</mark>", content)
        self.assertNotIn("<script>alert", content)
        self.assertIn("&lt;/script&gt;", content)
        self.assertContains(response, "page 2")  # "Políticas de conectividad" is on page 2

    def test_nothing_to_search_for_gives_a_message_not_an_error(self) -> None:
        for query in ("de la y", "¿?¡!", '"', "   "):
            with self.subTest(query=query):
                response = self.get("anon", q=query)
                self.assertEqual(response.status_code, 200)
        self.assertContains(self.get("anon", q="de la y"), "Type at least one word to search.")

    def test_long_or_hostile_input_never_fails(self) -> None:
        for params in (
            {"q": "x" * 5000},
            {"q": "red", "page": "-1"},
            {"q": "red", "page": "abc"},
            {"q": "red", "page": "99999"},
            {"q": "AND OR NOT * ( ) NEAR"},
            {"q": "\x00"},
        ):
            with self.subTest(params=str(params)[:40]):
                self.assertEqual(self.get("anon", **params).status_code, 200)

    def test_pagination(self) -> None:
        for index in range(7):
            make(f"Documento {index}", "transparencia en la gestión pública")
        with override_settings(SEARCH_PAGE_SIZE=5):
            first = self.get("anon", q="transparencia")
            second = self.get("anon", q="transparencia", page="2")
        self.assertEqual(len(first.context["items"]), 5)
        self.assertEqual(len(second.context["items"]), 2)
        self.assertContains(first, "Page 1 of 2")
        self.assertContains(first, "page=2")

    def test_results_for_the_visitor_are_private_to_the_session(self) -> None:
        response = self.get("mem_a", q="dorsal")
        self.assertIn("private", response["Cache-Control"])

    def test_rate_limit_answers_429_with_retry_after(self) -> None:
        with override_settings(SEARCH_RATE_LIMIT=3):
            statuses = [self.get("anon", q="dorsal").status_code for _ in range(4)]
            response = self.get("anon", q="dorsal")
        self.assertEqual(statuses, [200, 200, 200, 429])
        self.assertEqual(response.status_code, 429)
        self.assertGreater(int(response["Retry-After"]), 0)

    def test_query_count_is_fixed(self) -> None:
        for index in range(6):
            make(
                f"Extra {index}", "dorsal y selva", topics=[self.topic], organizations=[self.org_a]
            )
        client = self.as_("anon")
        # Search (matches with facets, then the page's rows); documents; topic and
        # organization names.
        with self.assertNumQueries(5):
            client.get(reverse("search:search"), {"q": "dorsal"})

    def test_a_stale_index_entry_is_not_shown(self) -> None:
        """The page checks each hit against its model: a document made private without
        reindexing (e.g. changed in the database) still does not show."""
        type(self.report).objects.filter(pk=self.report.pk).update(
            visibility=Visibility.COORDINATORS
        )
        self.assertEqual(self.titles("anon", q="ciberseguridad"), [])
