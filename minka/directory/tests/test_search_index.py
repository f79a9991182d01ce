"""Organizations and people in the search index, kept in step by the directory's services
(and its admin), on whichever engine DATABASE_URL selects. People are found only as their
consent allows, by name and role only: never by a contact field or their bio."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.urls import reverse

from minka import search
from minka.core.tests.base import PERSONAS, RoleTestCase
from minka.directory import services
from minka.directory.models import ConsentPurpose, Organization, Person, Topic
from minka.search.models import SearchEntry

if TYPE_CHECKING:
    from minka.core.types import Actor

ORGANIZATION = "directory.organization"
PERSON = "directory.person"
EVERYONE = set(PERSONAS)
MEMBERS = {"mem_a", "mem_b", "coord", "admin"}


class DirectorySearchCase(RoleTestCase):
    def user(self, persona: str) -> Actor:
        return AnonymousUser() if persona == "anon" else getattr(self, persona)

    def found(self, query: str, persona: str, content_type: str) -> list[str]:
        results = search.search(query, user=self.user(persona), filters={"type": content_type})
        return [hit.object_id for hit in results.hits]

    def finders(self, query: str, obj: Organization | Person) -> set[str]:
        """The personas who find ``obj`` with ``query``."""
        content_type = PERSON if isinstance(obj, Person) else ORGANIZATION
        return {p for p in PERSONAS if str(obj.pk) in self.found(query, p, content_type)}


@override_settings(LANGUAGE_CODE="en")
class OrganizationIndexTests(DirectorySearchCase):
    def create(self, **data: object) -> Organization:
        topic, _new = Topic.objects.get_or_create(slug="gobernanza", name="Gobernanza digital")
        return services.organization_create(
            actor=self.coord,
            data={
                "name": "Asociación de Radios Comunitarias",
                "acronym": "ARC",
                "description": "Promueve la participación de las radios en políticas públicas.",
                "topics": [topic],
                **data,  # type: ignore[typeddict-item]
            },
        )

    def test_name_acronym_description_and_topics_in_any_form(self) -> None:
        organization = self.create()
        for query in ("radio comunitaria", "ARC", "participacion", "politica", "gobernanza"):
            with self.subTest(query=query):
                self.assertEqual(self.finders(query, organization), EVERYONE)

    def test_an_applicant_or_former_member_is_found_by_members_only(self) -> None:
        """As on its page: everyone sees current members, members see the others."""
        organization = self.create(membership_status=Organization.MembershipStatus.APPLICANT)
        self.assertEqual(self.finders("participacion", organization), MEMBERS)
        services.organization_update(
            actor=self.coord,
            organization=organization,
            data={"membership_status": Organization.MembershipStatus.MEMBER},
        )
        self.assertEqual(self.finders("participacion", organization), EVERYONE)

    def test_update_replaces_the_text(self) -> None:
        organization = self.create()
        services.organization_update(
            actor=self.coord, organization=organization, data={"description": "Telefonía rural."}
        )
        self.assertEqual(self.finders("participacion", organization), set())
        self.assertEqual(self.finders("telefonia", organization), EVERYONE)

    def test_a_merged_duplicate_leaves_the_index(self) -> None:
        keep = self.create()
        duplicate = self.create(name="Radios Comunitarias (duplicado)", acronym="")
        person = services.person_create(
            actor=self.coord, data={"full_name": "Rosa Quispe"}, organization=duplicate
        )
        services.consent_record_in_person(
            actor=self.coord, person=person, purpose=ConsentPurpose.PUBLIC_LISTING
        )
        duplicate_pk = duplicate.pk
        services.organization_merge(actor=self.coord, keep=keep, duplicate=duplicate)
        self.assertFalse(
            SearchEntry.objects.filter(content_type=ORGANIZATION, object_id=duplicate_pk).exists()
        )
        self.assertEqual(self.finders("duplicado", person), set())
        self.assertEqual(self.finders("ARC", person), EVERYONE)  # Now named by the kept one.

    def test_an_admin_change_is_indexed(self) -> None:
        organization = self.create()
        url = reverse("admin:directory_organization_change", args=[organization.pk])
        response = self.as_("coord").post(
            url,
            {
                "name": organization.name,
                "acronym": "ARC",
                "slug": organization.slug,
                "sector": organization.sector,
                "region": organization.region,
                "description": "Radiodifusión en quechua.",
                "membership_status": Organization.MembershipStatus.FORMER,
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.finders("quechua", organization), MEMBERS)
        self.assertEqual(self.finders("gobernanza", organization), set())  # Topics cleared.


@override_settings(LANGUAGE_CODE="en")
class PersonIndexTests(DirectorySearchCase):
    """Public listing: everyone; members' listing only: members; otherwise nobody."""

    organization: Organization
    applicant: Organization

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.organization = services.organization_create(
            actor=cls.coord, data={"name": "Red de Telecentros", "acronym": "RT"}
        )
        cls.applicant = services.organization_create(
            actor=cls.coord,
            data={
                "name": "Colectivo Postulante",
                "membership_status": Organization.MembershipStatus.APPLICANT,
            },
        )

    def person(self, *consents: str, **data: str) -> Person:
        """Someone added by a coordinator with a role in the telecentres' network, with the
        ``consents`` they gave in person."""
        person = services.person_create(
            actor=self.coord,
            data={
                "full_name": "Teodora Mamani Quispe",
                "email": "teodora.privada@example.org",
                "phone": "+51 987 654 321",
                "telegram": "teodora_privada",
                "bio": "Especialista en redes rurales de Puno.",
                **data,  # type: ignore[typeddict-item]
            },
            organization=self.organization,
            title="Coordinadora de participación",
        )
        for purpose in consents:
            services.consent_record_in_person(actor=self.coord, person=person, purpose=purpose)
        person.refresh_from_db()
        return person

    def test_public_listing_is_found_by_everyone_by_name_and_role(self) -> None:
        person = self.person(ConsentPurpose.PUBLIC_LISTING)
        for query in ("teodora", "mamani quispe", "participacion", "coordinadoras", "telecentro"):
            with self.subTest(query=query):
                self.assertEqual(self.finders(query, person), EVERYONE)

    def test_members_listing_only_is_found_by_members_only(self) -> None:
        person = self.person(ConsentPurpose.MEMBERS_LISTING)
        self.assertEqual(self.finders("teodora", person), MEMBERS)

    def test_without_listing_consent_nobody_finds_them(self) -> None:
        """Not even coordinators through search (they have the directory)."""
        person = self.person(ConsentPurpose.EMAIL)
        self.assertEqual(person.status, Person.Status.ACTIVE)
        self.assertEqual(self.finders("teodora", person), set())
        self.assertFalse(SearchEntry.objects.filter(content_type=PERSON).exists())

    def test_pending_people_are_never_indexed(self) -> None:
        """Even with the listing flags set by hand, a pending person stays out."""
        person = self.person()
        Person.objects.filter(pk=person.pk).update(public_listing=True, members_listing=True)
        person.refresh_from_db()
        search.index_object(person)
        self.assertEqual(self.finders("teodora", person), set())

    def test_contact_fields_and_bio_are_never_found_by_anyone(self) -> None:
        person = self.person(ConsentPurpose.PUBLIC_LISTING, ConsentPurpose.EMAIL)
        for query in ("teodora.privada@example.org", "privada", "987 654 321", "puno", "rurales"):
            with self.subTest(query=query):
                self.assertEqual(self.finders(query, person), set())
        entry = SearchEntry.objects.get(content_type=PERSON, object_id=person.pk)
        for value in (person.email, "privada", "987", person.bio, "Puno"):
            self.assertNotIn(value, entry.title + entry.body)

    def test_withdrawing_the_listing_removes_them_at_once(self) -> None:
        person = services.person_for_user(user=self.mem_a)
        services.person_set_consents(
            actor=self.mem_a, person=person, choices={ConsentPurpose.PUBLIC_LISTING: True}
        )
        self.assertEqual(self.finders(person.full_name, person), EVERYONE)
        services.person_set_consents(
            actor=self.mem_a,
            person=person,
            choices={ConsentPurpose.PUBLIC_LISTING: False, ConsentPurpose.MEMBERS_LISTING: True},
        )
        self.assertEqual(self.finders(person.full_name, person), MEMBERS)
        services.person_set_consents(
            actor=self.mem_a, person=person, choices={ConsentPurpose.MEMBERS_LISTING: False}
        )
        self.assertEqual(self.finders(person.full_name, person), set())

    def test_anonymization_removes_the_entry(self) -> None:
        person = self.person(ConsentPurpose.PUBLIC_LISTING)
        services.person_anonymize(actor=self.coord, person=person)
        self.assertFalse(SearchEntry.objects.filter(content_type=PERSON).exists())
        self.assertEqual(self.finders("teodora", person), set())

    def test_a_name_change_and_new_roles_are_found_at_once(self) -> None:
        person = self.person(ConsentPurpose.MEMBERS_LISTING)
        services.person_update(actor=self.coord, person=person, data={"full_name": "Teodora Ccori"})
        self.assertEqual(self.finders("ccori", person), MEMBERS)
        self.assertEqual(self.finders("mamani", person), set())
        services.affiliation_create(
            actor=self.coord, person=person, organization=self.applicant, title="Tesorera"
        )
        self.assertEqual(self.finders("tesorera", person), MEMBERS)
        # A role that ended is not current: the person's page does not show it either.
        services.affiliation_create(
            actor=self.coord,
            person=person,
            organization=self.organization,
            title="Fundadora",
            start_date=date(2019, 1, 1),
            end_date=date(2020, 1, 1),
        )
        self.assertEqual(self.finders("fundadora", person), set())

    def test_a_public_entry_names_only_organizations_everyone_may_see(self) -> None:
        """A role in an applicant organization (members-only) is left out of a public
        entry, and so is a role in an organization that stops being a member."""
        person = self.person(ConsentPurpose.PUBLIC_LISTING)
        services.affiliation_create(
            actor=self.coord, person=person, organization=self.applicant, title="Tesorera"
        )
        self.assertEqual(self.finders("postulante", person), set())
        self.assertEqual(
            search.search("teodora", user=AnonymousUser()).facets["organization"],
            {self.organization.slug: 1},
        )
        services.organization_update(
            actor=self.coord,
            organization=self.organization,
            data={"membership_status": Organization.MembershipStatus.FORMER},
        )
        self.assertEqual(self.finders("telecentros", person), set())
        self.assertEqual(self.finders("teodora", person), EVERYONE)
