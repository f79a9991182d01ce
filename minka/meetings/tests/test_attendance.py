"""Attendance: self check-in with a code and its QR, and the attendees directory with its
CSV export (the coordinators' attendance sheet: ``test_attendance_sheet``)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.directory.models import Person
from minka.directory.services import person_for_user
from minka.directory.tests.factories import PersonFactory
from minka.meetings.models import Attendance, Invitee, Meeting
from minka.meetings.services import attendance as services
from minka.meetings.tests.factories import MeetingFactory


@override_settings(LANGUAGE_CODE="en")
class AttendanceTestCase(RoleTestCase):
    meeting: Meeting

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.meeting = MeetingFactory.create(title="Reunión de agosto")

    def setUp(self) -> None:
        cache.clear()

    def url(self, name: str) -> str:
        return reverse(f"meetings:{name}", args=[self.meeting.public_id])


class CheckinTests(AttendanceTestCase):
    def open(self) -> str:
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("coord").post(self.url("checkin-code"), {"action": "open"})
        self.meeting.refresh_from_db()
        return self.meeting.checkin_code

    def test_coordinator_opens_a_code_from_an_unambiguous_alphabet_and_sees_its_qr(self) -> None:
        code = self.open()
        self.assertEqual(len(code), services.CHECKIN_LENGTH)
        self.assertTrue(set(code) <= set(services.CHECKIN_ALPHABET))
        self.assertFalse(set(code) & set("01OIL"))
        page = self.as_("coord").get(self.url("checkin-code"))
        self.assertContains(page, code)
        self.assertContains(page, "<svg")
        self.assertRegex(page.content.decode(), r'<path fill="#000000" d="M[0-9 hvzM-]+"')
        self.assertContains(page, f"/registro/?codigo={code}")
        self.assertNotContains(page, "<script>")

    def test_a_new_code_replaces_the_old_one_and_closing_ends_it(self) -> None:
        first = self.open()
        second = self.open()
        self.assertNotEqual(first, second)  # 1 in ~887 million to fail
        self.as_("coord").post(self.url("checkin-code"), {"action": "close"})
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.checkin_code, "")
        self.assertEqual(
            self.as_("coord").post(self.url("checkin-code"), {"action": "x"}).status_code, 400
        )

    def test_a_signed_in_person_checks_in_with_the_code(self) -> None:
        code = self.open()
        person_for_user(user=self.mem_b)  # with their membership of B as affiliation
        response = self.as_("mem_b").post(
            self.url("meeting-checkin"), {"code": f" {code[:3].lower()}-{code[3:]} "}
        )
        self.assertRedirects(
            response, self.meeting.get_absolute_url(), fetch_redirect_response=False
        )
        attendance = Attendance.objects.get(meeting=self.meeting)
        assert attendance.person is not None
        self.assertEqual(attendance.person.user, self.mem_b)
        self.assertEqual(attendance.source, Attendance.Source.CHECK_IN)
        self.assertEqual(attendance.organization, self.org_b)
        self.as_("mem_b").post(self.url("meeting-checkin"), {"code": code})
        self.assertEqual(Attendance.objects.count(), 1)
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.status, Meeting.Status.PLANNED)

    def test_a_wrong_code_is_refused_with_a_message(self) -> None:
        self.open()
        response = self.as_("reg").post(self.url("meeting-checkin"), {"code": "WRONG1"})
        self.assertContains(response, "not the one shown in the room", status_code=400)
        self.assertFalse(Attendance.objects.exists())

    def test_a_closed_check_in_is_refused(self) -> None:
        response = self.as_("reg").post(self.url("meeting-checkin"), {"code": "ABCDEF"})
        self.assertContains(response, "Check-in for this meeting is closed.", status_code=400)
        self.assertFalse(Attendance.objects.exists())

    def test_guessing_is_rate_limited(self) -> None:
        self.open()
        client = self.as_("reg")
        for _n in range(10):
            client.post(self.url("meeting-checkin"), {"code": "WRONG1"})
        response = client.post(self.url("meeting-checkin"), {"code": self.meeting.checkin_code})
        self.assertEqual(response.status_code, 429)
        self.assertIn("Retry-After", response)
        self.assertFalse(Attendance.objects.exists())

    def test_the_qr_link_sends_visitors_to_sign_in_and_back_with_the_code(self) -> None:
        code = self.open()
        response = self.client.get(self.url("meeting-checkin") + f"?codigo={code}")
        self.assertEqual(response.status_code, 302)
        self.assertIn("codigo%3D" + code, response["Location"])
        page = self.as_("reg").get(self.url("meeting-checkin") + f"?codigo={code}")
        self.assertContains(page, f'value="{code}"')
        self.assertFalse(Attendance.objects.exists())  # GET never writes

    def test_only_coordinators_see_or_change_the_code(self) -> None:
        code = self.open()
        for persona, status in [("anon", 302), ("reg", 403), ("mem_a", 403)]:
            with self.subTest(persona):
                page = self.as_(persona).get(self.url("checkin-code"))
                self.assertNotContains(page, code, status_code=status)
                self.assertEqual(
                    self.as_(persona)
                    .post(self.url("checkin-code"), {"action": "close"})
                    .status_code,
                    status,
                )
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.checkin_code, code)


PAYLOADS = ["=cmd|' /C calc'!A0", "@SUM(1)", "+1", "-1"]


class AttendeesDirectoryTests(AttendanceTestCase):
    def attend(self, **person: Any) -> Person:
        organization = person.pop("organization", None)
        someone = PersonFactory.create(**person)
        Attendance.objects.create(
            meeting=self.meeting,
            person=someone,
            organization=organization,
            source=Attendance.Source.RECORDED,
        )
        return someone

    def test_members_see_consented_names_and_fields_only(self) -> None:
        listed = self.attend(
            full_name="Lucía Listada",
            email="lucia@example.org",
            phone="999 111 222",
            members_listing=True,
            email_members=True,
            organization=self.org_a,
        )
        self.attend(full_name="Nadia Nolistada", email="nadia@example.org")
        self.attend(full_name="Olga Pendiente", status=Person.Status.PENDING, members_listing=True)
        page = self.as_("mem_b").get(self.url("meeting-attendees"))
        self.assertContains(page, listed.full_name)
        self.assertContains(page, "lucia@example.org")
        self.assertContains(page, self.org_a.name)
        self.assertNotContains(page, "999 111 222")
        self.assertNotContains(page, "Nadia")
        self.assertNotContains(page, "nadia@example.org")
        self.assertNotContains(page, "Olga")
        self.assertContains(page, "3 people attended.")
        self.assertContains(page, "2 of them did not agree to be listed.")

    def test_coordinators_see_everyone_with_pending_marked(self) -> None:
        self.attend(full_name="Olga Pendiente", status=Person.Status.PENDING)
        page = self.as_("coord").get(self.url("meeting-attendees"))
        self.assertContains(page, "Olga Pendiente")
        self.assertContains(page, "Pending consent")

    def test_visitors_and_registered_users_never_see_the_directory(self) -> None:
        self.attend(full_name="Lucía Listada", members_listing=True, public_listing=True)
        for name in ("meeting-attendees", "meeting-attendees-csv"):
            self.assertEqual(self.as_("anon").get(self.url(name)).status_code, 302)
            self.assertNotContains(self.as_("reg").get(self.url(name)), "Lucía", status_code=403)

    def test_a_members_only_meeting_is_hidden_from_registered_users(self) -> None:
        Meeting.objects.filter(pk=self.meeting.pk).update(visibility="coordinators")
        self.assertEqual(self.as_("mem_a").get(self.url("meeting-attendees")).status_code, 404)

    def test_the_page_with_100_attendees_costs_a_fixed_number_of_queries(self) -> None:
        for n in range(100):
            self.attend(
                full_name=f"Asistente {n:03}",
                members_listing=n % 2 == 0,
                email_members=True,
                organization=self.org_a,
            )
        client = self.as_("mem_a")
        # Session and user (2), the meeting (1), the attendees with person and
        # organization (1), the session's refresh (3): none per attendee.
        with self.assertNumQueries(7):
            page = client.get(self.url("meeting-attendees"))
        self.assertContains(page, "Asistente 098")
        self.assertNotContains(page, "Asistente 099")

    def test_csv_is_utf8_with_bom_neutralized_and_private(self) -> None:
        """Golden file: formula payloads get a leading apostrophe; same rows as the page."""
        for index, payload in enumerate(PAYLOADS):
            self.attend(
                full_name=f"{payload} Ñandú {index}",
                email=f"{index}@example.org",
                phone=payload,
                members_listing=True,
                email_members=True,
                phone_members=True,
            )
        self.attend(full_name="Nadia Nolistada")
        client = self.as_("mem_a")
        response = client.get(self.url("meeting-attendees-csv"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertTrue(response.content.startswith("\ufeff".encode()))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        expected = [
            ["Name", "Organization", "Email", "Phone", "Telegram"],
            ["'+1 Ñandú 2", "", "2@example.org", "'+1", ""],
            ["'-1 Ñandú 3", "", "3@example.org", "'-1", ""],
            ["'=cmd|' /C calc'!A0 Ñandú 0", "", "0@example.org", "'=cmd|' /C calc'!A0", ""],
            ["'@SUM(1) Ñandú 1", "", "1@example.org", "'@SUM(1)", ""],
        ]
        self.assertEqual(sorted(rows[1:]), sorted(expected[1:]))
        self.assertEqual(rows[0], expected[0])
        self.assertNotIn(b"Nadia", response.content)
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, actor=self.mem_a).exists()
        )

    def test_csv_downloads_are_rate_limited(self) -> None:
        client = self.as_("mem_a")
        for _n in range(20):
            client.get(self.url("meeting-attendees-csv"))
        self.assertEqual(client.get(self.url("meeting-attendees-csv")).status_code, 429)


class AttendeesCanaryTests(AttendanceTestCase):
    """Members-only canary: an attendee's email, shared with members, never reaches a
    visitor or a registered non-member (pages, exports, the meeting page), while members
    see it."""

    def test_a_consented_email_reaches_members_only(self) -> None:
        from minka.core.tests.crawl import crawl

        canary = "canary-attendee-7c1e@example.org"
        someone = PersonFactory.create(
            full_name="Paula Canario",
            email=canary,
            members_listing=True,
            public_listing=True,
            email_members=True,
        )
        Attendance.objects.create(
            meeting=self.meeting, person=someone, source=Attendance.Source.RECORDED
        )
        Invitee.objects.create(meeting=self.meeting, person=someone)
        urls = [
            self.meeting.get_absolute_url(),
            self.url("meeting-attendees"),
            self.url("meeting-attendees-csv"),
            self.url("meeting-checkin"),
            reverse("meetings:rsvp-link", args=["forged-token"]),
        ]
        for persona in ("anon", "reg"):
            result = crawl(self.as_(persona), urls, [canary], limit=60)
            self.assertEqual(result.hits, [], persona)
        self.assertContains(self.as_("mem_b").get(self.url("meeting-attendees")), canary)
