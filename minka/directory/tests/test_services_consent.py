"""Consent events (SECURITY.md R3, R4), data-request services and working-day deadlines."""

from __future__ import annotations

from datetime import date
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from minka.core.models import AuditEntry
from minka.core.privacy import NOTICE_VERSION, notice_hash
from minka.core.tests.base import RoleTestCase
from minka.core.workdays import add_working_days, holidays, is_working_day
from minka.directory import permissions, services
from minka.directory.models import ConsentEvent, ConsentPurpose, DataRequest, Person
from minka.directory.tests.factories import PersonFactory


@override_settings(LANGUAGE_CODE="en")
class ConsentServiceTests(RoleTestCase):
    """person_set_consents records one complete event per change, and only then."""

    def setUp(self) -> None:
        self.person = services.person_for_user(user=self.mem_a)

    def test_a_change_through_the_web_records_every_field_of_the_event(self) -> None:
        """Notice version and hash, channel, actor and the request id of the web request."""
        response = self.as_("mem_a").post(
            reverse("directory:mydata"), {"form": "consent", ConsentPurpose.EMAIL: "on"}
        )
        self.assertEqual(response.status_code, 302)
        event = ConsentEvent.objects.get(person=self.person)
        self.assertEqual(event.purpose, ConsentPurpose.EMAIL)
        self.assertIs(event.granted, True)
        self.assertEqual(event.notice_version, NOTICE_VERSION)
        self.assertEqual(event.notice_hash, notice_hash())
        self.assertEqual(len(event.notice_hash), 64)
        self.assertEqual(event.channel, ConsentEvent.Channel.WEB)
        self.assertEqual(event.actor, self.mem_a)
        self.assertTrue(event.request_id)
        audit = AuditEntry.objects.filter(target_type="directory.person").first()
        assert audit is not None
        self.assertEqual(audit.request_id, event.request_id)
        self.assertEqual(audit.changes, {ConsentPurpose.EMAIL: [False, True]})

    def test_no_event_when_nothing_changes(self) -> None:
        services.person_set_consents(
            actor=self.mem_a, person=self.person, choices={ConsentPurpose.PHONE: True}
        )
        events = services.person_set_consents(
            actor=self.mem_a,
            person=self.person,
            choices={ConsentPurpose.PHONE: True, ConsentPurpose.EMAIL: False},
        )
        self.assertEqual(events, [])
        self.assertEqual(ConsentEvent.objects.filter(person=self.person).count(), 1)

    def test_withdrawing_is_one_event_and_takes_effect_at_once(self) -> None:
        services.person_set_consents(
            actor=self.mem_a, person=self.person, choices={ConsentPurpose.EMAIL: True}
        )
        services.person_set_consents(
            actor=self.mem_a, person=self.person, choices={ConsentPurpose.EMAIL: False}
        )
        self.person.refresh_from_db()
        self.assertIs(self.person.email_members, False)
        self.assertEqual(
            list(
                ConsentEvent.objects.filter(person=self.person)
                .order_by("pk")
                .values_list("granted", flat=True)
            ),
            [True, False],
        )

    def test_a_pending_person_becomes_active_when_they_grant(self) -> None:
        Person.objects.filter(pk=self.person.pk).update(status=Person.Status.PENDING)
        self.person.refresh_from_db()
        services.person_set_consents(
            actor=self.mem_a, person=self.person, choices={ConsentPurpose.EMAIL: False}
        )
        self.person.refresh_from_db()
        self.assertEqual(self.person.status, Person.Status.PENDING)
        services.person_set_consents(
            actor=self.mem_a, person=self.person, choices={ConsentPurpose.MEMBERS_LISTING: True}
        )
        self.person.refresh_from_db()
        self.assertEqual(self.person.status, Person.Status.ACTIVE)

    def test_paper_consent_by_a_coordinator_requires_evidence(self) -> None:
        other = PersonFactory.create(status=Person.Status.PENDING)
        with self.assertRaisesMessage(ValidationError, "Attach the signed consent form."):
            services.person_set_consents(
                actor=self.coord,
                person=other,
                choices={ConsentPurpose.MEMBERS_LISTING: True},
                channel=ConsentEvent.Channel.PAPER,
            )
        self.assertFalse(ConsentEvent.objects.filter(person=other).exists())
        upload = SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed")
        [event] = services.person_set_consents(
            actor=self.coord,
            person=other,
            choices={ConsentPurpose.MEMBERS_LISTING: True},
            channel=ConsentEvent.Channel.PAPER,
            evidence=upload,
        )
        self.addCleanup(event.evidence.delete, save=False)
        self.assertEqual(event.actor, self.coord)
        self.assertEqual(event.channel, ConsentEvent.Channel.PAPER)
        self.assertTrue(event.evidence.name)

    def test_a_coordinator_cannot_consent_for_someone_on_the_web(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.person_set_consents(
                actor=self.coord, person=self.person, choices={ConsentPurpose.EMAIL: True}
            )

    def test_members_cannot_record_consent_for_others(self) -> None:
        upload = SimpleUploadedFile("form.pdf", b"%PDF")
        for actor in (self.mem_b, self.reg):
            for channel in ConsentEvent.Channel.values:
                with (
                    self.subTest(actor=actor.email, channel=channel),
                    self.assertRaises(PermissionDenied),
                ):
                    services.person_set_consents(
                        actor=actor,
                        person=self.person,
                        choices={ConsentPurpose.EMAIL: True},
                        channel=channel,
                        evidence=upload,
                    )
        self.assertFalse(ConsentEvent.objects.exists())

    def test_an_unknown_purpose_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "Unknown consent purpose."):
            services.person_set_consents(
                actor=self.mem_a, person=self.person, choices={"religion": True}
            )

    def test_after_withdrawal_the_field_disappears_on_the_next_request(self) -> None:
        """A member sees the address while allowed, and not on the next request after."""
        services.person_update(
            actor=self.mem_a,
            person=self.person,
            data={"email": "withdraw-me@example.org", "phone": "+51 987 654 321"},
        )
        services.person_set_consents(
            actor=self.mem_a,
            person=self.person,
            choices={ConsentPurpose.MEMBERS_LISTING: True, ConsentPurpose.EMAIL: True},
        )
        self.person.refresh_from_db()
        self.assertEqual(
            permissions.visible_contact(self.mem_b, self.person),
            {"email": "withdraw-me@example.org"},
        )
        url = self.person.get_absolute_url()
        viewer = self.as_("mem_b")
        self.assertContains(viewer.get(url), "withdraw-me@example.org")
        self.as_("mem_a").post(
            reverse("directory:mydata"), {"form": "consent", ConsentPurpose.MEMBERS_LISTING: "on"}
        )
        self.person.refresh_from_db()
        self.assertEqual(permissions.visible_contact(self.mem_b, self.person), {})
        response = viewer.get(url)
        self.assertNotContains(response, "withdraw-me@example.org", status_code=200)
        self.assertNotContains(response, "987 654 321")


DEADLINES = {"access": 20, "rectification": 10, "cancellation": 10, "opposition": 10}


@override_settings(LANGUAGE_CODE="en", ARCO_DEADLINE_DAYS=DEADLINES)
class DataRequestServiceTests(RoleTestCase):
    """ARCO requests: due dates in working days, one open request per kind, closing."""

    def setUp(self) -> None:
        self.person = services.person_for_user(user=self.mem_a)

    def test_the_due_date_counts_peruvian_working_days(self) -> None:
        with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 7, 22)):
            data_request = services.data_request_create(
                actor=self.mem_a, person=self.person, kind=DataRequest.Kind.OPPOSITION
            )
        self.assertEqual(data_request.due_date, add_working_days(date(2026, 7, 22), 10))
        self.assertIs(data_request.identity_verified, True)

    def test_a_second_open_request_of_the_same_kind_is_refused(self) -> None:
        services.data_request_create(
            actor=self.mem_a, person=self.person, kind=DataRequest.Kind.CANCELLATION
        )
        with self.assertRaisesMessage(
            ValidationError, "There is already an open request of this kind."
        ):
            services.data_request_create(
                actor=self.mem_a, person=self.person, kind=DataRequest.Kind.CANCELLATION
            )

    def test_others_cannot_file_a_request_for_the_person(self) -> None:
        for actor in (self.reg, self.mem_b):
            with self.subTest(actor=actor.email), self.assertRaises(PermissionDenied):
                services.data_request_create(
                    actor=actor, person=self.person, kind=DataRequest.Kind.ACCESS
                )

    def test_only_coordinators_close_and_only_once(self) -> None:
        data_request = services.data_request_create(
            actor=self.mem_a, person=self.person, kind=DataRequest.Kind.ACCESS
        )
        with self.assertRaises(PermissionDenied):
            services.data_request_close(
                actor=self.mem_a, request=data_request, status="done", answer="Sent."
            )
        services.data_request_close(
            actor=self.coord, request=data_request, status="done", answer="Sent."
        )
        with self.assertRaisesMessage(ValidationError, "This request is already closed."):
            services.data_request_close(
                actor=self.coord, request=data_request, status="rejected", answer="No."
            )

    def test_a_rejected_cancellation_keeps_the_person(self) -> None:
        data_request = services.data_request_create(
            actor=self.mem_a, person=self.person, kind=DataRequest.Kind.CANCELLATION
        )
        services.data_request_close(
            actor=self.coord, request=data_request, status="rejected", answer="Identity unclear."
        )
        self.person.refresh_from_db()
        self.assertEqual(self.person.status, Person.Status.ACTIVE)


class WorkingDayTests(SimpleTestCase):
    """Legal deadlines skip weekends and Peru's national holidays."""

    def test_weekends_are_skipped(self) -> None:
        self.assertEqual(add_working_days(date(2026, 3, 6), 1), date(2026, 3, 9))  # Fri → Mon
        self.assertEqual(add_working_days(date(2026, 3, 7), 1), date(2026, 3, 9))  # Sat → Mon

    def test_fiestas_patrias_are_skipped(self) -> None:
        """From Wed 22 July 2026: 23 (Air Force), 28 and 29 July are holidays."""
        self.assertFalse(is_working_day(date(2026, 7, 28)))
        self.assertFalse(is_working_day(date(2026, 7, 29)))
        self.assertEqual(add_working_days(date(2026, 7, 22), 1), date(2026, 7, 24))
        self.assertEqual(add_working_days(date(2026, 7, 22), 2), date(2026, 7, 27))
        self.assertEqual(add_working_days(date(2026, 7, 22), 3), date(2026, 7, 30))

    def test_holy_thursday_and_good_friday_are_skipped(self) -> None:
        self.assertIn(date(2026, 4, 2), holidays(2026))
        self.assertIn(date(2026, 4, 3), holidays(2026))
        self.assertEqual(add_working_days(date(2026, 4, 1), 1), date(2026, 4, 6))

    def test_ten_working_days_over_christmas(self) -> None:
        # 8, 9 and 25 December are holidays; 2026-12-07 is a Monday.
        self.assertEqual(add_working_days(date(2026, 12, 7), 10), date(2026, 12, 23))

    def test_zero_days_is_the_start_day(self) -> None:
        self.assertEqual(add_working_days(date(2026, 5, 4), 0), date(2026, 5, 4))
