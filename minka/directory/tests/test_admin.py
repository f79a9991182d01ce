"""The directory in the Django admin: what coordinators may do there, and what nobody may."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.directory import services
from minka.directory.models import ConsentEvent, DataRequest, Organization, Person, Topic
from minka.directory.tests.helpers import IN_MEMORY_STORAGE, SVG, image_upload

MODELS = ("organization", "topic", "person", "affiliation", "consentevent", "datarequest")


def admin_url(model: str, view: str, *args: object) -> str:
    return reverse(f"admin:directory_{model}_{view}", args=args)


@IN_MEMORY_STORAGE
@override_settings(LANGUAGE_CODE="en")
class DirectoryAdminTests(RoleTestCase):
    """Coordinators keep the directory in the admin; lower roles never reach it."""

    person: Person
    event: ConsentEvent
    request: DataRequest
    topic: Topic

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = services.person_create(
            actor=cls.coord, data={"full_name": "Admin Persona"}, organization=cls.org_a
        )
        own = services.person_for_user(user=cls.mem_a)
        cls.event = services.person_set_consents(
            actor=cls.mem_a, person=own, choices={"members_listing": True}
        )[0]
        cls.request = services.data_request_create(
            actor=cls.mem_a, person=own, kind=DataRequest.Kind.ACCESS
        )
        cls.topic = Topic.objects.create(name="Conectividad", slug="conectividad")

    def test_lower_roles_are_sent_to_sign_in(self) -> None:
        for persona in ("anon", "reg", "mem_a", "mem_b"):
            for model in MODELS:
                with self.subTest(persona=persona, model=model):
                    response = self.as_(persona).get(admin_url(model, "changelist"))
                    self.assertEqual(response.status_code, 302)

    def test_coordinators_see_every_directory_model(self) -> None:
        client = self.as_("coord")
        index = client.get(reverse("admin:index"))
        for model in MODELS:
            with self.subTest(model=model):
                self.assertContains(index, admin_url(model, "changelist"))
                self.assertEqual(client.get(admin_url(model, "changelist")).status_code, 200)
        # Accounts stay with the admins.
        self.assertEqual(client.get(reverse("admin:accounts_user_changelist")).status_code, 403)

    def test_coordinator_adds_an_organization_with_a_resized_logo(self) -> None:
        response = self.as_("coord").post(
            admin_url("organization", "add"),
            {
                "name": "Red del Admin",
                "slug": "red-del-admin",
                "sector": "academia",
                "region": "lima",
                "membership_status": "member",
                "topics": [self.topic.pk],
                "logo": image_upload(size=(900, 900)),
            },
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        organization = Organization.objects.get(slug="red-del-admin")
        with organization.logo.open() as stored, Image.open(stored) as image:
            self.assertEqual((image.format, max(image.size)), ("PNG", 400))
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.CREATE, target_id=str(organization.pk)
            ).exists()
        )

    def test_an_svg_logo_is_refused_in_the_admin_too(self) -> None:
        response = self.as_("coord").post(
            admin_url("organization", "change", self.org_a.pk),
            {
                "name": self.org_a.name,
                "slug": self.org_a.slug,
                "sector": "academia",
                "region": "lima",
                "membership_status": "member",
                "logo": SimpleUploadedFile("x.svg", SVG, content_type="image/svg+xml"),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["adminform"].form.errors)
        self.org_a.refresh_from_db()
        self.assertFalse(self.org_a.logo)

    def test_a_person_added_in_the_admin_is_pending_and_consent_is_read_only(self) -> None:
        response = self.as_("coord").post(
            admin_url("person", "add"),
            {
                "full_name": "Desde el Admin",
                "email": "admin-add@example.org",
                "public_listing": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        person = Person.objects.get(full_name="Desde el Admin")
        self.assertEqual(person.status, Person.Status.PENDING)
        self.assertEqual(person.created_by, self.coord)
        self.assertIs(person.public_listing, False)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, target_id=str(person.pk))
        self.assertNotIn("Desde el Admin", str(entry.changes) + entry.target_repr)

    def test_nobody_deletes_a_person_or_a_consent_event_in_the_admin(self) -> None:
        for persona in ("coord", "admin"):
            client = self.as_(persona)
            with self.subTest(persona=persona):
                self.assertEqual(
                    client.get(admin_url("person", "delete", self.person.pk)).status_code, 403
                )
                self.assertEqual(
                    client.post(admin_url("consentevent", "delete", self.event.pk)).status_code,
                    403,
                )
        self.assertTrue(Person.objects.filter(pk=self.person.pk).exists())

    def test_only_admins_delete_organizations_and_topics(self) -> None:
        for model, pk in (("organization", self.org_b.pk), ("topic", self.topic.pk)):
            with self.subTest(model=model):
                url = admin_url(model, "delete", pk)
                self.assertEqual(self.as_("coord").get(url).status_code, 403)
                self.assertEqual(self.as_("admin").get(url).status_code, 200)

    def test_consent_events_are_read_only(self) -> None:
        client = self.as_("coord")
        url = admin_url("consentevent", "change", self.event.pk)
        self.assertEqual(client.get(url).status_code, 200)
        self.assertEqual(client.post(url, {"granted": ""}).status_code, 403)
        self.assertEqual(self.as_("admin").get(admin_url("consentevent", "add")).status_code, 403)
        self.event.refresh_from_db()
        self.assertIs(self.event.granted, True)

    def test_a_data_request_moves_along_but_is_closed_on_its_own_page(self) -> None:
        url = admin_url("datarequest", "change", self.request.pk)
        client = self.as_("coord")
        response = client.post(url, {"status": "in_progress", "identity_verified": "on"})
        self.assertEqual(response.status_code, 302)
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, DataRequest.Status.IN_PROGRESS)
        refused = client.post(url, {"status": "done"})
        self.assertEqual(refused.status_code, 200)
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, DataRequest.Status.IN_PROGRESS)
        self.assertEqual(client.get(admin_url("datarequest", "add")).status_code, 403)

    def test_a_closed_request_and_an_anonymized_person_are_not_changed_here(self) -> None:
        services.data_request_close(
            actor=self.coord, request=self.request, status="rejected", answer="No."
        )
        services.person_anonymize(actor=self.coord, person=self.person)
        client = self.as_("coord")
        self.assertEqual(
            client.post(
                admin_url("datarequest", "change", self.request.pk), {"status": "received"}
            ).status_code,
            403,
        )
        self.assertEqual(
            client.post(
                admin_url("person", "change", self.person.pk), {"full_name": "Otra vez"}
            ).status_code,
            403,
        )
