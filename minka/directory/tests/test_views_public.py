"""The directory pages people browse: organizations and people, for every persona."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from minka.core.tests.base import PERSONAS, RoleTestCase
from minka.core.tests.crawl import crawl
from minka.directory.models import Organization, Person, Region, Sector, Topic
from minka.directory.tests.factories import AffiliationFactory, OrganizationFactory, PersonFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

MEMBERS = ("mem_a", "mem_b", "coord", "admin")
LOWER = ("anon", "reg")

APPLICANT_DESCRIPTION = "Postulante: descripción solo para miembros 7f3a"
FORMER_DESCRIPTION = "Antigua: descripción solo para miembros 81bc"
PUBLIC_NAME = "Pública Uno"
PUBLIC_EMAIL = "publica-uno@example.org"  # shown to members
PUBLIC_PRIVATE_PHONE = "+51 900 000 001"  # kept private
PUBLIC_TELEGRAM = "publica_tg"  # shown to members
PUBLIC_BIO = "Bio de la persona pública 5d2e"
MEMBERS_NAME = "Miembros Dos"
MEMBERS_PRIVATE_EMAIL = "miembros-privado@example.org"  # kept private
MEMBERS_PHONE = "+51 900 000 002"  # shown to members
UNLISTED_NAME = "Sin Lista Tres"
PENDING_NAME = "Pendiente Cuatro"
PENDING_PHONE = "+51 900 000 004"
ANONYMIZED_NAME = "Persona anonimizada 99"
OWN_NAME = "Propia Cinco"
OWN_PHONE = "+51 900 000 005"
# What a member may see but a visitor or a registered user may not.
MEMBERS_ONLY = [APPLICANT_DESCRIPTION, FORMER_DESCRIPTION, MEMBERS_NAME, PUBLIC_EMAIL, PUBLIC_BIO]
# What nobody but coordinators (or the person) may see.
COORDINATORS_ONLY = [
    PUBLIC_PRIVATE_PHONE,
    MEMBERS_PRIVATE_EMAIL,
    UNLISTED_NAME,
    PENDING_NAME,
    PENDING_PHONE,
]


class DirectoryTestCase(RoleTestCase):
    """Personas plus organizations in every state and people with mixed consent choices."""

    applicant: Organization
    former: Organization
    topic: Topic
    public: Person
    members_only: Person
    unlisted: Person
    pending: Person
    anonymized: Person
    own: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.topic = Topic.objects.create(name="Agua", slug="agua")
        Organization.objects.filter(pk=cls.org_a.pk).update(
            sector=Sector.ACADEMIA,
            region=Region.LIMA,
            description="Universidad de la red",
            website="https://a.example.org",
            public_email="contacto@a.example.org",
            member_since=datetime.date(2020, 3, 1),
        )
        Organization.objects.filter(pk=cls.org_b.pk).update(
            sector=Sector.CIVIL_SOCIETY, region=Region.CUSCO
        )
        cls.org_a.refresh_from_db()
        cls.org_b.refresh_from_db()
        cls.org_a.topics.add(cls.topic)
        cls.applicant = OrganizationFactory.create(
            name="Postulante Uno",
            slug="postulante-uno",
            sector=Sector.ACADEMIA,
            region=Region.LIMA,
            description=APPLICANT_DESCRIPTION,
            membership_status=Organization.MembershipStatus.APPLICANT,
        )
        cls.former = OrganizationFactory.create(
            name="Antigua Uno",
            slug="antigua-uno",
            description=FORMER_DESCRIPTION,
            membership_status=Organization.MembershipStatus.FORMER,
        )
        cls.public = PersonFactory.create(
            full_name=PUBLIC_NAME,
            email=PUBLIC_EMAIL,
            email_members=True,
            phone=PUBLIC_PRIVATE_PHONE,
            telegram=PUBLIC_TELEGRAM,
            telegram_members=True,
            bio=PUBLIC_BIO,
            public_listing=True,
            members_listing=True,
        )
        cls.members_only = PersonFactory.create(
            full_name=MEMBERS_NAME,
            email=MEMBERS_PRIVATE_EMAIL,
            phone=MEMBERS_PHONE,
            phone_members=True,
            members_listing=True,
        )
        cls.unlisted = PersonFactory.create(full_name=UNLISTED_NAME, email="")
        cls.pending = PersonFactory.create(
            full_name=PENDING_NAME,
            email="",
            phone=PENDING_PHONE,
            phone_members=True,
            members_listing=True,
            public_listing=True,
            status=Person.Status.PENDING,
        )
        cls.anonymized = PersonFactory.create(
            full_name=ANONYMIZED_NAME, email="", status=Person.Status.ANONYMIZED
        )
        cls.own = PersonFactory.create(
            full_name=OWN_NAME,
            email="",
            phone=OWN_PHONE,
            user=cls.mem_b,
            status=Person.Status.PENDING,
        )
        AffiliationFactory.create(
            person=cls.public, organization=cls.org_a, title="Directora", is_focal_point=True
        )
        AffiliationFactory.create(person=cls.public, organization=cls.applicant, title="Asesora")
        AffiliationFactory.create(
            person=cls.public,
            organization=cls.org_b,
            title="Ex voluntaria",
            end_date=datetime.date(2020, 1, 1),
        )
        AffiliationFactory.create(person=cls.members_only, organization=cls.org_a, title="Analista")
        AffiliationFactory.create(person=cls.unlisted, organization=cls.org_a, is_focal_point=True)
        AffiliationFactory.create(person=cls.pending, organization=cls.org_a)
        AffiliationFactory.create(person=cls.anonymized, organization=cls.org_a)
        AffiliationFactory.create(person=cls.own, organization=cls.org_b, title="Enlace")
        AffiliationFactory.create(person=cls.members_only, organization=cls.applicant)

    def assert_queries(self, counts: dict[str, int], url: str) -> list[Response]:
        """GET ``url`` as each persona with exactly the given number of queries.

        Signed-in requests add five (session, user, and the session clock's savepoint,
        update and release); coordinators one more (their second factor).
        """
        responses = []
        for persona, queries in counts.items():
            client = self.as_(persona)
            with self.subTest(persona=persona), self.assertNumQueries(queries):
                response = client.get(url)
            self.assertEqual(response.status_code, 200)
            responses.append(response)
        return responses

    def get(self, persona: str, name: str, *args: Any, **params: Any) -> Response:
        response: Response = self.as_(persona).get(reverse(name, args=args), params)
        return response


@override_settings(LANGUAGE_CODE="en")
class OrganizationListTests(DirectoryTestCase):
    """``directory:organization-list``: member organizations, for everyone, with filters."""

    def rows(self, response: Response) -> int:
        return response.content.decode().count('class="organization-row"')

    def test_everyone_sees_member_organizations_only(self) -> None:
        """Applicants and former members are not in the public list, not even for members."""
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                response = self.get(persona, "directory:organization-list")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Organización A")
                self.assertContains(response, "Organización B")
                self.assertNotContains(response, "Postulante Uno")
                self.assertNotContains(response, "Antigua Uno")
                self.assertContains(response, "2 organizations")
                self.assertContains(response, '<meta name="robots" content="noindex">')

    def test_other_methods_are_refused(self) -> None:
        url = reverse("directory:organization-list")
        self.assertEqual(self.as_("coord").post(url).status_code, 405)

    def test_filters_by_sector_region_and_topic(self) -> None:
        for params, shown, hidden in (
            ({"sector": Sector.ACADEMIA}, "Organización A", "Organización B"),
            ({"sector": Sector.CIVIL_SOCIETY}, "Organización B", "Organización A"),
            ({"region": Region.CUSCO}, "Organización B", "Organización A"),
            ({"topic": "agua"}, "Organización A", "Organización B"),
            ({"sector": Sector.ACADEMIA, "region": Region.LIMA}, "Organización A", "Org B"),
        ):
            with self.subTest(params=params):
                response = self.get("anon", "directory:organization-list", **params)
                self.assertContains(response, shown)
                self.assertNotContains(response, hidden)
                self.assertContains(response, "1 organization")
                self.assertNotContains(response, "Postulante Uno")

    def test_name_search_covers_name_and_acronym_ignoring_case(self) -> None:
        # SQLite folds the case of ASCII letters only: "ORGANIZACIÓN" would not match there.
        for query in ("organización a", "Organización A", "ORGANIZACIóN A", "oa", "OA"):
            with self.subTest(query=query):
                response = self.get("anon", "directory:organization-list", q=query)
                self.assertContains(response, "Organización A")
                self.assertNotContains(response, "Organización B")
        response = self.get("anon", "directory:organization-list", q="nadie")
        self.assertContains(response, "0 organizations")
        self.assertContains(response, "No organization matches these filters.")

    def test_bad_filter_values_are_ignored(self) -> None:
        """Unknown choices, a bad page number and an overlong search never give a 500."""
        response = self.get(
            "anon",
            "directory:organization-list",
            sector="<script>",
            region="marte",
            topic="no-such-topic",
            page="abc",
            q="x" * 500,
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Organización A")
        self.assertContains(response, "Organización B")
        self.assertNotContains(response, "<script>")
        response = self.get("anon", "directory:organization-list", page="99999999999999999999")
        self.assertEqual(response.status_code, 200)

    @override_settings(DIRECTORY_PAGE_SIZE=5)
    def test_page_size_is_fixed_by_settings(self) -> None:
        """Asking for a bigger page changes nothing; the last page holds the rest."""
        OrganizationFactory.create_batch(10)
        response = self.get("anon", "directory:organization-list", page_size=1000, per_page=1000)
        self.assertEqual(self.rows(response), 5)
        self.assertContains(response, "12 organizations")
        self.assertEqual(self.rows(self.get("anon", "directory:organization-list", page=3)), 2)

    @override_settings(DIRECTORY_PAGE_SIZE=5)
    def test_page_links_keep_the_filters(self) -> None:
        OrganizationFactory.create_batch(10, sector=Sector.ACADEMIA)
        response = self.get("anon", "directory:organization-list", sector=Sector.ACADEMIA)
        self.assertContains(response, "?sector=academia&amp;page=2")

    def test_a_htmx_request_gets_only_the_results(self) -> None:
        """The fragment is the same markup the full page includes; caches tell them apart."""
        url = reverse("directory:organization-list")
        response = self.client.get(url, {"region": Region.CUSCO}, headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<html")
        self.assertNotContains(response, "<form")
        self.assertContains(response, "Organización B")
        self.assertNotContains(response, "Organización A")
        self.assertIn("HX-Request", response["Vary"])
        page = self.client.get(url, {"region": Region.CUSCO})
        self.assertIn("HX-Request", page["Vary"])
        self.assertIn(response.content.decode().strip(), page.content.decode())

    def test_a_history_restore_gets_the_full_page(self) -> None:
        response = self.client.get(
            reverse("directory:organization-list"),
            headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
        )
        self.assertContains(response, "<html")

    def test_the_filter_form_works_without_javascript(self) -> None:
        """A real GET form, with htmx on top."""
        response = self.get("anon", "directory:organization-list")
        url = reverse("directory:organization-list")
        self.assertContains(response, f'method="get" action="{url}"')
        self.assertContains(response, f'hx-get="{url}"')

    def test_query_count_does_not_grow_with_rows(self) -> None:
        """The same number of queries with 1 and with 20 organizations on the page."""
        Organization.objects.exclude(pk=self.org_a.pk).update(
            membership_status=Organization.MembershipStatus.FORMER
        )
        url = reverse("directory:organization-list")
        counts = {"anon": 3, "mem_a": 8, "coord": 9}
        for response in self.assert_queries(counts, url):
            self.assertEqual(self.rows(response), 1)
        OrganizationFactory.create_batch(19, logo="logos/x.png")
        for response in self.assert_queries(counts, url):
            self.assertEqual(self.rows(response), 20)


@override_settings(LANGUAGE_CODE="en")
class OrganizationDetailTests(DirectoryTestCase):
    """``directory:organization-detail``: the organization, its focal points and people."""

    def detail(self, persona: str, organization: Organization | None = None) -> Response:
        return self.get(persona, "directory:organization-detail", (organization or self.org_a).slug)

    def test_a_member_organization_is_public(self) -> None:
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                response = self.detail(persona)
                self.assertEqual(response.status_code, 200)
                for text in (
                    "Universidad de la red",
                    "https://a.example.org",
                    "contacto@a.example.org",
                    "Academia",
                    "Lima",
                    "Agua",
                    "Member",
                    "since March 1, 2020",
                ):
                    self.assertContains(response, text)
                self.assertContains(response, '<meta name="robots" content="noindex">')

    def test_applicants_and_former_members_are_shown_to_members_only(self) -> None:
        for organization, description in (
            (self.applicant, APPLICANT_DESCRIPTION),
            (self.former, FORMER_DESCRIPTION),
        ):
            for persona in LOWER:
                with self.subTest(organization=organization.slug, persona=persona):
                    self.assertEqual(self.detail(persona, organization).status_code, 404)
            for persona in MEMBERS:
                with self.subTest(organization=organization.slug, persona=persona):
                    self.assertContains(self.detail(persona, organization), description)

    def test_an_unknown_slug_is_not_found(self) -> None:
        response = self.get("coord", "directory:organization-detail", "no-existe")
        self.assertEqual(response.status_code, 404)

    def test_visitors_see_the_names_people_published_and_no_contact(self) -> None:
        for persona in LOWER:
            with self.subTest(persona=persona):
                response = self.detail(persona)
                self.assertContains(response, PUBLIC_NAME)
                self.assertContains(response, "Directora")
                for text in [PUBLIC_EMAIL, PUBLIC_TELEGRAM, MEMBERS_NAME, ANONYMIZED_NAME]:
                    self.assertNotContains(response, text)
                for text in COORDINATORS_ONLY:
                    self.assertNotContains(response, text)

    def test_members_see_the_contact_each_person_allowed(self) -> None:
        for persona in ("mem_a", "mem_b"):
            with self.subTest(persona=persona):
                response = self.detail(persona)
                for text in (PUBLIC_NAME, PUBLIC_EMAIL, PUBLIC_TELEGRAM, MEMBERS_NAME):
                    self.assertContains(response, text)
                self.assertContains(response, MEMBERS_PHONE)
                for text in [*COORDINATORS_ONLY, ANONYMIZED_NAME]:
                    self.assertNotContains(response, text)

    def test_coordinators_see_everyone_with_pending_people_marked(self) -> None:
        for persona in ("coord", "admin"):
            with self.subTest(persona=persona):
                response = self.detail(persona)
                for text in COORDINATORS_ONLY:
                    self.assertContains(response, text)
                self.assertContains(response, "Pending consent")
                self.assertNotContains(response, ANONYMIZED_NAME)

    def test_focal_points_come_first_and_ended_roles_are_gone(self) -> None:
        content = self.detail("coord").content.decode()
        focal, others = content.split('id="other-people"')
        self.assertIn(PUBLIC_NAME, focal)
        self.assertIn(UNLISTED_NAME, focal)
        self.assertIn(MEMBERS_NAME, others)
        response = self.detail("coord", self.org_b)
        self.assertNotContains(response, "Ex voluntaria")
        self.assertContains(response, OWN_NAME)

    def test_the_person_sees_their_own_pending_record(self) -> None:
        response = self.detail("mem_b", self.org_b)
        self.assertContains(response, OWN_NAME)
        self.assertContains(response, OWN_PHONE)
        self.assertNotContains(self.detail("mem_a", self.org_b), OWN_NAME)

    def test_only_coordinators_get_an_edit_link(self) -> None:
        try:
            edit = reverse("directory:organization-edit", args=[self.org_a.slug])
        except NoReverseMatch:
            edit = ""
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                response = self.detail(persona)
                if edit and persona in {"coord", "admin"}:
                    self.assertContains(response, f'href="{edit}"')
                else:
                    self.assertNotContains(response, "Edit this organization")

    def test_query_count_does_not_grow_with_people(self) -> None:
        organization = OrganizationFactory.create(slug="consultas")
        AffiliationFactory.create(
            organization=organization, person__public_listing=True, is_focal_point=True
        )
        url = reverse("directory:organization-detail", args=["consultas"])
        # One more than the people: the organization's documents.
        counts = {"anon": 4, "mem_a": 9, "coord": 10}
        self.assert_queries(counts, url)
        AffiliationFactory.create_batch(
            19, organization=organization, person__public_listing=True, person__email_members=True
        )
        for response in self.assert_queries(counts, url):
            self.assertEqual(response.content.decode().count('class="person-item"'), 20)


@override_settings(LANGUAGE_CODE="en")
class PersonListTests(DirectoryTestCase):
    """``directory:person-list``: only the people the viewer may see."""

    def rows(self, response: Response) -> int:
        return response.content.decode().count('class="person-row"')

    def test_visitors_see_publicly_listed_names_and_roles(self) -> None:
        for persona in LOWER:
            with self.subTest(persona=persona):
                response = self.get(persona, "directory:person-list")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, PUBLIC_NAME)
                self.assertContains(response, "Organización A: Directora")
                self.assertContains(response, "1 person")
                # The applicant organization is not public: neither is the role there.
                self.assertNotContains(response, "Postulante Uno")
                for text in [*MEMBERS_ONLY, *COORDINATORS_ONLY, ANONYMIZED_NAME, OWN_NAME]:
                    self.assertNotContains(response, text)
                self.assertNotContains(response, reverse("directory:export-csv"))

    def test_members_see_the_members_directory_with_allowed_contact(self) -> None:
        response = self.get("mem_a", "directory:person-list")
        for text in (PUBLIC_NAME, MEMBERS_NAME, PUBLIC_EMAIL, MEMBERS_PHONE, "Postulante Uno"):
            self.assertContains(response, text)
        for text in [*COORDINATORS_ONLY, ANONYMIZED_NAME, OWN_NAME]:
            self.assertNotContains(response, text)
        self.assertContains(response, "2 people")
        self.assertContains(response, reverse("directory:export-csv"))
        self.assertContains(response, reverse("directory:export-vcard"))

    def test_a_member_sees_their_own_record(self) -> None:
        response = self.get("mem_b", "directory:person-list")
        self.assertContains(response, OWN_NAME)
        self.assertContains(response, OWN_PHONE)
        self.assertContains(response, "3 people")

    def test_coordinators_see_everyone_but_the_anonymized(self) -> None:
        for persona in ("coord", "admin"):
            with self.subTest(persona=persona):
                response = self.get(persona, "directory:person-list")
                for text in [*COORDINATORS_ONLY, OWN_NAME]:
                    self.assertContains(response, text)
                self.assertContains(response, "Pending consent")
                self.assertNotContains(response, ANONYMIZED_NAME)
                self.assertContains(response, "5 people")

    def test_filters_by_organization_and_name(self) -> None:
        response = self.get("coord", "directory:person-list", organization="org-b")
        self.assertContains(response, OWN_NAME)
        self.assertNotContains(response, MEMBERS_NAME)
        self.assertNotContains(response, PUBLIC_NAME)  # the role in B has ended
        response = self.get("mem_a", "directory:person-list", q="miembros")
        self.assertContains(response, MEMBERS_NAME)
        self.assertNotContains(response, PUBLIC_NAME)
        response = self.get("mem_a", "directory:person-list", organization="postulante-uno")
        self.assertContains(response, "2 people")

    def test_a_visitor_cannot_filter_by_a_hidden_organization(self) -> None:
        """The applicant's slug is not a valid choice for a visitor: the filter is ignored."""
        response = self.get("anon", "directory:person-list", organization="postulante-uno")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "1 person")
        self.assertNotContains(response, "Postulante Uno")

    def test_bad_filter_values_are_ignored(self) -> None:
        response = self.get(
            "mem_a", "directory:person-list", organization="<x>", page="-1", q="y" * 300
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "2 people")

    @override_settings(DIRECTORY_PAGE_SIZE=5)
    def test_page_size_is_fixed_by_settings(self) -> None:
        PersonFactory.create_batch(10, public_listing=True)
        response = self.get("anon", "directory:person-list", page_size=500)
        self.assertEqual(self.rows(response), 5)
        self.assertContains(response, "11 people")

    def test_a_htmx_request_gets_only_the_results(self) -> None:
        response = self.as_("mem_a").get(
            reverse("directory:person-list"), {"q": "dos"}, headers={"HX-Request": "true"}
        )
        self.assertNotContains(response, "<html")
        self.assertContains(response, MEMBERS_NAME)
        self.assertNotContains(response, PUBLIC_NAME)
        self.assertIn("HX-Request", response["Vary"])

    def test_query_count_does_not_grow_with_rows(self) -> None:
        """Fixed queries with 1 and with 20 people, each with affiliations."""
        Person.objects.exclude(pk=self.public.pk).update(status=Person.Status.ANONYMIZED)
        Person.objects.filter(pk=self.own.pk).update(user=None)
        counts = {"anon": 4, "mem_a": 9, "coord": 10}
        url = reverse("directory:person-list")
        for response in self.assert_queries(counts, url):
            self.assertEqual(self.rows(response), 1)
        for _index in range(19):
            AffiliationFactory.create(
                organization=self.org_b, person__public_listing=True, person__phone_members=True
            )
        for response in self.assert_queries(counts, url):
            self.assertEqual(self.rows(response), 20)


@override_settings(LANGUAGE_CODE="en")
class PersonDetailTests(DirectoryTestCase):
    """``directory:person-detail``: 404 for anyone who may not see the person."""

    def detail(self, persona: str, person: Person) -> Response:
        return self.get(persona, "directory:person-detail", person.public_id)

    def test_who_sees_whom(self) -> None:
        expected = {
            "public": {"anon": 200, "reg": 200, "mem_a": 200, "mem_b": 200, "coord": 200},
            "members_only": {"anon": 404, "reg": 404, "mem_a": 200, "mem_b": 200, "coord": 200},
            "unlisted": {"anon": 404, "reg": 404, "mem_a": 404, "mem_b": 404, "coord": 200},
            "pending": {"anon": 404, "reg": 404, "mem_a": 404, "mem_b": 404, "coord": 200},
            "anonymized": {"anon": 404, "reg": 404, "mem_a": 404, "mem_b": 404, "coord": 404},
            "own": {"anon": 404, "reg": 404, "mem_a": 404, "mem_b": 200, "coord": 200},
        }
        for attribute, statuses in expected.items():
            for persona, status in {**statuses, "admin": statuses["coord"]}.items():
                with self.subTest(person=attribute, persona=persona):
                    response = self.detail(persona, getattr(self, attribute))
                    self.assertEqual(response.status_code, status)

    def test_visitors_see_name_and_roles_only(self) -> None:
        response = self.detail("anon", self.public)
        self.assertContains(response, PUBLIC_NAME)
        self.assertContains(response, "Directora")
        for text in (PUBLIC_EMAIL, PUBLIC_TELEGRAM, PUBLIC_BIO, PUBLIC_PRIVATE_PHONE, "Asesora"):
            self.assertNotContains(response, text)

    def test_members_see_what_the_person_allowed(self) -> None:
        response = self.detail("mem_b", self.public)
        for text in (PUBLIC_EMAIL, PUBLIC_TELEGRAM, PUBLIC_BIO, "Asesora"):
            self.assertContains(response, text)
        self.assertNotContains(response, PUBLIC_PRIVATE_PHONE)
        self.assertNotContains(response, "Ex voluntaria")
        response = self.detail("mem_a", self.members_only)
        self.assertContains(response, MEMBERS_PHONE)
        self.assertNotContains(response, MEMBERS_PRIVATE_EMAIL)

    def test_coordinators_see_a_pending_person_marked(self) -> None:
        response = self.detail("coord", self.pending)
        self.assertContains(response, PENDING_PHONE)
        self.assertContains(response, "Pending consent")
        self.assertContains(self.detail("coord", self.public), PUBLIC_PRIVATE_PHONE)

    def test_the_person_sees_their_own_private_data(self) -> None:
        self.assertContains(self.detail("mem_b", self.own), OWN_PHONE)

    def test_a_malformed_id_is_not_found(self) -> None:
        self.assertEqual(self.as_("coord").get("/directorio/personas/123/").status_code, 404)

    def test_query_count_is_fixed(self) -> None:
        self.assert_queries({"anon": 2, "mem_a": 7, "coord": 8}, self.public.get_absolute_url())


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
