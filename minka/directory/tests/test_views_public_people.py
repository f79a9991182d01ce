"""The directory's people pages: each viewer sees only the people and contact allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.test import override_settings
from django.urls import reverse

from minka.directory.models import Person
from minka.directory.tests.factories import AffiliationFactory, PersonFactory
from minka.directory.tests.helpers import (
    ANONYMIZED_NAME,
    COORDINATORS_ONLY,
    LOWER,
    MEMBERS_NAME,
    MEMBERS_ONLY,
    MEMBERS_PHONE,
    MEMBERS_PRIVATE_EMAIL,
    OWN_NAME,
    OWN_PHONE,
    PENDING_PHONE,
    PUBLIC_BIO,
    PUBLIC_EMAIL,
    PUBLIC_NAME,
    PUBLIC_PRIVATE_PHONE,
    PUBLIC_TELEGRAM,
    DirectoryTestCase,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


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
