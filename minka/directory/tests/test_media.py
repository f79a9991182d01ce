"""Logos and photos are served through views that check who may see them."""

from __future__ import annotations

from django.urls import reverse

from minka.core.tests.base import RoleTestCase
from minka.directory.tests.factories import OrganizationFactory, PersonFactory
from minka.directory.tests.matrix_media import png


class ImageViewTests(RoleTestCase):
    def test_logo_is_a_png_that_cannot_run_anything(self) -> None:
        organization = OrganizationFactory.create(slug="con-logo", logo=png())
        response = self.as_("anon").get(
            reverse("directory:organization-logo", args=[organization.slug])
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("sandbox", response["Content-Security-Policy"])
        self.assertTrue(response.getvalue().startswith(b"\x89PNG"))

    def test_photo_follows_consent_and_withdrawal_applies_at_once(self) -> None:
        person = PersonFactory.create(members_listing=True, photo_consent=True, photo=png())
        url = reverse("directory:person-photo", args=[person.public_id])
        self.assertEqual(self.as_("mem_b").get(url).status_code, 200)
        self.assertEqual(self.as_("anon").get(url).status_code, 404)
        person.photo_consent = False
        person.save()
        self.assertEqual(self.as_("mem_b").get(url).status_code, 404)
        self.assertEqual(self.as_("coord").get(url).status_code, 200)

    def test_the_person_sees_their_own_photo(self) -> None:
        person = PersonFactory.create(user=self.reg, photo=png())
        url = reverse("directory:person-photo", args=[person.public_id])
        self.assertEqual(self.as_("reg").get(url).status_code, 200)

    def test_media_files_have_no_public_url(self) -> None:
        person = PersonFactory.create(members_listing=True, photo_consent=True, photo=png())
        self.assertEqual(self.as_("admin").get(person.photo.url).status_code, 404)
