"""The search page over everything the network writes: documents, meetings, minutes,
organizations and people in one list, with the facet "Tipo" first; each role finds only
what it may see, in the hits, the snippets and the facet counts; the page costs a fixed
number of queries; and ``reindex`` (or the demo) leaves every type indexed."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from datetime import timedelta
from io import StringIO
from typing import TYPE_CHECKING, Any

import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from minka import search
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory import services as directory_services
from minka.directory.models import ConsentPurpose, Organization, Person
from minka.directory.tests.helpers import IN_MEMORY_STORAGE
from minka.documents.tests.factories import DocumentFactory, add_version
from minka.meetings.minutes.content import Intervention, MinutesContent
from minka.meetings.minutes.tests.factories import minutes_in
from minka.meetings.services import meetings as services
from minka.search.models import SearchEntry
from minka.site import demo as site_demo

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from minka.meetings.models import Meeting

TYPES = [
    "directory.organization",
    "directory.person",
    "documents.document",
    "meetings.meeting",
    "meetings.minutes",
]


def document(title: str, text: str, visibility: str = Visibility.PUBLIC) -> Any:
    made = DocumentFactory.create(title=title, visibility=visibility)
    add_version(made, text=text)
    search.index_object(made)
    return made


def minutes_saying(text: str, state: str, actor: Any, **meeting: Any) -> Any:
    content = MinutesContent(
        summary="Resumen.", interventions=[Intervention(topic="Riesgos", text=text)]
    )
    return minutes_in(state, actor=actor, content=content, **meeting)


class EverythingCase(RoleTestCase):
    """One object of each type that everyone may see, and one that only members (or, for
    minutes, coordinators) may see, all saying "ciberseguridad"."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.build(cls.coord, "")

    @classmethod
    def build(cls, coord: Any, suffix: str) -> None:
        document(f"Informe de CIBERSEGURIDAD{suffix}", "La política nacional de ciberseguridad.")
        document(f"Nota interna{suffix}", "Ciberseguridad interna.", Visibility.MEMBERS)
        for visibility in (Visibility.PUBLIC, Visibility.MEMBERS):
            meeting = cls.meeting(coord, f"Reunión {visibility}{suffix}", visibility)
            services.agenda_item_create(
                actor=coord, meeting=meeting, data={"title": "Taller de ciberseguridad"}
            )
        minutes_saying("Habló de ciberseguridad.", "published", coord, title=f"Acta{suffix}")
        minutes_saying("Borrador de ciberseguridad.", "draft", coord, title=f"Borrador{suffix}")
        for status in (
            Organization.MembershipStatus.MEMBER,
            Organization.MembershipStatus.APPLICANT,
        ):
            organization = directory_services.organization_create(
                actor=coord,
                data={
                    "name": f"Colectivo {status}{suffix}",
                    "description": "Trabaja en ciberseguridad comunitaria.",
                    "membership_status": status,
                },
            )
            for purpose in (ConsentPurpose.PUBLIC_LISTING, ConsentPurpose.MEMBERS_LISTING):
                person = directory_services.person_create(
                    actor=coord,
                    data={"full_name": f"Persona {purpose} {status}{suffix}"},
                    organization=organization,
                    title="Responsable de ciberseguridad",
                )
                directory_services.consent_record_in_person(
                    actor=coord, person=person, purpose=purpose
                )

    @staticmethod
    def meeting(coord: Any, title: str, visibility: str) -> Meeting:
        start = timezone.now() + timedelta(days=20)
        return services.meeting_create(
            actor=coord,
            data={
                "title": title,
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
                "visibility": visibility,
            },
        )

    def setUp(self) -> None:
        cache.clear()

    def get(self, persona: str, **params: str) -> Response:
        response: Response = self.as_(persona).get(reverse("search:search"), params)
        self.assertEqual(response.status_code, 200)
        return response

    def types(self, persona: str, **params: str) -> list[str]:
        items = self.get(persona, **params).context["items"]
        return sorted(item.hit.content_type for item in items)


@override_settings(LANGUAGE_CODE="en")
class EverythingTests(EverythingCase):
    def test_one_search_finds_every_type(self) -> None:
        """ "ciberseguridad" finds a document, a meeting, minutes, an organization and a
        person that everyone may see, each shown by its own template."""
        response = self.get("anon", q="ciberseguridad")
        self.assertEqual(self.types("anon", q="ciberseguridad"), TYPES)
        for item in response.context["items"]:
            self.assertContains(response, item.obj.get_absolute_url())
        self.assertContains(response, "Section: Interventions")

    def test_each_role_finds_what_it_may_see(self) -> None:
        # A publicly listed person whose only role is in an applicant organization is
        # not found by that role: a public entry leaves it out.
        public = TYPES
        members = sorted(
            public
            + ["directory.organization", "documents.document", "meetings.meeting"]
            + ["directory.person"] * 2  # Listed to members (their entries name any role).
        )
        coordinators = sorted([*members, "meetings.minutes"])  # The draft.
        for persona, expected in (
            ("anon", sorted(public)),
            ("reg", sorted(public)),
            ("mem_a", members),
            ("mem_b", members),
            ("coord", coordinators),
            ("admin", coordinators),
        ):
            with self.subTest(persona=persona):
                self.assertEqual(self.types(persona, q="ciberseguridad"), expected)

    def test_the_type_facet_counts_only_what_the_viewer_may_see(self) -> None:
        counts = {
            "anon": dict.fromkeys(TYPES, 1),
            "mem_a": {
                "directory.organization": 2,
                "directory.person": 3,
                "documents.document": 2,
                "meetings.meeting": 2,
                "meetings.minutes": 1,
            },
        }
        counts["coord"] = counts["mem_a"] | {"meetings.minutes": 2}
        for persona, expected in counts.items():
            with self.subTest(persona=persona):
                results = self.get(persona, q="ciberseguridad").context["results"]
                self.assertEqual(results.facets["type"], expected)

    def test_filter_by_type(self) -> None:
        self.assertEqual(
            self.types("anon", q="ciberseguridad", type="meetings.minutes"), ["meetings.minutes"]
        )
        response = self.get("anon", q="ciberseguridad", type="meetings.minutes", page="1")
        [facet] = [f for f in response.context["facets"] if f["name"] == "type"]
        [chosen] = [value for value in facet["values"] if value.selected]
        self.assertEqual(chosen.url, "?q=ciberseguridad")
        self.assertEqual(self.types("anon", q="ciberseguridad", type="<script>"), [])

    def test_query_count_is_fixed(self) -> None:
        """Search (matches and facets, then the page's rows); one query per type for the
        objects; the names of the organizations in the facet. More objects of every type
        cost no more queries."""
        client = self.as_("anon")
        with self.assertNumQueries(8):
            client.get(reverse("search:search"), {"q": "ciberseguridad"})
        self.build(self.coord, " bis")
        cache.clear()
        with self.assertNumQueries(8):
            response = client.get(reverse("search:search"), {"q": "ciberseguridad"})
        self.assertEqual(len(response.context["items"]), 10)

    def test_hostile_text_is_escaped_in_every_type_of_snippet(self) -> None:
        attack = "<script>alert('x')</script> radiodifusión <img src=x onerror=alert(1)>"
        meeting = self.meeting(self.coord, "Reunión", Visibility.PUBLIC)
        services.agenda_item_create(
            actor=self.coord, meeting=meeting, data={"title": "Punto", "description": attack}
        )
        minutes_saying(attack, "published", self.coord)
        directory_services.organization_create(
            actor=self.coord, data={"name": "Colectivo hostil", "description": attack}
        )
        person = directory_services.person_create(
            actor=self.coord,
            data={"full_name": "Persona <b>hostil</b>"},
            organization=Organization.objects.get(name="Colectivo hostil"),
            title=attack[:150],
        )
        directory_services.consent_record_in_person(
            actor=self.coord, person=person, purpose=ConsentPurpose.PUBLIC_LISTING
        )
        response = self.get("anon", q="radiodifusion")
        self.assertEqual(len(response.context["items"]), 4)
        content = response.content.decode()
        self.assertNotIn("<script>alert", content)
        self.assertNotIn("<img src=x", content)
        self.assertNotIn("<b>hostil", content)
        self.assertIn("&lt;script&gt;alert", content)
        self.assertEqual(content.count("<mark>radiodifusión</mark>"), 4)

    def test_a_stale_entry_is_not_shown(self) -> None:
        """The page checks each hit against its model's visibility: a consent or a status
        changed in the database without reindexing still hides the object."""
        Person.objects.update(public_listing=False)
        Organization.objects.update(membership_status=Organization.MembershipStatus.FORMER)
        types = self.types("anon", q="ciberseguridad")
        self.assertNotIn("directory.person", types)
        self.assertNotIn("directory.organization", types)

    def test_reindex_rebuilds_every_type(self) -> None:
        before = {persona: self.types(persona, q="ciberseguridad") for persona in ("anon", "coord")}
        SearchEntry.objects.all().delete()
        call_command("reindex", stdout=StringIO())
        for persona, expected in before.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.types(persona, q="ciberseguridad"), expected)


class SpanishFacetTests(EverythingCase):
    def test_the_type_facet_comes_first_with_spanish_labels(self) -> None:
        facets = self.get("anon", q="ciberseguridad").context["facets"]
        self.assertEqual(facets[0]["title"], "Tipo")
        labels = {value.value: value.label for value in facets[0]["values"]}
        self.assertEqual(
            labels,
            {
                "documents.document": "Documento",
                "meetings.meeting": "Reunión",
                "meetings.minutes": "Acta",
                "directory.organization": "Organización",
                "directory.person": "Persona",
            },
        )
        self.assertNotIn("Tipo", [facet["title"] for facet in facets[1:]])


LIMA = zoneinfo.ZoneInfo("America/Lima")


@IN_MEMORY_STORAGE
class DemoSearchTests(RoleTestCase):
    """The living demo: what its first meeting's minutes say is found."""

    def test_the_first_minutes_are_found_by_a_word_of_their_text(self) -> None:
        with time_machine.travel(dt.datetime(2026, 3, 20, 12, tzinfo=LIMA), tick=False):
            site_demo.load(password="demo-test-password")
        results = search.search(
            "ciberseguridad", user=AnonymousUser(), filters={"type": "meetings.minutes"}
        )
        self.assertEqual(results.total, 1)
        self.assertIn("<mark>ciberseguridad</mark>", results.hits[0].snippet)

    def test_load_demo_leaves_everything_indexed(self) -> None:
        """The demo leaves the index as a full rebuild would make it (the test's own
        organizations, made by factories, are indexed first)."""
        search.reindex()
        with time_machine.travel(dt.datetime(2026, 3, 20, 12, tzinfo=LIMA), tick=False):
            site_demo.load(password="demo-test-password")
        indexed = set(SearchEntry.objects.values_list("content_type", "object_id"))
        search.reindex()
        self.assertEqual(set(SearchEntry.objects.values_list("content_type", "object_id")), indexed)
