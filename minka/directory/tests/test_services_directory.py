"""Services behind the management pages: affiliations, merging, reserved slugs, and a
pending person claiming their record through an invitation."""

from __future__ import annotations

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.directory import services
from minka.directory.models import Affiliation, Invitation, Membership, Organization, Person, Topic
from minka.directory.tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganizationFactory,
)


@override_settings(LANGUAGE_CODE="en")
class AffiliationServiceTests(RoleTestCase):
    """affiliation_create and affiliation_end: coordinators only, one current role each."""

    def setUp(self) -> None:
        self.person = services.person_create(actor=self.coord, data={"full_name": "Ana"})

    def test_coordinator_adds_and_ends_a_role(self) -> None:
        affiliation = services.affiliation_create(
            actor=self.coord,
            person=self.person,
            organization=self.org_a,
            title="Enlace",
            is_focal_point=True,
        )
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.CREATE, target_id=str(affiliation.pk)
            ).exists()
        )
        ended = services.affiliation_end(actor=self.coord, affiliation=affiliation)
        self.assertIsNotNone(ended.end_date)
        self.assertIs(ended.is_focal_point, False)
        with self.assertRaisesMessage(ValidationError, "This role has already ended."):
            services.affiliation_end(actor=self.coord, affiliation=affiliation)
        # Once ended, a new current role in the same organization is allowed.
        services.affiliation_create(actor=self.coord, person=self.person, organization=self.org_a)

    def test_a_second_current_role_in_one_organization_is_refused(self) -> None:
        services.affiliation_create(actor=self.coord, person=self.person, organization=self.org_a)
        with self.assertRaisesMessage(ValidationError, "already has a current role"):
            services.affiliation_create(
                actor=self.coord, person=self.person, organization=self.org_a
            )
        self.assertEqual(self.person.affiliations.count(), 1)

    def test_members_may_not_manage_roles(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.affiliation_create(
                actor=self.mem_a, person=self.person, organization=self.org_a
            )
        affiliation = AffiliationFactory.create(person=self.person, organization=self.org_b)
        with self.assertRaises(PermissionDenied):
            services.affiliation_end(actor=self.mem_a, affiliation=affiliation)

    def test_an_anonymized_person_gets_no_new_role(self) -> None:
        person = services.person_anonymize(actor=self.coord, person=self.person)
        with self.assertRaisesMessage(ValidationError, "anonymized"):
            services.affiliation_create(actor=self.coord, person=person, organization=self.org_a)


@override_settings(LANGUAGE_CODE="en")
class OrganizationMergeServiceTests(RoleTestCase):
    """organization_merge folds everything of the duplicate into the record kept."""

    def test_clashing_roles_and_memberships_are_folded_not_doubled(self) -> None:
        duplicate = OrganizationFactory.create(name="Duplicada", slug="duplicada")
        both = AffiliationFactory.create(organization=self.org_a)
        AffiliationFactory.create(person=both.person, organization=duplicate)
        MembershipFactory.create(user=self.mem_a, organization=duplicate)
        topic = Topic.objects.create(name="Datos", slug="datos")
        duplicate.topics.add(topic)
        services.organization_merge(actor=self.coord, keep=self.org_a, duplicate=duplicate)
        self.assertEqual(Affiliation.objects.filter(person=both.person).count(), 1)
        self.assertEqual(Membership.objects.filter(user=self.mem_a).count(), 1)
        self.assertEqual(list(self.org_a.topics.all()), [topic])
        self.assertFalse(Organization.objects.filter(slug="duplicada").exists())

    def test_members_may_not_merge(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.organization_merge(actor=self.mem_a, keep=self.org_a, duplicate=self.org_b)
        self.assertEqual(Organization.objects.count(), 2)


@override_settings(LANGUAGE_CODE="en")
class ReservedSlugTests(RoleTestCase):
    """An organization never takes the slug of a management page."""

    def test_nueva_and_fusionar_are_never_slugs(self) -> None:
        for name in ("Nueva", "Fusionar"):
            organization = services.organization_create(actor=self.coord, data={"name": name})
            self.assertEqual(organization.slug, f"{name.lower()}-2")


@override_settings(LANGUAGE_CODE="en")
class InvitationClaimTests(RoleTestCase):
    """A pending person invited by email claims the record by accepting the invitation."""

    def setUp(self) -> None:
        self.person = services.person_create(
            actor=self.coord,
            data={"full_name": "Marta Asistente", "email": "marta@example.org"},
            source=Person.Source.ATTENDANCE,
            source_detail="Lista del 3 de mayo",
            organization=self.org_a,
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.invitation = services.invitation_create(
                actor=self.coord,
                email="marta@example.org",
                organization=self.org_a,
                person=self.person,
            )
        # A newer link than the email's, as a second email would carry.
        self.token = services.invitation_link_issue(invitation=self.invitation)

    def test_the_first_message_names_the_source_and_asks_for_consent(self) -> None:
        (message,) = mail.outbox
        self.assertIn("Lista del 3 de mayo", message.body)
        self.assertIn("We ask for your consent", message.body)
        self.assertIn("we will not contact you again", message.body)

    def test_accepting_links_the_person_and_makes_it_active(self) -> None:
        user = UserFactory.create(email="marta@example.org")
        services.invitation_accept(invitation=self.invitation, user=user)
        self.person.refresh_from_db()
        self.assertEqual(self.person.user, user)
        self.assertEqual(self.person.status, Person.Status.ACTIVE)
        # Active, but shown nowhere until the person chooses on "Mis datos".
        self.assertIs(self.person.members_listing, False)
        self.assertIs(self.person.public_listing, False)
        self.assertFalse(self.person.consent_events.exists())
        user.refresh_from_db()
        self.assertEqual(user.role, User.Role.MEMBER)
        entry = AuditEntry.objects.get(
            action=AuditEntry.Action.UPDATE, target_type="directory.person"
        )
        self.assertEqual(entry.actor, user)
        # The person now decides for themselves.
        services.person_set_consents(actor=user, person=self.person, choices={"photo": True})
        self.person.refresh_from_db()
        self.assertIs(self.person.photo_consent, True)

    def test_the_claim_works_through_the_invitation_page(self) -> None:
        user = UserFactory.create(email="marta@example.org")
        self.client.force_login(user)
        response = self.client.post(reverse("directory:invitation-accept", args=[self.token]))
        self.assertRedirects(response, reverse("directory:mydata"), fetch_redirect_response=False)
        self.person.refresh_from_db()
        self.assertEqual(self.person.user, user)

    def test_someone_with_a_record_already_keeps_theirs(self) -> None:
        user = UserFactory.create(email="marta@example.org")
        own = services.person_for_user(user=user)
        services.invitation_accept(invitation=self.invitation, user=user)
        self.person.refresh_from_db()
        self.assertIsNone(self.person.user)
        self.assertEqual(self.person.status, Person.Status.PENDING)
        self.assertEqual(Person.objects.get(user=user), own)

    def test_an_anonymized_record_is_not_claimed(self) -> None:
        services.person_anonymize(actor=self.coord, person=self.person)
        user = UserFactory.create(email="marta@example.org")
        with self.assertRaises(ValidationError):
            services.invitation_accept(invitation=self.invitation, user=user)
        self.person.refresh_from_db()
        self.assertIsNone(self.person.user)
        self.assertEqual(self.person.status, Person.Status.ANONYMIZED)

    def test_another_address_cannot_claim_the_record(self) -> None:
        with self.assertRaises(ValidationError):
            services.invitation_accept(invitation=self.invitation, user=self.reg)
        self.person.refresh_from_db()
        self.assertIsNone(self.person.user)

    def test_deleting_the_person_keeps_the_invitation(self) -> None:
        Person.objects.filter(pk=self.person.pk).delete()
        self.assertIsNone(Invitation.objects.get(pk=self.invitation.pk).person)


class SystemPersonCreateTests(RoleTestCase):
    """``person_create(actor=None)``: the system (import command, demo) adds a pending
    person; every signed-in role below coordinator is still refused."""

    def test_the_system_adds_a_pending_person_without_consent(self) -> None:
        person = services.person_create(
            actor=None, data={"full_name": "Persona del Acta"}, source=Person.Source.MINUTES
        )
        self.assertEqual(person.status, Person.Status.PENDING)
        self.assertFalse(person.public_listing)
        self.assertFalse(person.members_listing)
        self.assertIsNone(person.created_by)

    def test_members_and_registered_users_are_still_refused(self) -> None:
        for persona in ("reg", "mem_a"):
            with self.subTest(persona), self.assertRaises(PermissionDenied):
                services.person_create(actor=getattr(self, persona), data={"full_name": "Nadie"})
        self.assertFalse(Person.objects.filter(full_name="Nadie").exists())
