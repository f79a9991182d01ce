"""The coordinators' organization pages: add, edit and merge, for every persona; refused
input answers 400 with a message and changes nothing; pages keep a fixed number of queries.
"""

from __future__ import annotations

import io
import os
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from minka.core.models import AuditEntry
from minka.directory import services
from minka.directory.models import Membership, Organization, Topic
from minka.directory.tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganizationFactory,
)
from minka.directory.tests.helpers import (
    IN_MEMORY_STORAGE,
    SVG,
    ManageTestCase,
    count_queries,
    image_upload,
)


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
        # Session, user, second factor, the topics, the organizations a body may count.
        self.assertEqual(few, 5)
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
        # Session, user, second factor, the organization, its topics, the list of topics,
        # its functions and member organizations (a body's), the organizations to choose.
        self.assertEqual(few, 9)
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
