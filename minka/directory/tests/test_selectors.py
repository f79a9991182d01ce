"""Selectors of the public directory: visibility per viewer, filters, fixed queries."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from minka.directory import selectors
from minka.directory.models import Organization, Region, Sector
from minka.directory.tests.factories import AffiliationFactory, PersonFactory
from minka.directory.tests.helpers import (
    MEMBERS_NAME,
    MEMBERS_PHONE,
    OWN_NAME,
    PENDING_NAME,
    PUBLIC_EMAIL,
    PUBLIC_NAME,
    UNLISTED_NAME,
    DirectoryTestCase,
)


def names(people: object) -> set[str]:
    return {person.full_name for person in people}  # type: ignore[attr-defined]


class OrganizationListTests(DirectoryTestCase):
    """``organization_list``: member organizations with the cleaned filters applied."""

    def test_lists_members_only_by_name(self) -> None:
        listed = list(selectors.organization_list(filters={}))
        self.assertEqual(listed, [self.org_a, self.org_b])

    def test_filters_combine(self) -> None:
        filters = {"sector": Sector.ACADEMIA, "region": Region.LIMA, "topic": self.topic}
        self.assertEqual(list(selectors.organization_list(filters=filters)), [self.org_a])
        filters = {"sector": Sector.ACADEMIA, "region": Region.CUSCO}
        self.assertEqual(list(selectors.organization_list(filters=filters)), [])

    def test_name_search_matches_name_or_acronym(self) -> None:
        self.assertEqual(list(selectors.organization_list(filters={"q": "ob"})), [self.org_b])
        self.assertEqual(
            list(selectors.organization_list(filters={"q": "ización"})), [self.org_a, self.org_b]
        )

    def test_name_search_ignores_accents_and_case(self) -> None:
        """ "organizacion" and "ORGANIZACIÓN" both find "Organización", on every database."""
        for query in ("organizacion", "ORGANIZACIÓN", "Organización"):
            with self.subTest(query=query):
                self.assertEqual(
                    list(selectors.organization_list(filters={"q": query})),
                    [self.org_a, self.org_b],
                )

    def test_person_search_ignores_accents(self) -> None:
        person = PersonFactory.create(full_name="José Pérez Ñahui", members_listing=True)
        found = selectors.person_list_for(self.coord, filters={"q": "jose perez nahui"})
        self.assertEqual(list(found), [person])

    def test_empty_values_are_ignored(self) -> None:
        filters = {"sector": "", "region": None, "q": ""}
        self.assertEqual(selectors.organization_list(filters=filters).count(), 2)


class OrganizationGetTests(DirectoryTestCase):
    """``organization_get``: applicants and former members exist only for members."""

    def test_visitors_get_member_organizations_only(self) -> None:
        anon = AnonymousUser()
        self.assertEqual(selectors.organization_get(user=anon, slug="org-a"), self.org_a)
        for slug in (self.applicant.slug, self.former.slug, "nada"):
            with self.subTest(slug=slug), self.assertRaises(Http404):
                selectors.organization_get(user=self.reg, slug=slug)

    def test_members_get_every_organization(self) -> None:
        for user in (self.mem_a, self.coord):
            self.assertEqual(
                selectors.organization_get(user=user, slug=self.applicant.slug), self.applicant
            )

    def test_visible_organizations_per_role(self) -> None:
        anon = set(selectors.organizations_visible_to(AnonymousUser()))
        self.assertEqual(anon, {self.org_a, self.org_b})
        self.assertEqual(
            set(selectors.organizations_visible_to(self.mem_b)), set(Organization.objects.all())
        )


class PersonListForTests(DirectoryTestCase):
    """``person_list_for``: exactly the people the viewer may see, with their roles."""

    def test_each_viewer_gets_their_set(self) -> None:
        self.assertEqual(names(selectors.person_list_for(AnonymousUser())), {PUBLIC_NAME})
        self.assertEqual(names(selectors.person_list_for(self.reg)), {PUBLIC_NAME})
        self.assertEqual(names(selectors.person_list_for(self.mem_a)), {PUBLIC_NAME, MEMBERS_NAME})
        self.assertEqual(
            names(selectors.person_list_for(self.mem_b)), {PUBLIC_NAME, MEMBERS_NAME, OWN_NAME}
        )
        self.assertEqual(
            names(selectors.person_list_for(self.coord)),
            {PUBLIC_NAME, MEMBERS_NAME, OWN_NAME, UNLISTED_NAME, PENDING_NAME},
        )

    def test_affiliations_are_current_and_in_visible_organizations(self) -> None:
        person = selectors.person_get_for(AnonymousUser(), public_id=self.public.public_id)
        row = selectors.person_rows(AnonymousUser(), [person])[0]
        self.assertEqual([a.title for a in row.affiliations], ["Directora"])
        self.assertEqual(row.contact, {})
        person = selectors.person_get_for(self.mem_a, public_id=self.public.public_id)
        row = selectors.person_rows(self.mem_a, [person])[0]
        self.assertEqual([a.title for a in row.affiliations], ["Directora", "Asesora"])
        self.assertEqual(row.contact["email"], PUBLIC_EMAIL)
        self.assertNotIn("phone", row.contact)

    def test_filters(self) -> None:
        people = selectors.person_list_for(self.coord, filters={"organization": self.org_b})
        self.assertEqual(names(people), {OWN_NAME})
        people = selectors.person_list_for(self.mem_a, filters={"q": "DOS"})
        self.assertEqual(names(people), {MEMBERS_NAME})

    def test_a_hidden_person_is_not_found(self) -> None:
        with self.assertRaises(Http404):
            selectors.person_get_for(self.mem_a, public_id=self.pending.public_id)

    def test_two_queries_whatever_the_number_of_people(self) -> None:
        for _index in range(20):
            AffiliationFactory.create(person__public_listing=True)
        with self.assertNumQueries(2):
            rows = selectors.person_rows(self.mem_a, selectors.person_list_for(self.mem_a))
            self.assertEqual(len(rows), 22)
            self.assertTrue(all(row.affiliations for row in rows))


class OrganizationPeopleTests(DirectoryTestCase):
    """``organization_people``: focal points first, visible people only, with contact."""

    def test_members_get_focal_points_first_with_allowed_contact(self) -> None:
        rows = selectors.organization_people(self.mem_a, self.org_a)
        self.assertEqual([r.person.full_name for r in rows], [PUBLIC_NAME, MEMBERS_NAME])
        self.assertEqual(rows[0].title, "Directora")
        self.assertEqual(rows[1].contact, {"phone": MEMBERS_PHONE})

    def test_visitors_get_public_names_without_contact(self) -> None:
        rows = selectors.organization_people(AnonymousUser(), self.org_a)
        self.assertEqual([(r.person.full_name, r.contact) for r in rows], [(PUBLIC_NAME, {})])


class PeopleForExportTests(DirectoryTestCase):
    """``people_for_export``: active people listed to members or the public, nobody else."""

    def test_the_export_set(self) -> None:
        extra = PersonFactory.create(full_name="Solo Pública", public_listing=True)
        self.assertEqual(
            names(selectors.people_for_export()), {PUBLIC_NAME, MEMBERS_NAME, extra.full_name}
        )
