"""Shared helpers of the directory's view tests.

The management pages' storage override, uploads, query counter and ``ManageTestCase``;
the public pages' canary strings and ``DirectoryTestCase``, whose fixture sets up
organizations in every state and people with mixed consent choices.
"""

from __future__ import annotations

import datetime
import io
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from minka.core.tests.base import RoleTestCase
from minka.directory.models import Organization, Person, Region, Sector, Topic
from minka.directory.tests.factories import AffiliationFactory, OrganizationFactory, PersonFactory

if TYPE_CHECKING:
    from django.test import Client
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

# The management pages.

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


# The public pages.

MEMBERS = ("mem_a", "mem_b", "coord", "admin")
LOWER = ("anon", "reg")

APPLICANT_DESCRIPTION = "Postulante: descripción solo para miembros 7f3a"
FORMER_DESCRIPTION = "Antigua: descripción solo para miembros 81bc"
PUBLIC_NAME = "Pública Uno"
PUBLIC_EMAIL = "publica-uno@example.org"  # shown to members
PUBLIC_PRIVATE_PHONE = "+51 900 000 001"  # kept private
PUBLIC_TELEGRAM = "publica_tg"  # shown to members
PUBLIC_BIO = "Bio de la persona pública 5d2e"
MEMBERS_NAME = "Miembros Dos"
MEMBERS_PRIVATE_EMAIL = "miembros-privado@example.org"  # kept private
MEMBERS_PHONE = "+51 900 000 002"  # shown to members
UNLISTED_NAME = "Sin Lista Tres"
PENDING_NAME = "Pendiente Cuatro"
PENDING_PHONE = "+51 900 000 004"
ANONYMIZED_NAME = "Persona anonimizada 99"
OWN_NAME = "Propia Cinco"
OWN_PHONE = "+51 900 000 005"
# What a member may see but a visitor or a registered user may not.
MEMBERS_ONLY = [APPLICANT_DESCRIPTION, FORMER_DESCRIPTION, MEMBERS_NAME, PUBLIC_EMAIL, PUBLIC_BIO]
# What nobody but coordinators (or the person) may see.
COORDINATORS_ONLY = [
    PUBLIC_PRIVATE_PHONE,
    MEMBERS_PRIVATE_EMAIL,
    UNLISTED_NAME,
    PENDING_NAME,
    PENDING_PHONE,
]


class DirectoryTestCase(RoleTestCase):
    """Personas plus organizations in every state and people with mixed consent choices."""

    applicant: Organization
    former: Organization
    topic: Topic
    public: Person
    members_only: Person
    unlisted: Person
    pending: Person
    anonymized: Person
    own: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.topic = Topic.objects.create(name="Agua", slug="agua")
        Organization.objects.filter(pk=cls.org_a.pk).update(
            sector=Sector.ACADEMIA,
            region=Region.LIMA,
            description="Universidad de la red",
            website="https://a.example.org",
            public_email="contacto@a.example.org",
            member_since=datetime.date(2020, 3, 1),
        )
        Organization.objects.filter(pk=cls.org_b.pk).update(
            sector=Sector.CIVIL_SOCIETY, region=Region.CUSCO
        )
        cls.org_a.refresh_from_db()
        cls.org_b.refresh_from_db()
        cls.org_a.topics.add(cls.topic)
        cls.applicant = OrganizationFactory.create(
            name="Postulante Uno",
            slug="postulante-uno",
            sector=Sector.ACADEMIA,
            region=Region.LIMA,
            description=APPLICANT_DESCRIPTION,
            membership_status=Organization.MembershipStatus.APPLICANT,
        )
        cls.former = OrganizationFactory.create(
            name="Antigua Uno",
            slug="antigua-uno",
            description=FORMER_DESCRIPTION,
            membership_status=Organization.MembershipStatus.FORMER,
        )
        cls.public = PersonFactory.create(
            full_name=PUBLIC_NAME,
            email=PUBLIC_EMAIL,
            email_members=True,
            phone=PUBLIC_PRIVATE_PHONE,
            telegram=PUBLIC_TELEGRAM,
            telegram_members=True,
            bio=PUBLIC_BIO,
            public_listing=True,
            members_listing=True,
        )
        cls.members_only = PersonFactory.create(
            full_name=MEMBERS_NAME,
            email=MEMBERS_PRIVATE_EMAIL,
            phone=MEMBERS_PHONE,
            phone_members=True,
            members_listing=True,
        )
        cls.unlisted = PersonFactory.create(full_name=UNLISTED_NAME, email="")
        cls.pending = PersonFactory.create(
            full_name=PENDING_NAME,
            email="",
            phone=PENDING_PHONE,
            phone_members=True,
            members_listing=True,
            public_listing=True,
            status=Person.Status.PENDING,
        )
        cls.anonymized = PersonFactory.create(
            full_name=ANONYMIZED_NAME, email="", status=Person.Status.ANONYMIZED
        )
        cls.own = PersonFactory.create(
            full_name=OWN_NAME,
            email="",
            phone=OWN_PHONE,
            user=cls.mem_b,
            status=Person.Status.PENDING,
        )
        AffiliationFactory.create(
            person=cls.public, organization=cls.org_a, title="Directora", is_focal_point=True
        )
        AffiliationFactory.create(person=cls.public, organization=cls.applicant, title="Asesora")
        AffiliationFactory.create(
            person=cls.public,
            organization=cls.org_b,
            title="Ex voluntaria",
            end_date=datetime.date(2020, 1, 1),
        )
        AffiliationFactory.create(person=cls.members_only, organization=cls.org_a, title="Analista")
        AffiliationFactory.create(person=cls.unlisted, organization=cls.org_a, is_focal_point=True)
        AffiliationFactory.create(person=cls.pending, organization=cls.org_a)
        AffiliationFactory.create(person=cls.anonymized, organization=cls.org_a)
        AffiliationFactory.create(person=cls.own, organization=cls.org_b, title="Enlace")
        AffiliationFactory.create(person=cls.members_only, organization=cls.applicant)

    def assert_queries(self, counts: dict[str, int], url: str) -> list[Response]:
        """GET ``url`` as each persona with exactly the given number of queries.

        Signed-in requests add five (session, user, and the session clock's savepoint,
        update and release); coordinators one more (their second factor).
        """
        responses = []
        for persona, queries in counts.items():
            client = self.as_(persona)
            with self.subTest(persona=persona), self.assertNumQueries(queries):
                response = client.get(url)
            self.assertEqual(response.status_code, 200)
            responses.append(response)
        return responses

    def get(self, persona: str, name: str, *args: Any, **params: Any) -> Response:
        response: Response = self.as_(persona).get(reverse(name, args=args), params)
        return response
