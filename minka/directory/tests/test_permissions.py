"""The directory's visibility rules, persona by persona (SECURITY.md R5 and §1.4 BOPLA)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from minka.core.tests.base import PERSONAS, RoleTestCase
from minka.directory import permissions
from minka.directory.models import Person
from minka.directory.tests.factories import PersonFactory

if TYPE_CHECKING:
    from minka.core.types import Actor


class PersonVisibilityTests(RoleTestCase):
    def _viewer(self, persona: str) -> Actor:
        return AnonymousUser() if persona == "anon" else getattr(self, persona)

    def test_a_pending_person_is_seen_only_by_coordinators(self) -> None:
        pending = PersonFactory.create(status=Person.Status.PENDING, public_listing=True)
        seen = {p for p in PERSONAS if permissions.can_view_person(self._viewer(p), pending)}
        self.assertEqual(seen, {"coord", "admin"})

    def test_public_listing_is_for_everyone_members_listing_for_members(self) -> None:
        public = PersonFactory.create(public_listing=True)
        members_only = PersonFactory.create(members_listing=True)
        unlisted = PersonFactory.create()
        for persona in PERSONAS:
            viewer = self._viewer(persona)
            with self.subTest(persona=persona):
                self.assertIs(permissions.can_view_person(viewer, public), True)
                self.assertIs(
                    permissions.can_view_person(viewer, members_only),
                    persona in {"mem_a", "mem_b", "coord", "admin"},
                )
                self.assertIs(
                    permissions.can_view_person(viewer, unlisted), persona in {"coord", "admin"}
                )

    def test_contact_fields_follow_each_consent_and_are_never_public(self) -> None:
        person = PersonFactory.create(
            public_listing=True,
            members_listing=True,
            email="visible@example.org",
            phone="+51 999 000 111",
            telegram="privado_tg",
            email_members=True,
        )
        for persona in ("anon", "reg"):
            self.assertEqual(permissions.visible_contact(self._viewer(persona), person), {})
        for persona in ("mem_a", "mem_b"):
            self.assertEqual(
                permissions.visible_contact(self._viewer(persona), person),
                {"email": "visible@example.org"},
            )
        for persona in ("coord", "admin"):
            self.assertEqual(
                set(permissions.visible_contact(self._viewer(persona), person)),
                {"email", "phone", "telegram"},
            )

    def test_the_person_always_sees_their_own_record(self) -> None:
        own = PersonFactory.create(user=self.reg, phone="+51 1", status=Person.Status.PENDING)
        self.assertIs(permissions.can_view_person(self.reg, own), True)
        self.assertEqual(permissions.visible_contact(self.reg, own)["phone"], "+51 1")
        self.assertIs(permissions.can_edit_person(self.reg, own), True)
        self.assertIs(permissions.can_edit_person(self.mem_a, own), False)

    def test_withdrawn_consent_hides_the_field_at_once(self) -> None:
        person = PersonFactory.create(members_listing=True, phone="+51 2", phone_members=True)
        self.assertIn("phone", permissions.visible_contact(self.mem_a, person))
        person.phone_members = False
        self.assertNotIn("phone", permissions.visible_contact(self.mem_a, person))

    def test_anonymized_people_are_listed_to_nobody(self) -> None:
        gone = PersonFactory.create(status=Person.Status.ANONYMIZED, public_listing=True)
        for persona in PERSONAS:
            visible = permissions.people_visible_to(self._viewer(persona))
            self.assertNotIn(gone, visible)

    def test_people_visible_to_matches_can_view_person(self) -> None:
        """The queryset and the predicate agree for every persona and state."""
        people = [
            PersonFactory.create(status=status, public_listing=pub, members_listing=mem)
            for status in (Person.Status.ACTIVE, Person.Status.PENDING)
            for pub in (True, False)
            for mem in (True, False)
        ]
        for persona in PERSONAS:
            viewer = self._viewer(persona)
            listed = set(
                permissions.people_visible_to(viewer).filter(pk__in=[p.pk for p in people])
            )
            expected = {p for p in people if permissions.can_view_person(viewer, p)}
            self.assertEqual(listed, expected, persona)
