"""The coordinators' people pages: add a person (pending, with the source) and rectify
them and their roles; refused input answers 400 and changes nothing; fixed queries.
"""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings
from django.urls import reverse

from minka.core.models import AuditEntry
from minka.directory import services
from minka.directory.models import Affiliation, Invitation, Person
from minka.directory.tests.factories import AffiliationFactory, OrganizationFactory
from minka.directory.tests.helpers import LOWER_ROLES, ManageTestCase, count_queries


@override_settings(LANGUAGE_CODE="en")
class PersonCreateTests(ManageTestCase):
    """/directorio/personas/nueva/: a person added by a coordinator starts pending."""

    url = reverse("directory:person-create")

    def data(self, **extra: Any) -> dict[str, Any]:
        return {
            "full_name": "Juana Asistente",
            "email": "juana@example.org",
            "phone": "+51 999 111 222",
            "organization": "org-a",
            "title": "Técnica",
            "source": "attendance",
            "source_detail": "Lista de asistencia del 12 de marzo",
            **extra,
        }

    def test_only_coordinators_and_admins_may_add(self) -> None:
        self.assert_coordinators_only(self.url, self.data())
        self.assertFalse(Person.objects.filter(full_name="Juana Asistente").exists())

    def test_the_form_links_the_privacy_notice(self) -> None:
        response = self.as_("coord").get(self.url)
        self.assertContains(response, reverse("core:privacy"))
        self.assertContains(response, 'name="send_invitation"')
        self.assertNotContains(response, "checked")

    def test_coordinator_adds_a_pending_person_with_the_source(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("coord").post(self.url, self.data())
        person = Person.objects.get(full_name="Juana Asistente")
        self.assertRedirects(
            response,
            reverse("directory:person-edit", args=[person.public_id]),
            fetch_redirect_response=False,
        )
        self.assertEqual(person.status, Person.Status.PENDING)
        self.assertEqual(person.source, Person.Source.ATTENDANCE)
        self.assertEqual(person.source_detail, "Lista de asistencia del 12 de marzo")
        self.assertEqual(person.created_by, self.coord)
        affiliation = person.affiliations.get()
        self.assertEqual((affiliation.organization, affiliation.title), (self.org_a, "Técnica"))
        self.assertFalse(person.consent_events.exists())
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Invitation.objects.filter(person=person).exists())

    def test_an_invitation_tells_where_the_data_came_from_and_asks_for_consent(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("coord").post(self.url, self.data(send_invitation="on"))
        self.assertEqual(response.status_code, 302)
        person = Person.objects.get(full_name="Juana Asistente")
        invitation = Invitation.objects.get(person=person)
        self.assertEqual(
            (invitation.email, invitation.organization), ("juana@example.org", self.org_a)
        )
        (message,) = mail.outbox
        self.assertEqual(message.to, ["juana@example.org"])
        assert isinstance(message, EmailMultiAlternatives)
        html = str(message.alternatives[0][0])
        for body in (message.body, html):
            self.assertIn("Attendance list of a meeting", body)
            self.assertIn("Lista de asistencia del 12 de marzo", body)
            self.assertIn("We ask for your consent", body)

    def test_an_ordinary_invitation_has_no_first_contact_paragraph(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            services.invitation_create(
                actor=self.coord, email="otra@example.org", organization=self.org_a
            )
        self.assertNotIn("We ask for your consent", mail.outbox[0].body)

    def test_bad_input_gets_a_message_and_changes_nothing(self) -> None:
        cases = [
            {},
            self.data(email="not-an-email"),
            self.data(full_name=""),
            self.data(source="self"),
            self.data(source_detail=""),
            self.data(organization="no-such-org"),
            self.data(email="", send_invitation="on"),
            self.data(organization="", send_invitation="on"),
        ]
        for data in cases:
            with self.subTest(data=data), self.captureOnCommitCallbacks(execute=True):
                response = self.as_("coord").post(self.url, data)
                self.assertContains(response, "There is a problem", status_code=400)
        self.assertFalse(Person.objects.filter(full_name="Juana Asistente").exists())
        self.assertEqual(mail.outbox, [])

    def test_a_refused_invitation_adds_no_person(self) -> None:
        """The person and the invitation are one step: a clash undoes both."""
        services.invitation_create(
            actor=self.coord, email="juana@example.org", organization=self.org_a
        )
        response = self.as_("coord").post(self.url, self.data(send_invitation="on"))
        self.assertContains(response, "already a pending invitation", status_code=400)
        self.assertFalse(Person.objects.filter(full_name="Juana Asistente").exists())

    def test_the_page_has_a_fixed_number_of_queries(self) -> None:
        client = self.as_("coord")
        few = count_queries(client, self.url)
        self.assertEqual(few, 4)  # session, user, second factor, the page's own
        OrganizationFactory.create_batch(20)
        with self.assertNumQueries(few):
            client.get(self.url)


@override_settings(LANGUAGE_CODE="en")
class PersonEditTests(ManageTestCase):
    """/directorio/personas/<uuid>/editar/: rectify a person and manage their roles."""

    def setUp(self) -> None:
        self.person = services.person_create(
            actor=self.coord,
            data={"full_name": "Pedro Pendiente", "email": "pedro@example.org"},
            source="minutes",
            source_detail="Acta de la reunión de abril",
            organization=self.org_a,
            title="Enlace",
        )
        self.url = reverse("directory:person-edit", args=[self.person.public_id])

    def person_data(self, **extra: Any) -> dict[str, Any]:
        return {
            "action": "person",
            "person-full_name": "Pedro Corregido",
            "person-email": "pedro.c@example.org",
            "person-phone": "",
            "person-telegram": "pedroc",
            "person-bio": "",
            **extra,
        }

    def test_only_coordinators_and_admins_may_manage_a_person(self) -> None:
        self.assert_coordinators_only(self.url, self.person_data())
        self.person.refresh_from_db()
        self.assertEqual(self.person.full_name, "Pedro Pendiente")

    def test_the_page_shows_the_record_its_source_and_roles(self) -> None:
        response = self.as_("coord").get(self.url)
        self.assertContains(response, "Pedro Pendiente")
        self.assertContains(response, "pedro@example.org")
        self.assertContains(response, "Acta de la reunión de abril")
        self.assertContains(response, "Enlace")
        self.assertContains(response, '<meta name="robots" content="noindex">')
        self.assertContains(
            response, reverse("directory:person-paper-consent", args=[self.person.public_id])
        )

    def test_anonymized_and_unknown_people_are_not_found(self) -> None:
        services.person_anonymize(actor=self.coord, person=self.person)
        self.assertEqual(self.as_("coord").get(self.url).status_code, 404)
        self.assertEqual(self.as_("coord").post(self.url, self.person_data()).status_code, 404)
        unknown = reverse("directory:person-edit", args=["00000000-0000-4000-8000-000000000001"])
        self.assertEqual(self.as_("admin").get(unknown).status_code, 404)
        self.assertEqual(self.as_("mem_a").get(unknown).status_code, 403)

    def test_coordinator_rectifies_the_data(self) -> None:
        response = self.as_("coord").post(self.url, self.person_data())
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.person.refresh_from_db()
        self.assertEqual(
            (self.person.full_name, self.person.email, self.person.telegram),
            ("Pedro Corregido", "pedro.c@example.org", "pedroc"),
        )
        self.assertEqual(self.person.status, Person.Status.PENDING)
        entry = AuditEntry.objects.filter(target_id=str(self.person.pk)).latest("id")
        self.assertEqual(entry.changes["full_name"], ["***", "***"])

    def test_bad_person_data_gets_a_message_and_changes_nothing(self) -> None:
        for data in (
            self.person_data(**{"person-email": "not-an-email"}),
            self.person_data(**{"person-full_name": ""}),
            {"action": "unknown"},
            {},
        ):
            with self.subTest(data=data):
                response = self.as_("coord").post(self.url, data)
                self.assertEqual(response.status_code, 400)
        self.person.refresh_from_db()
        self.assertEqual(self.person.full_name, "Pedro Pendiente")

    def test_coordinator_adds_a_role_as_focal_point(self) -> None:
        response = self.as_("coord").post(
            self.url,
            {
                "action": "affiliation-add",
                "affiliation-organization": "org-b",
                "affiliation-title": "Punto focal",
                "affiliation-start_date": "2026-01-01",
                "affiliation-is_focal_point": "on",
            },
        )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        affiliation = self.person.affiliations.get(organization=self.org_b)
        self.assertTrue(affiliation.is_focal_point)
        self.assertEqual(str(affiliation.start_date), "2026-01-01")

    def test_a_second_current_role_in_the_same_organization_is_refused(self) -> None:
        for data in (
            {"affiliation-organization": "org-a"},
            {"affiliation-organization": "no-such"},
            {"affiliation-organization": "org-b", "affiliation-start_date": "2026-05-01",
             "affiliation-end_date": "2026-01-01"},
        ):  # fmt: skip
            with self.subTest(data=data):
                response = self.as_("coord").post(self.url, {"action": "affiliation-add", **data})
                self.assertContains(response, "There is a problem", status_code=400)
        self.assertEqual(self.person.affiliations.count(), 1)

    def test_coordinator_ends_a_role(self) -> None:
        affiliation = self.person.affiliations.get()
        data = {"action": "affiliation-end", "affiliation": str(affiliation.pk)}
        response = self.as_("coord").post(self.url, data)
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        affiliation.refresh_from_db()
        self.assertIsNotNone(affiliation.end_date)
        again = self.as_("coord").post(self.url, data)
        self.assertContains(again, "This role has already ended.", status_code=400)

    def test_ending_a_role_of_someone_else_is_not_found(self) -> None:
        other = AffiliationFactory.create(organization=self.org_a)
        for value in (str(other.pk), "abc", ""):
            with self.subTest(value=value):
                response = self.as_("coord").post(
                    self.url, {"action": "affiliation-end", "affiliation": value}
                )
                self.assertEqual(response.status_code, 404)
        other.refresh_from_db()
        self.assertIsNone(other.end_date)

    def test_lower_roles_cannot_end_a_role(self) -> None:
        affiliation = self.person.affiliations.get()
        for persona in LOWER_ROLES:
            response = self.as_(persona).post(
                self.url, {"action": "affiliation-end", "affiliation": str(affiliation.pk)}
            )
            self.assertEqual(response.status_code, 403)
        affiliation.refresh_from_db()
        self.assertIsNone(affiliation.end_date)

    def test_the_page_has_a_fixed_number_of_queries(self) -> None:
        client = self.as_("coord")
        few = count_queries(client, self.url)
        self.assertEqual(few, 6)  # session, user, second factor, the page's own
        for organization in OrganizationFactory.create_batch(10):
            Affiliation.objects.create(person=self.person, organization=organization)
        response = client.get(self.url)
        self.assertEqual(len(response.context["affiliations"]), 11)
        with self.assertNumQueries(few):
            client.get(self.url)
