"""Views of "Mis datos" and of the coordinators' register of data-rights requests."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from minka.core.models import AuditEntry
from minka.core.privacy import NOTICE_VERSION
from minka.core.tests.base import PERSONAS, RoleTestCase
from minka.directory import services
from minka.directory.models import ConsentEvent, ConsentPurpose, DataRequest, Person
from minka.directory.tests.factories import PersonFactory

SIGNED_IN = [p for p in PERSONAS if p != "anon"]
MYDATA = reverse("directory:mydata")
REQUEST = reverse("directory:mydata-request")
REGISTER = reverse("directory:datarequest-list")


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


@override_settings(LANGUAGE_CODE="en")
class MyDataPageTests(RoleTestCase):
    """/mis-datos/: every signed-in user sees their own data; visitors sign in first."""

    def test_a_visitor_is_sent_to_sign_in(self) -> None:
        for url in (MYDATA, reverse("directory:mydata-export-json"), REQUEST):
            response = self.as_("anon").post(url) if url == REQUEST else self.as_("anon").get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("account_login"), response["Location"])

    def test_every_signed_in_persona_sees_their_own_record(self) -> None:
        for persona in SIGNED_IN:
            with self.subTest(persona=persona):
                user = getattr(self, persona)
                response = self.as_(persona).get(MYDATA)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, user.email)
                self.assertContains(response, '<meta name="robots" content="noindex">')
                self.assertTrue(Person.objects.filter(user=user).exists())
        self.assertEqual(Person.objects.filter(user=self.mem_a).count(), 1)

    def test_the_page_states_purposes_recipients_notice_and_the_bio_warning(self) -> None:
        response = self.as_("mem_a").get(MYDATA)
        self.assertContains(response, "Why we hold it")
        self.assertContains(response, "Only you and the coordination team")
        self.assertContains(response, reverse("core:privacy"))
        self.assertContains(response, NOTICE_VERSION)
        self.assertContains(response, "political opinions, religion, health")
        self.assertContains(response, self.org_a.name)
        self.assertContains(response, "neutral label")

    def test_no_consent_box_is_ticked_beyond_the_current_state(self) -> None:
        response = self.as_("mem_a").get(MYDATA)
        self.assertNotContains(response, "checked")
        for purpose in ConsentPurpose:
            self.assertContains(response, str(purpose.label).replace("'", "&#x27;"))
        person = Person.objects.get(user=self.mem_a)
        services.person_set_consents(
            actor=self.mem_a, person=person, choices={ConsentPurpose.PHONE: True}
        )
        response = self.as_("mem_a").get(MYDATA)
        self.assertContains(response, "checked", count=1)
        self.assertContains(response, "Granted")

    def test_the_consent_history_is_newest_first(self) -> None:
        person = services.person_for_user(user=self.mem_a)
        services.person_set_consents(
            actor=self.mem_a, person=person, choices={ConsentPurpose.PHONE: True}
        )
        services.person_set_consents(
            actor=self.mem_a, person=person, choices={ConsentPurpose.PHONE: False}
        )
        page = self.as_("mem_a").get(MYDATA).content.decode()
        self.assertLess(page.index("Withdrawn"), page.index("Granted"))

    def test_the_page_costs_a_fixed_number_of_queries(self) -> None:
        client = self.as_("mem_a")
        client.get(MYDATA)
        with self.assertNumQueries(10) as first:
            client.get(MYDATA)
        person = Person.objects.get(user=self.mem_a)
        for purpose in ConsentPurpose.values[:4]:
            services.person_set_consents(actor=self.mem_a, person=person, choices={purpose: True})
        for kind in DataRequest.Kind.values:
            services.data_request_create(actor=self.mem_a, person=person, kind=kind)
        with self.assertNumQueries(len(first.captured_queries)):
            client.get(MYDATA)


@override_settings(LANGUAGE_CODE="en")
class RectificationTests(RoleTestCase):
    """The person corrects their record; bad input answers 400 and changes nothing."""

    def _post(self, **data: str) -> Any:
        payload = {
            "form": "profile",
            "full_name": "Ana Quispe",
            "email": "ana@example.org",
            "phone": "",
            "telegram": "",
            "bio": "",
            **data,
        }
        return self.as_("mem_a").post(MYDATA, payload)

    def test_valid_data_are_saved_and_audited_without_values(self) -> None:
        response = self._post(phone="+51 999 888 777", telegram="@ana_quispe", bio="Hola.")
        self.assertRedirects(response, MYDATA, fetch_redirect_response=False)
        person = Person.objects.get(user=self.mem_a)
        self.assertEqual(
            (person.full_name, person.email, person.phone, person.telegram, person.bio),
            ("Ana Quispe", "ana@example.org", "+51 999 888 777", "ana_quispe", "Hola."),
        )
        entry = AuditEntry.objects.filter(target_type="directory.person").first()
        assert entry is not None
        self.assertNotIn("Ana Quispe", json.dumps(entry.changes))
        # The login address is not the contact address: it does not change.
        self.mem_a.refresh_from_db()
        self.assertEqual(self.mem_a.email, "mem-a@example.org")

    def test_bad_input_answers_400_with_a_message_and_changes_nothing(self) -> None:
        cases = {
            "telegram": ("ab", "5 to 32 letters"),
            "email": ("not-an-email", "Enter a valid email address."),
            "phone": ("call me", "Write the phone number"),
            "full_name": ("", "This field is required."),
        }
        services.person_for_user(user=self.mem_a)
        before = list(Person.objects.filter(user=self.mem_a).values())
        for field, (value, message) in cases.items():
            with self.subTest(field=field):
                response = self._post(**{field: value})
                self.assertContains(response, message, status_code=400)
                self.assertContains(response, "There is a problem", status_code=400)
        self.assertContains(self._post(telegram="a" * 33), "5 to 32", status_code=400)
        self.assertContains(self._post(telegram="bad-name!"), "5 to 32", status_code=400)
        self.assertEqual(list(Person.objects.filter(user=self.mem_a).values()), before)

    def test_a_photo_is_resized_and_a_non_image_is_refused(self) -> None:
        response = self.as_("mem_a").post(
            MYDATA, {"form": "profile", "full_name": "Ana", "photo": _png()}
        )
        self.assertEqual(response.status_code, 302)
        person = Person.objects.get(user=self.mem_a)
        self.addCleanup(person.photo.delete, save=False)
        with Image.open(person.photo) as image:
            self.assertLessEqual(max(image.size), 400)
        self.assertIn(str(person.public_id), str(person.photo.name))
        fake = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
        response = self.as_("mem_a").post(
            MYDATA, {"form": "profile", "full_name": "Other", "photo": fake}
        )
        self.assertEqual(response.status_code, 400)
        person.refresh_from_db()
        self.assertEqual(person.full_name, "Ana")

    def test_an_unknown_form_answers_400(self) -> None:
        response = self.as_("mem_a").post(MYDATA, {"form": "nope"})
        self.assertContains(response, "The form sent is unknown.", status_code=400)


@override_settings(LANGUAGE_CODE="en")
class ConsentFormTests(RoleTestCase):
    """Granting and withdrawing are the same single step."""

    def test_granting_then_withdrawing(self) -> None:
        client = self.as_("reg")
        response = client.post(
            MYDATA, {"form": "consent", ConsentPurpose.EMAIL: "on", ConsentPurpose.PHOTO: "on"}
        )
        self.assertEqual(response.status_code, 302)
        person = Person.objects.get(user=self.reg)
        self.assertIs(person.email_members, True)
        self.assertIs(person.photo_consent, True)
        client.post(MYDATA, {"form": "consent", ConsentPurpose.PHOTO: "on"})
        person.refresh_from_db()
        self.assertIs(person.email_members, False)
        self.assertEqual(ConsentEvent.objects.filter(person=person).count(), 3)
        response = client.post(MYDATA, {"form": "consent", ConsentPurpose.PHOTO: "on"}, follow=True)
        self.assertContains(response, "Nothing changed.")
        self.assertEqual(ConsentEvent.objects.filter(person=person).count(), 3)


@override_settings(LANGUAGE_CODE="en")
class MyDataRequestTests(RoleTestCase):
    """/mis-datos/solicitudes/: filing an ARCO request."""

    def test_get_is_not_allowed(self) -> None:
        self.assertEqual(self.as_("mem_a").get(REQUEST).status_code, 405)

    def test_every_signed_in_persona_files_a_request_shown_with_its_due_date(self) -> None:
        for persona in SIGNED_IN:
            with self.subTest(persona=persona):
                client = self.as_(persona)
                response = client.post(REQUEST, {"kind": "opposition", "details": "Stop."})
                self.assertRedirects(response, MYDATA, fetch_redirect_response=False)
                data_request = DataRequest.objects.get(person__user=getattr(self, persona))
                page = client.get(MYDATA)
                self.assertContains(page, "Opposition")
                self.assertContains(page, "Received")
                self.assertContains(page, data_request.due_date.strftime("%Y-%m-%d"))

    def test_a_duplicate_open_request_is_refused_clearly(self) -> None:
        client = self.as_("mem_a")
        client.post(REQUEST, {"kind": "cancellation"})
        response = client.post(REQUEST, {"kind": "cancellation"})
        self.assertContains(
            response, "There is already an open request of this kind.", status_code=400
        )
        self.assertEqual(DataRequest.objects.count(), 1)

    def test_bad_input_answers_400_and_files_nothing(self) -> None:
        client = self.as_("mem_a")
        self.assertEqual(client.post(REQUEST, {"kind": "erase-everyone"}).status_code, 400)
        self.assertEqual(client.post(REQUEST, {}).status_code, 400)
        response = client.post(REQUEST, {"kind": "access", "details": "x" * 2001})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(DataRequest.objects.exists())


@override_settings(LANGUAGE_CODE="en")
class MyDataExportTests(RoleTestCase):
    """Each persona downloads only their own data."""

    def test_each_persona_gets_their_own_export_only(self) -> None:
        for persona in SIGNED_IN:
            with self.subTest(persona=persona):
                user = getattr(self, persona)
                for name in ("directory:mydata-export-json", "directory:mydata-export-csv"):
                    response = self.as_(persona).get(reverse(name))
                    self.assertEqual(response.status_code, 200)
                    body = response.content.decode()
                    self.assertIn(user.email, body)
                    others = [getattr(self, p).email for p in SIGNED_IN if p != persona]
                    self.assertEqual([e for e in others if e in body], [])

    def test_post_is_not_allowed(self) -> None:
        self.assertEqual(
            self.as_("mem_a").post(reverse("directory:mydata-export-json")).status_code, 405
        )


@override_settings(LANGUAGE_CODE="en", DIRECTORY_PAGE_SIZE=5)
class DataRequestRegisterTests(RoleTestCase):
    """/directorio/solicitudes/: coordinators only, open first, overdue marked, figures."""

    def _request(self, kind: str = "access", **fields: object) -> DataRequest:
        person = PersonFactory.create()
        data_request = services.data_request_create(actor=self.coord, person=person, kind=kind)
        if fields:
            DataRequest.objects.filter(pk=data_request.pk).update(**fields)
            data_request.refresh_from_db()
        return data_request

    def test_access_by_persona(self) -> None:
        expected = {"anon": 302, "reg": 403, "mem_a": 403, "mem_b": 403, "coord": 200, "admin": 200}
        for persona, status in expected.items():
            with self.subTest(persona=persona):
                data_request = self._request()
                detail = reverse("directory:datarequest-detail", args=[data_request.public_id])
                self.assertEqual(self.as_(persona).get(REGISTER).status_code, status)
                self.assertEqual(self.as_(persona).get(detail).status_code, status)
                post = self.as_(persona).post(detail, {"status": "done", "answer": "Sent."})
                self.assertEqual(post.status_code, 302 if status != 403 else 403)
                data_request.refresh_from_db()
                self.assertIs(data_request.is_open, status != 200)
        self.assertEqual(self.as_("coord").post(REGISTER).status_code, 405)

    def test_open_first_overdue_marked_and_figures(self) -> None:
        now = timezone.now()
        overdue = self._request(due_date=timezone.localdate() - timedelta(days=1))
        later = self._request()
        self._request(
            status="done", received_at=now - timedelta(days=4), closed_at=now, answer="Ok."
        )
        self._request(
            status="rejected", received_at=now - timedelta(days=2), closed_at=now, answer="No."
        )
        response = self.as_("coord").get(REGISTER)
        page = list(response.context["page"])
        self.assertEqual(page[:2], [overdue, later])
        self.assertContains(response, 'class="overdue"', count=1)
        figures = response.context["figures"]
        self.assertEqual((figures["open"], figures["overdue"]), (2, 1))
        self.assertEqual(figures["median_days"], 3.0)
        self.assertContains(response, "Past due")

    def test_the_page_size_is_capped_and_queries_are_fixed(self) -> None:
        self._request()
        client = self.as_("coord")
        client.get(REGISTER)
        with self.assertNumQueries(7) as one:
            client.get(REGISTER)
        for _ in range(7):
            self._request()
        with self.assertNumQueries(len(one.captured_queries)):
            response = client.get(REGISTER + "?page=1&page_size=500")
        self.assertEqual(len(response.context["page"]), 5)
        self.assertEqual(client.get(REGISTER + "?page=999").status_code, 200)

    def test_an_unknown_request_is_404(self) -> None:
        url = reverse("directory:datarequest-detail", args=["00000000-0000-4000-8000-000000000000"])
        self.assertEqual(self.as_("coord").get(url).status_code, 404)


@override_settings(LANGUAGE_CODE="en")
class DataRequestDetailTests(RoleTestCase):
    """A coordinator reads the request and the person's data, and closes it."""

    def setUp(self) -> None:
        self.person = services.person_for_user(user=self.mem_a)
        services.person_update(
            actor=self.mem_a, person=self.person, data={"phone": "+51 911 222 333"}
        )
        self.data_request = services.data_request_create(
            actor=self.mem_a, person=self.person, kind="access", details="Send everything."
        )
        self.url = reverse("directory:datarequest-detail", args=[self.data_request.public_id])

    def test_the_page_shows_the_request_and_the_current_data_and_logs_the_view(self) -> None:
        response = self.as_("coord").get(self.url)
        self.assertContains(response, "Send everything.")
        self.assertContains(response, "+51 911 222 333")
        self.assertContains(response, self.mem_a.email)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.VIEW_PERSONAL, actor=self.coord
            ).exists()
        )

    def test_closing_records_the_answer_and_emails_the_person_after_commit(self) -> None:
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("coord").post(
                self.url, {"status": "done", "answer": "Your data are attached."}
            )
        self.assertRedirects(response, REGISTER, fetch_redirect_response=False)
        self.data_request.refresh_from_db()
        self.assertEqual(self.data_request.status, DataRequest.Status.DONE)
        self.assertEqual(self.data_request.handled_by, self.coord)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.mem_a.email])
        self.assertIn("Your data are attached.", mail.outbox[0].body)
        self.assertIn(MYDATA, mail.outbox[0].body)
        self.assertNotIn("\n", mail.outbox[0].subject)

    def test_bad_input_answers_400_and_changes_nothing(self) -> None:
        for data in ({}, {"status": "done"}, {"status": "received", "answer": "x"}):
            with self.subTest(data=data):
                response = self.as_("coord").post(self.url, data)
                self.assertContains(response, "There is a problem", status_code=400)
        self.assertContains(
            self.as_("coord").post(self.url, {"status": "done", "answer": "   "}),
            "This field is required.",
            status_code=400,
        )
        self.data_request.refresh_from_db()
        self.assertIs(self.data_request.is_open, True)
        self.assertEqual(len(mail.outbox), 0)

    def test_a_closed_request_cannot_be_closed_again(self) -> None:
        services.data_request_close(
            actor=self.coord, request=self.data_request, status="rejected", answer="No."
        )
        response = self.as_("coord").post(self.url, {"status": "done", "answer": "Yes."})
        self.assertContains(response, "already closed", status_code=400)
        self.data_request.refresh_from_db()
        self.assertEqual(self.data_request.answer, "No.")

    def test_a_done_cancellation_anonymizes_the_person(self) -> None:
        data_request = services.data_request_create(
            actor=self.mem_a, person=self.person, kind="cancellation"
        )
        url = reverse("directory:datarequest-detail", args=[data_request.public_id])
        self.assertContains(self.as_("coord").get(url), "cannot be undone")
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("coord").post(url, {"status": "done", "answer": "Erased."})
        self.person.refresh_from_db()
        self.assertEqual(self.person.status, Person.Status.ANONYMIZED)
        self.assertIn("Erased.", mail.outbox[-1].body)
        self.assertIn("last message", mail.outbox[-1].body)

    def test_the_detail_page_costs_a_fixed_number_of_queries(self) -> None:
        client = self.as_("coord")
        client.get(self.url)
        with self.assertNumQueries(6):
            client.get(self.url)
        services.affiliation_create(actor=self.coord, person=self.person, organization=self.org_b)
        with self.assertNumQueries(6):
            client.get(self.url)
