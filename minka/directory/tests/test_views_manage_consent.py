"""The coordinators' paper consent page: a signed form, with its scan as evidence,
records each purpose; refused evidence answers 400 and changes nothing.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from minka.directory import services
from minka.directory.models import ConsentEvent, ConsentPurpose, Person
from minka.directory.tests.factories import PersonFactory
from minka.directory.tests.helpers import IN_MEMORY_STORAGE, PDF, SVG, ManageTestCase, count_queries


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
