"""The coordinators' management pages: every persona, allowed and denied; refused input
answers 400 with a message and changes nothing; list pages keep a fixed number of queries.
"""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.directory import services
from minka.directory.models import (
    Affiliation,
    ConsentEvent,
    ConsentPurpose,
    Invitation,
    Membership,
    Organization,
    Person,
    Topic,
)
from minka.directory.tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
)

if TYPE_CHECKING:
    from django.test import Client

IN_MEMORY_STORAGE = override_settings(
    STORAGES={
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
)
LOWER_ROLES = ("reg", "mem_a", "mem_b")
MANAGERS = ("coord", "admin")
PDF = b"%PDF-1.4\n%test\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def image_upload(
    name: str = "logo.png", *, size: tuple[int, int] = (800, 600), mode: str = "RGB"
) -> SimpleUploadedFile:
    """A real PNG of ``size``, as a browser would upload it."""
    buffer = io.BytesIO()
    Image.new(mode, size, 0).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def count_queries(client: Client, url: str) -> int:
    """Queries of a GET of ``url``, after a first one (which records the session)."""
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(context.captured_queries)


class ManageTestCase(RoleTestCase):
    """Role test base with helpers for the management pages."""

    def assert_coordinators_only(self, url: str, data: dict[str, Any] | None = None) -> None:
        """GET and POST: sign-in for visitors, 403 below coordinator, shown to managers."""
        anon = self.as_("anon").get(url)
        self.assertRedirects(
            anon, f"{reverse('account_login')}?next={url}", fetch_redirect_response=False
        )
        self.assertEqual(self.as_("anon").post(url, data or {}).status_code, 302)
        for persona in LOWER_ROLES:
            with self.subTest(persona=persona):
                self.assertEqual(self.as_(persona).get(url).status_code, 403)
                self.assertEqual(self.as_(persona).post(url, data or {}).status_code, 403)
        for persona in MANAGERS:
            with self.subTest(persona=persona):
                self.assertEqual(self.as_(persona).get(url).status_code, 200)


@IN_MEMORY_STORAGE
@override_settings(LANGUAGE_CODE="en")
class OrganizationCreateTests(ManageTestCase):
    """/directorio/organizaciones/nueva/: coordinators add an organization."""

    url = reverse("directory:organization-create")

    def data(self, **extra: Any) -> dict[str, Any]:
        return {
            "name": "Red Nueva",
            "acronym": "RN",
            "sector": "academia",
            "region": "cusco",
            "description": "Una red.",
            "website": "https://red.example.org",
            "public_email": "contacto@red.example.org",
            "membership_status": "member",
            "member_since": "2025-01-01",
            **extra,
        }

    def test_only_coordinators_and_admins_may_add(self) -> None:
        """Visitors sign in, lower roles get 403 and create nothing."""
        self.assert_coordinators_only(self.url, self.data())
        self.assertFalse(Organization.objects.filter(name="Red Nueva").exists())

    def test_the_form_is_multipart_and_lists_topics_as_checkboxes(self) -> None:
        Topic.objects.create(name="Datos abiertos", slug="datos-abiertos")
        response = self.as_("coord").get(self.url)
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, 'type="checkbox" name="topics"')
        self.assertContains(response, '<meta name="robots" content="noindex">')

    def test_coordinator_adds_an_organization_with_topics_and_a_resized_logo(self) -> None:
        topic = Topic.objects.create(name="Conectividad", slug="conectividad")
        response = self.as_("coord").post(
            self.url, self.data(topics=[topic.pk], logo=image_upload(size=(1200, 800)))
        )
        organization = Organization.objects.get(name="Red Nueva")
        self.assertRedirects(
            response, organization.get_absolute_url(), fetch_redirect_response=False
        )
        self.assertEqual(organization.slug, "red-nueva")
        self.assertEqual(list(organization.topics.all()), [topic])
        with organization.logo.open() as stored, Image.open(stored) as image:
            self.assertEqual(image.format, "PNG")
            self.assertLessEqual(max(image.size), 400)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.CREATE, target_id=str(organization.pk)
            ).exists()
        )

    def test_an_svg_logo_is_refused_with_a_message(self) -> None:
        logo = SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml")
        response = self.as_("coord").post(self.url, self.data(logo=logo))
        self.assertContains(response, "SVG included, are refused", status_code=400)
        self.assertFalse(Organization.objects.filter(name="Red Nueva").exists())

    def test_an_image_with_too_many_pixels_is_refused(self) -> None:
        """A small file that decodes to 45 million pixels is refused before decoding."""
        huge = image_upload(size=(9000, 5000), mode="1")
        response = self.as_("coord").post(self.url, self.data(logo=huge))
        self.assertContains(response, "This image is too large.", status_code=400)
        self.assertFalse(Organization.objects.filter(name="Red Nueva").exists())

    def test_a_logo_file_over_5_mb_is_refused(self) -> None:
        buffer = io.BytesIO()
        Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3)).save(buffer, "PNG")
        self.assertGreater(buffer.tell(), 5 * 1024 * 1024)
        big = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
        response = self.as_("coord").post(self.url, self.data(logo=big))
        self.assertContains(response, "The logo is larger than 5 MB.", status_code=400)
        self.assertFalse(Organization.objects.filter(name="Red Nueva").exists())

    def test_bad_input_gets_a_message_and_changes_nothing(self) -> None:
        cases = [
            {},
            self.data(public_email="not-an-email"),
            self.data(name=self.org_a.name),
            self.data(sector="church"),
            self.data(member_since="2025-05-01", member_until="2024-01-01"),
        ]
        before = Organization.objects.count()
        for data in cases:
            with self.subTest(data=data):
                response = self.as_("coord").post(self.url, data)
                self.assertContains(response, "There is a problem", status_code=400)
        self.assertEqual(Organization.objects.count(), before)

    def test_the_page_has_a_fixed_number_of_queries(self) -> None:
        """Topics are listed with one query, however many there are."""
        Topic.objects.create(name="Tema 0", slug="tema-0")
        client = self.as_("coord")
        few = count_queries(client, self.url)
        self.assertEqual(few, 4)  # session, user, second factor, the page's own
        for n in range(1, 20):
            Topic.objects.create(name=f"Tema {n}", slug=f"tema-{n}")
        with self.assertNumQueries(few):
            client.get(self.url)


@IN_MEMORY_STORAGE
@override_settings(LANGUAGE_CODE="en")
class OrganizationEditTests(ManageTestCase):
    """/directorio/organizaciones/<slug>/editar/: coordinators correct a record."""

    def url(self, organization: Organization | None = None) -> str:
        return reverse("directory:organization-edit", args=[(organization or self.org_a).slug])

    def data(self, **extra: Any) -> dict[str, Any]:
        return {
            "name": "Organización A renombrada",
            "acronym": "OAR",
            "sector": "government",
            "region": "puno",
            "membership_status": "member",
            **extra,
        }

    def test_only_coordinators_and_admins_may_edit(self) -> None:
        self.assert_coordinators_only(self.url(), self.data())
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.name, "Organización A")

    def test_an_unknown_organization_is_not_found(self) -> None:
        url = reverse("directory:organization-edit", args=["no-such-org"])
        self.assertEqual(self.as_("coord").get(url).status_code, 404)
        self.assertEqual(self.as_("mem_a").get(url).status_code, 403)

    def test_coordinator_saves_changes_and_the_slug_stays(self) -> None:
        topic = Topic.objects.create(name="Ciberseguridad", slug="ciberseguridad")
        response = self.as_("coord").post(self.url(), self.data(topics=[topic.pk]))
        self.org_a.refresh_from_db()
        self.assertRedirects(response, self.org_a.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(self.org_a.name, "Organización A renombrada")
        self.assertEqual(self.org_a.slug, "org-a")
        self.assertEqual(list(self.org_a.topics.all()), [topic])
        entry = AuditEntry.objects.get(
            action=AuditEntry.Action.UPDATE, target_id=str(self.org_a.pk)
        )
        self.assertEqual(entry.changes["name"], ["Organización A", "Organización A renombrada"])

    def test_the_form_shows_the_current_values(self) -> None:
        response = self.as_("coord").get(self.url())
        self.assertContains(response, 'value="Organización A"')
        self.assertContains(response, 'enctype="multipart/form-data"')

    def test_bad_input_gets_a_message_and_changes_nothing(self) -> None:
        for data in (
            self.data(name=self.org_b.name),
            self.data(website="javascript:alert(1)"),
            self.data(logo=SimpleUploadedFile("x.png", b"not an image")),
        ):
            with self.subTest(data=data):
                response = self.as_("coord").post(self.url(), data)
                self.assertContains(response, "There is a problem", status_code=400)
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.name, "Organización A")
        self.assertFalse(self.org_a.logo)

    def test_the_page_has_a_fixed_number_of_queries(self) -> None:
        client = self.as_("coord")
        self.org_a.topics.add(Topic.objects.create(name="Tema 0", slug="tema-0"))
        few = count_queries(client, self.url())
        self.assertEqual(few, 6)  # session, user, second factor, the page's own
        for n in range(1, 20):
            self.org_a.topics.add(Topic.objects.create(name=f"Tema {n}", slug=f"tema-{n}"))
        with self.assertNumQueries(few):
            client.get(self.url())


@override_settings(LANGUAGE_CODE="en")
class OrganizationMergeTests(ManageTestCase):
    """/directorio/organizaciones/fusionar/: fold a duplicate into the record kept."""

    url = reverse("directory:organization-merge")

    def setUp(self) -> None:
        self.duplicate = OrganizationFactory.create(
            name="Org A duplicada", slug="org-a-dup", website="https://dup.example.org"
        )
        self.topic = Topic.objects.create(name="Inclusión digital", slug="inclusion-digital")
        self.duplicate.topics.add(self.topic)
        self.moving = AffiliationFactory.create(organization=self.duplicate)
        self.member = MembershipFactory.create(organization=self.duplicate).user
        self.invitation = services.invitation_create(
            actor=self.coord, email="nueva@example.org", organization=self.duplicate
        )

    def confirm(self, persona: str = "coord", **extra: str) -> Any:
        data = {"keep": "org-a", "duplicate": "org-a-dup", "confirm": "yes", **extra}
        return self.as_(persona).post(self.url, data)

    def test_only_coordinators_and_admins_may_merge(self) -> None:
        self.assert_coordinators_only(
            self.url, {"keep": "org-a", "duplicate": "org-a-dup", "confirm": "yes"}
        )
        self.assertTrue(Organization.objects.filter(slug="org-a-dup").exists())

    def test_the_confirmation_page_counts_what_moves_and_changes_nothing(self) -> None:
        response = self.as_("coord").post(self.url, {"keep": "org-a", "duplicate": "org-a-dup"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["moves"], {"affiliations": 1, "memberships": 1, "invitations": 1}
        )
        self.assertContains(response, 'name="confirm" value="yes"')
        self.assertTrue(Organization.objects.filter(slug="org-a-dup").exists())

    def test_merging_moves_everything_and_deletes_the_duplicate(self) -> None:
        response = self.confirm()
        self.assertRedirects(response, self.org_a.get_absolute_url(), fetch_redirect_response=False)
        self.assertFalse(Organization.objects.filter(slug="org-a-dup").exists())
        self.moving.refresh_from_db()
        self.assertEqual(self.moving.organization, self.org_a)
        self.assertTrue(
            Membership.objects.filter(user=self.member, organization=self.org_a).exists()
        )
        self.invitation.refresh_from_db()
        self.assertEqual(self.invitation.organization, self.org_a)
        self.assertIn(self.topic, self.org_a.topics.all())
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.website, "https://dup.example.org")

    def test_merging_an_organization_with_itself_is_refused(self) -> None:
        response = self.confirm(duplicate="org-a")
        self.assertContains(
            response, "Choose two different organizations to merge.", status_code=400
        )
        self.assertTrue(Organization.objects.filter(slug="org-a").exists())

    def test_bad_input_gets_a_message_and_changes_nothing(self) -> None:
        for data in ({}, {"keep": "org-a"}, {"keep": "org-a", "duplicate": "no-such"}):
            with self.subTest(data=data):
                response = self.as_("coord").post(self.url, {**data, "confirm": "yes"})
                self.assertContains(response, "There is a problem", status_code=400)
        self.assertEqual(Organization.objects.count(), 3)

    def test_the_kept_organization_can_be_chosen_from_its_page(self) -> None:
        response = self.as_("coord").get(f"{self.url}?keep=org-a")
        self.assertContains(response, '<option value="org-a" selected>')

    def test_the_pages_have_a_fixed_number_of_queries(self) -> None:
        client = self.as_("coord")
        few = count_queries(client, self.url)
        self.assertEqual(few, 5)  # session, user, second factor, the page's own
        with CaptureQueriesContext(connection) as confirm_few:
            client.post(self.url, {"keep": "org-a", "duplicate": "org-a-dup"})
        self.assertEqual(len(confirm_few.captured_queries), 8)
        OrganizationFactory.create_batch(20)
        AffiliationFactory.create_batch(5, organization=self.duplicate)
        with self.assertNumQueries(few):
            client.get(self.url)
        with self.assertNumQueries(len(confirm_few.captured_queries)):
            client.post(self.url, {"keep": "org-a", "duplicate": "org-a-dup"})


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


@IN_MEMORY_STORAGE
@override_settings(LANGUAGE_CODE="en")
class PaperConsentTests(ManageTestCase):
    """/directorio/personas/<uuid>/consentimiento-papel/: record a signed paper form."""

    def setUp(self) -> None:
        self.person = services.person_create(
            actor=self.coord, data={"full_name": "Rita Papel"}, source_detail="Ficha firmada"
        )
        self.url = reverse("directory:person-paper-consent", args=[self.person.public_id])

    def evidence(self, content: bytes = PDF, name: str = "form.pdf") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, content, content_type="application/pdf")

    def test_only_coordinators_and_admins_may_record(self) -> None:
        self.assert_coordinators_only(
            self.url, {"purpose_public_listing": "on", "evidence": self.evidence()}
        )
        self.assertFalse(ConsentEvent.objects.exists())

    def test_no_purpose_is_ticked_beforehand(self) -> None:
        response = self.as_("coord").get(self.url)
        self.assertNotContains(response, "checked")
        self.assertContains(response, 'enctype="multipart/form-data"')
        for purpose in ConsentPurpose:
            self.assertContains(response, f'name="purpose_{purpose.value}"')

    def test_coordinator_records_the_form_with_its_scan(self) -> None:
        data = {
            "purpose_members_listing": "on",
            "purpose_email_members": "on",
            "evidence": self.evidence(),
        }
        response = self.as_("coord").post(self.url, data)
        edit = reverse("directory:person-edit", args=[self.person.public_id])
        self.assertRedirects(response, edit, fetch_redirect_response=False)
        self.person.refresh_from_db()
        self.assertEqual(self.person.status, Person.Status.ACTIVE)
        self.assertIs(self.person.members_listing, True)
        self.assertIs(self.person.public_listing, False)
        events = list(self.person.consent_events.all())
        self.assertEqual(len(events), 2)
        for event in events:
            self.assertEqual(event.channel, ConsentEvent.Channel.PAPER)
            self.assertEqual(event.actor, self.coord)
            self.assertTrue(event.notice_version)
            with event.evidence.open() as stored:
                self.assertEqual(stored.read(), PDF)

    def test_an_unticked_purpose_withdraws_an_earlier_consent(self) -> None:
        self.as_("coord").post(
            self.url, {"purpose_members_listing": "on", "evidence": self.evidence()}
        )
        self.as_("coord").post(self.url, {"purpose_photo": "on", "evidence": self.evidence()})
        self.person.refresh_from_db()
        self.assertIs(self.person.members_listing, False)
        self.assertIs(self.person.photo_consent, True)
        withdrawn = self.person.consent_events.get(purpose="members_listing", granted=False)
        self.assertEqual(withdrawn.channel, ConsentEvent.Channel.PAPER)

    def test_a_form_matching_the_record_changes_nothing(self) -> None:
        response = self.as_("coord").post(self.url, {"evidence": self.evidence()})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ConsentEvent.objects.exists())

    def test_a_png_or_jpeg_scan_is_accepted(self) -> None:
        for name, fmt in (("scan.png", "PNG"), ("scan.jpg", "JPEG")):
            buffer = io.BytesIO()
            Image.new("RGB", (20, 20), "white").save(buffer, format=fmt)
            with self.subTest(fmt=fmt):
                response = self.as_("coord").post(
                    self.url,
                    {
                        "purpose_photo": "on" if fmt == "PNG" else "",
                        "evidence": SimpleUploadedFile(name, buffer.getvalue()),
                    },
                )
                self.assertEqual(response.status_code, 302)
        self.assertEqual(self.person.consent_events.count(), 2)

    def test_without_evidence_the_form_is_refused(self) -> None:
        response = self.as_("coord").post(self.url, {"purpose_public_listing": "on"})
        self.assertContains(response, "Attach the signed consent form.", status_code=400)
        self.person.refresh_from_db()
        self.assertEqual(self.person.status, Person.Status.PENDING)
        self.assertFalse(ConsentEvent.objects.exists())

    def test_evidence_that_is_not_a_pdf_or_image_is_refused(self) -> None:
        cases = [
            self.evidence(b"hello, I am a PDF", "fake.pdf"),
            self.evidence(SVG, "form.svg"),
            self.evidence(b"GIF89a" + b"\0" * 20, "form.gif"),
            self.evidence(b"%PDF-" + b"0" * (5 * 1024 * 1024), "big.pdf"),
        ]
        for upload in cases:
            with self.subTest(name=upload.name):
                response = self.as_("coord").post(
                    self.url, {"purpose_public_listing": "on", "evidence": upload}
                )
                self.assertContains(response, "There is a problem", status_code=400)
        self.assertFalse(ConsentEvent.objects.exists())

    def test_an_anonymized_person_is_not_found(self) -> None:
        services.person_anonymize(actor=self.coord, person=self.person)
        self.assertEqual(self.as_("coord").get(self.url).status_code, 404)

    def test_the_page_has_a_fixed_number_of_queries(self) -> None:
        client = self.as_("coord")
        few = count_queries(client, self.url)
        self.assertEqual(few, 4)  # session, user, second factor, the page's own
        PersonFactory.create_batch(10)
        with self.assertNumQueries(few):
            client.get(self.url)
