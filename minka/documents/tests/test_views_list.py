"""The repository's list page for every role: what each role sees, filters, sorting, the
htmx results and the query count; an organization's page lists its documents."""

from __future__ import annotations

import datetime

from django.test import override_settings
from django.urls import reverse

from minka.core.visibility import Visibility
from minka.directory.models import Topic
from minka.documents.models import Document, Kind
from minka.documents.tests.factories import DocumentFactory, add_version
from minka.documents.tests.views_base import RepositoryTestCase


@override_settings(LANGUAGE_CODE="en")
class ListTests(RepositoryTestCase):
    topic: Topic
    public: Document
    members: Document
    coordinators: Document

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.topic = Topic.objects.create(name="Conectividad", slug="conectividad")
        cls.public = DocumentFactory.create(
            title="Informe público", kind=Kind.REPORT, issued_on=datetime.date(2024, 3, 1)
        )
        cls.public.topics.add(cls.topic)
        cls.public.organizations.add(cls.org_a)
        add_version(cls.public)
        cls.members = DocumentFactory.create(
            title="Presentación de miembros", visibility=Visibility.MEMBERS, language="en"
        )
        add_version(cls.members)
        cls.coordinators = DocumentFactory.create(
            title="Borrador de coordinación", visibility=Visibility.COORDINATORS
        )

    def titles(self, persona: str, **params: str) -> list[str]:
        response = self.as_(persona).get(reverse("documents:document-list"), params)
        self.assertEqual(response.status_code, 200)
        page = response.context["page"]
        return [document.title for document in page.object_list]

    def test_each_role_sees_what_its_visibility_allows(self) -> None:
        self.assertEqual(self.titles("anon"), ["Informe público"])
        self.assertEqual(self.titles("reg"), ["Informe público"])
        for persona in ("mem_a", "mem_b"):
            self.assertEqual(
                sorted(self.titles(persona)), ["Informe público", "Presentación de miembros"]
            )
        for persona in ("coord", "admin"):
            self.assertEqual(len(self.titles(persona)), 3)

    def test_filters(self) -> None:
        self.assertEqual(self.titles("coord", kind="report"), ["Informe público"])
        self.assertEqual(self.titles("coord", topic="conectividad"), ["Informe público"])
        self.assertEqual(self.titles("coord", organization=self.org_a.slug), ["Informe público"])
        self.assertEqual(self.titles("coord", year="2024"), ["Informe público"])
        self.assertEqual(self.titles("coord", language="en"), ["Presentación de miembros"])
        # A filter value that does not validate is ignored, never an error page.
        self.assertEqual(len(self.titles("coord", kind="<script>", year="abc")), 3)

    def test_sorting(self) -> None:
        self.assertEqual(
            self.titles("coord", sort="title"),
            ["Borrador de coordinación", "Informe público", "Presentación de miembros"],
        )
        self.assertEqual(self.titles("coord", sort="oldest")[0], "Informe público")

    def test_forbidden_ordering_and_lookups_are_ignored(self) -> None:
        """SECURITY 1.4: no ordering or lookup outside the allowlist."""
        baseline = self.titles("mem_a")
        for params in (
            {"sort": "uploaded_by__password"},
            {"uploaded_by__email__startswith": "a"},
            {"ordering": "-uploaded_by__email"},
        ):
            self.assertEqual(self.titles("mem_a", **params), baseline)

    def test_htmx_gets_only_the_results(self) -> None:
        response = self.as_("anon").get(
            reverse("documents:document-list"), {"kind": "report"}, headers={"HX-Request": "true"}
        )
        self.assertNotContains(response, "<html")
        self.assertContains(response, "Informe público")

    def test_query_count_does_not_grow_with_the_documents(self) -> None:
        for index in range(5):
            document = DocumentFactory.create(title=f"Extra {index}")
            document.topics.add(self.topic)
            document.organizations.add(self.org_a)
            add_version(document)
        # anon: count, the page's ids, its documents, organizations, years (first and last
        # dates, then the years; kept until the next write when the page cache is on),
        # organizations for the filter, topics for the filter.
        for persona, queries in (("anon", 8), ("mem_a", 13), ("coord", 14)):
            client = self.as_(persona)
            with self.subTest(persona=persona), self.assertNumQueries(queries):
                client.get(reverse("documents:document-list"))

    def test_organization_page_lists_its_visible_documents(self) -> None:
        url = reverse("directory:organization-detail", args=[self.org_a.slug])
        self.assertContains(self.as_("anon").get(url), "Informe público")
        self.members.organizations.add(self.org_a)
        self.assertNotContains(self.as_("anon").get(url), "Presentación de miembros")
        self.assertContains(self.as_("mem_b").get(url), "Presentación de miembros")
