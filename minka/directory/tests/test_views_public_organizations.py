"""The directory's organization pages people browse, for every persona."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from minka.core.tests.base import PERSONAS
from minka.directory.models import Organization, Region, Sector
from minka.directory.tests.factories import AffiliationFactory, OrganizationFactory
from minka.directory.tests.helpers import (
    ANONYMIZED_NAME,
    APPLICANT_DESCRIPTION,
    COORDINATORS_ONLY,
    FORMER_DESCRIPTION,
    LOWER,
    MEMBERS,
    MEMBERS_NAME,
    MEMBERS_PHONE,
    OWN_NAME,
    OWN_PHONE,
    PUBLIC_EMAIL,
    PUBLIC_NAME,
    PUBLIC_TELEGRAM,
    UNLISTED_NAME,
    DirectoryTestCase,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


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
        # Besides the people: the organization's documents, its commitments (none here:
        # their owners' prefetch does not run), the bodies it sits on and, signed in,
        # whether the viewer follows it (the follow button).
        counts = {"anon": 6, "mem_a": 12, "coord": 13}
        self.assert_queries(counts, url)
        AffiliationFactory.create_batch(
            19, organization=organization, person__public_listing=True, person__email_members=True
        )
        for response in self.assert_queries(counts, url):
            self.assertEqual(response.content.decode().count('class="person-item"'), 20)
