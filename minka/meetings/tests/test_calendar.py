"""iCalendar output: round trips through ``icalendar.Calendar.from_ical`` with America/Lima
times, REQUEST and CANCEL invitations, RFC 5545 escaping and folding of hostile text."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import icalendar
from django.contrib.auth.models import AnonymousUser
from django.test import TestCase, override_settings

from minka.accounts.tests.factories import UserFactory
from minka.core.visibility import Visibility
from minka.directory.tests.factories import PersonFactory
from minka.meetings import ical
from minka.meetings.models import Invitee, Meeting, Rsvp
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory

if TYPE_CHECKING:
    from minka.accounts.models import User

LIMA = ZoneInfo("America/Lima")
ONLINE = "https://meet.example.org/enlace-secreto"


def parse(content: bytes) -> Any:
    """The parsed calendar, untyped: icalendar types a property as a union of every type."""
    return icalendar.Calendar.from_ical(content)


def only_event(content: bytes) -> Any:
    events = parse(content).events
    assert len(events) == 1, events
    return events[0]


@override_settings(BASE_URL="https://minka.example.org", LANGUAGE_CODE="en")
class MeetingIcsTests(TestCase):
    meeting: Meeting
    member: User
    registered: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.meeting = MeetingFactory.create(
            title="Reunión mensual de la red",
            starts_at=datetime.datetime(2026, 3, 5, 10, 0, tzinfo=LIMA),
            ends_at=datetime.datetime(2026, 3, 5, 12, 30, tzinfo=LIMA),
            place="Auditorio, Jr. Huallaga 123; Lima",
            online_url=ONLINE,
            ical_sequence=3,
        )
        AgendaItemFactory.create(meeting=cls.meeting, position=1, title="Bienvenida")
        AgendaItemFactory.create(meeting=cls.meeting, position=2, title="Conectividad rural")
        cls.member = UserFactory.create(role="member")
        cls.registered = UserFactory.create()

    def test_start_is_ten_in_lima_and_fifteen_in_utc(self) -> None:
        """A 10:00 Lima meeting round-trips as 10:00 with TZID America/Lima = 15:00 UTC."""
        content = ical.meeting_ics(self.meeting, viewer=self.member)
        self.assertIn(b"DTSTART;TZID=America/Lima:20260305T100000\r\n", content)
        self.assertIn(b"DTEND;TZID=America/Lima:20260305T123000\r\n", content)
        event = only_event(content)
        self.assertEqual(event.start.tzinfo, LIMA)
        self.assertEqual(event.start.hour, 10)
        self.assertEqual(
            event.start.astimezone(datetime.UTC),
            datetime.datetime(2026, 3, 5, 15, 0, tzinfo=datetime.UTC),
        )
        self.assertEqual(event.end - event.start, datetime.timedelta(hours=2, minutes=30))

    def test_calendar_properties(self) -> None:
        calendar = parse(ical.meeting_ics(self.meeting, viewer=AnonymousUser()))
        self.assertEqual(str(calendar["PRODID"]), "-//Minka//Reuniones//ES")
        self.assertEqual(str(calendar["VERSION"]), "2.0")
        self.assertEqual(str(calendar["CALSCALE"]), "GREGORIAN")
        self.assertEqual(str(calendar["X-WR-CALNAME"]), "Reunión mensual de la red")
        self.assertNotIn("METHOD", calendar)
        timezones = calendar.walk("VTIMEZONE")
        self.assertEqual([str(tz["TZID"]) for tz in timezones], ["America/Lima"])

    def test_event_properties(self) -> None:
        event = only_event(ical.meeting_ics(self.meeting, viewer=AnonymousUser()))
        self.assertEqual(str(event["UID"]), f"meeting-{self.meeting.public_id}@minka.example.org")
        self.assertEqual(str(event["SUMMARY"]), "Reunión mensual de la red")
        self.assertEqual(str(event["LOCATION"]), "Auditorio, Jr. Huallaga 123; Lima")
        self.assertEqual(
            str(event["URL"]), f"https://minka.example.org/reuniones/{self.meeting.public_id}/"
        )
        self.assertEqual(str(event["STATUS"]), "CONFIRMED")
        self.assertEqual(int(event["SEQUENCE"]), 3)
        self.assertIsInstance(event["DTSTAMP"].dt, datetime.datetime)
        description = str(event["DESCRIPTION"])
        self.assertIn("1. Bienvenida\n2. Conectividad rural", description)

    def test_url_and_uid_come_from_the_base_url_setting(self) -> None:
        with override_settings(BASE_URL="https://otra.example.net"):
            event = only_event(ical.meeting_ics(self.meeting, viewer=AnonymousUser()))
        self.assertTrue(str(event["UID"]).endswith("@otra.example.net"))
        self.assertTrue(str(event["URL"]).startswith("https://otra.example.net/reuniones/"))

    def test_online_link_only_for_members(self) -> None:
        """Visitors and registered users never get the online link; members do."""
        for viewer in (AnonymousUser(), self.registered):
            self.assertNotIn(ONLINE.encode(), ical.meeting_ics(self.meeting, viewer=viewer))
        content = ical.meeting_ics(self.meeting, viewer=self.member)
        event = only_event(content)
        self.assertIn(ONLINE, str(event["DESCRIPTION"]))
        self.assertEqual(str(event["CONFERENCE"]), ONLINE)

    def test_cancelled_meeting_is_cancelled(self) -> None:
        Meeting.objects.filter(pk=self.meeting.pk).update(status=Meeting.Status.CANCELLED)
        self.meeting.refresh_from_db()
        event = only_event(ical.meeting_ics(self.meeting, viewer=AnonymousUser()))
        self.assertEqual(str(event["STATUS"]), "CANCELLED")

    def test_unchanged_meeting_serializes_identically(self) -> None:
        """DTSTAMP is the meeting's last change: polling clients see no spurious change."""
        first = ical.meeting_ics(self.meeting, viewer=AnonymousUser())
        self.assertEqual(first, ical.meeting_ics(self.meeting, viewer=AnonymousUser()))


@override_settings(
    BASE_URL="https://minka.example.org",
    DEFAULT_FROM_EMAIL="Red Minka <reuniones@minka.example.org>",
)
class InvitationIcsTests(TestCase):
    meeting: Meeting
    invitee: Invitee

    @classmethod
    def setUpTestData(cls) -> None:
        cls.meeting = MeetingFactory.create(
            starts_at=datetime.datetime(2026, 4, 2, 10, 0, tzinfo=LIMA),
            ends_at=datetime.datetime(2026, 4, 2, 12, 0, tzinfo=LIMA),
            online_url=ONLINE,
        )
        person = PersonFactory.create(
            full_name='Ana Pérez, "la Coordinadora"', email="ana@example.org"
        )
        cls.invitee = Invitee.objects.create(meeting=cls.meeting, person=person)

    def test_request_invitation(self) -> None:
        """REQUEST: METHOD, ORGANIZER from DEFAULT_FROM_EMAIL, ATTENDEE with PARTSTAT and RSVP,
        the online link (invitees get it), Lima times."""
        calendar = parse(ical.invitation_ics(self.meeting, method="REQUEST", invitee=self.invitee))
        self.assertEqual(str(calendar["METHOD"]), "REQUEST")
        event = calendar.events[0]
        self.assertEqual(str(event["ORGANIZER"]), "mailto:reuniones@minka.example.org")
        self.assertEqual(event["ORGANIZER"].params["CN"], "Red Minka")
        attendee = event["ATTENDEE"]
        self.assertEqual(str(attendee), "mailto:ana@example.org")
        self.assertEqual(attendee.params["CN"], 'Ana Pérez, "la Coordinadora"')
        self.assertEqual(attendee.params["PARTSTAT"], "NEEDS-ACTION")
        self.assertEqual(attendee.params["RSVP"], "TRUE")
        self.assertEqual(str(event["STATUS"]), "CONFIRMED")
        self.assertIn(ONLINE, str(event["DESCRIPTION"]))
        self.assertEqual(event.start, datetime.datetime(2026, 4, 2, 10, 0, tzinfo=LIMA))
        self.assertEqual(event.start.astimezone(datetime.UTC).hour, 15)

    def test_partstat_follows_the_answer(self) -> None:
        expected = {
            Rsvp.PENDING: "NEEDS-ACTION",
            Rsvp.YES: "ACCEPTED",
            Rsvp.NO: "DECLINED",
            Rsvp.MAYBE: "TENTATIVE",
        }
        for answer, partstat in expected.items():
            self.invitee.rsvp = answer
            event = only_event(
                ical.invitation_ics(self.meeting, method="REQUEST", invitee=self.invitee)
            )
            self.assertEqual(event["ATTENDEE"].params["PARTSTAT"], partstat, answer)

    def test_cancel_keeps_the_uid_and_raises_the_sequence(self) -> None:
        """The caller raises SEQUENCE; CANCEL names the same event with STATUS:CANCELLED."""
        request = parse(ical.invitation_ics(self.meeting, method="REQUEST", invitee=self.invitee))
        self.meeting.ical_sequence += 1
        self.meeting.status = Meeting.Status.CANCELLED
        cancel = parse(ical.invitation_ics(self.meeting, method="CANCEL", invitee=self.invitee))
        self.assertEqual(str(cancel["METHOD"]), "CANCEL")
        before, after = request.events[0], cancel.events[0]
        self.assertEqual(str(before["UID"]), str(after["UID"]))
        self.assertGreater(int(after["SEQUENCE"]), int(before["SEQUENCE"]))
        self.assertEqual(str(after["STATUS"]), "CANCELLED")
        self.assertEqual(str(after["ATTENDEE"]), "mailto:ana@example.org")

    def test_cancel_is_cancelled_even_before_the_status_is_saved(self) -> None:
        event = only_event(ical.invitation_ics(self.meeting, method="CANCEL", invitee=self.invitee))
        self.assertEqual(str(event["STATUS"]), "CANCELLED")

    def test_an_unknown_method_is_refused(self) -> None:
        method: Any = "PUBLISH"
        with self.assertRaises(ValueError):
            ical.invitation_ics(self.meeting, method=method, invitee=self.invitee)


# Payloads that must stay inside their property: separators, backslashes, line breaks of
# every kind, an attempted property injection, control characters, and accents.
TITLE = 'Reunión, "especial"; parte 1\\2\r\nATTENDEE:mailto:intruso@example.org\nfin\x00\x07'
PLACE = "Sala Ñandú; piso 2, Av. Arequipa \\ 1234\rLima"
AGENDA = "Señalización, energía; conexión\ny más"


@override_settings(BASE_URL="https://minka.example.org")
class EscapingAndFoldingTests(TestCase):
    meeting: Meeting

    @classmethod
    def setUpTestData(cls) -> None:
        cls.meeting = MeetingFactory.create(
            title=TITLE.replace("\x00", ""),  # PostgreSQL stores no NUL; set again below
            place=PLACE,
            starts_at=datetime.datetime(2026, 5, 7, 10, 0, tzinfo=LIMA),
            ends_at=datetime.datetime(2026, 5, 7, 12, 0, tzinfo=LIMA),
        )
        AgendaItemFactory.create(meeting=cls.meeting, position=1, title=AGENDA)
        # A long accented item: its DESCRIPTION line must fold.
        AgendaItemFactory.create(
            meeting=cls.meeting, position=2, title="Planificación de la conexión " * 8
        )

    def setUp(self) -> None:
        self.meeting.title = TITLE
        self.content = ical.meeting_ics(self.meeting, viewer=AnonymousUser())

    def test_text_is_escaped_as_rfc_5545_asks(self) -> None:
        unfolded = self.content.replace(b"\r\n ", b"")
        self.assertIn(
            'SUMMARY:Reunión\\, "especial"\\; parte 1\\\\2\\nATTENDEE:mailto:intruso@example.org'
            "\\nfin\r\n".encode(),
            unfolded,
        )
        self.assertIn(
            "LOCATION:Sala Ñandú\\; piso 2\\, Av. Arequipa \\\\ 1234\\nLima\r\n".encode(), unfolded
        )
        self.assertIn("1. Señalización\\, energía\\; conexión\\ny más\\n".encode(), unfolded)

    def test_no_payload_becomes_a_property(self) -> None:
        lines = self.content.split(b"\r\n")
        self.assertFalse([line for line in lines if line.startswith(b"ATTENDEE")])
        self.assertNotIn(b"\x00", self.content)
        self.assertNotIn(b"\x07", self.content)

    def test_lines_end_with_crlf_and_fold_at_75_octets(self) -> None:
        """Every line ends with CRLF (no bare CR or LF), is at most 75 octets, and folding
        never splits a UTF-8 character (each physical line decodes on its own)."""
        self.assertTrue(self.content.endswith(b"END:VCALENDAR\r\n"))
        lines = self.content.split(b"\r\n")[:-1]
        for line in lines:
            self.assertNotIn(b"\r", line)
            self.assertNotIn(b"\n", line)
            self.assertLessEqual(len(line), 75, line)
            line.decode("utf-8")
        folded = [line for line in lines if line.startswith(b" ")]
        self.assertTrue(folded, "the long DESCRIPTION should have been folded")

    def test_round_trip_restores_the_text(self) -> None:
        """Parsed back, the values are the originals (line breaks as LF, controls removed)."""
        event = only_event(self.content)
        self.assertEqual(
            str(event["SUMMARY"]),
            'Reunión, "especial"; parte 1\\2\nATTENDEE:mailto:intruso@example.org\nfin',
        )
        self.assertEqual(str(event["LOCATION"]), "Sala Ñandú; piso 2, Av. Arequipa \\ 1234\nLima")
        self.assertIn("1. " + AGENDA, str(event["DESCRIPTION"]))
        self.assertIn("Planificación de la conexión " * 8, str(event["DESCRIPTION"]) + " ")

    def test_a_link_with_control_characters_is_left_out(self) -> None:
        """URIs are not escaped: one that could break a line is not written at all."""
        member = UserFactory.create(role="member")
        self.meeting.online_url = "https://meet.example.org/x\r\nATTENDEE:mailto:x@example.org"
        content = ical.meeting_ics(self.meeting, viewer=member)
        self.assertNotIn(b"meet.example.org", content)
        self.meeting.online_url = "javascript:alert(1)"
        self.assertNotIn(b"javascript", ical.meeting_ics(self.meeting, viewer=member))


class FeedMeetingsTests(TestCase):
    """What the feeds list: visibility of the meeting and of its series, and the window."""

    def test_window_visibility_and_order(self) -> None:
        now = datetime.datetime.now(tz=LIMA)
        public_series = SeriesFactory.create(visibility=Visibility.PUBLIC)
        members_series = SeriesFactory.create(visibility=Visibility.MEMBERS)

        def at(days: int, **kwargs: Any) -> Meeting:
            start = now + datetime.timedelta(days=days)
            return MeetingFactory.create(
                series=kwargs.pop("series", public_series),
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2),
                **kwargs,
            )

        upcoming = at(10)
        recent = at(-30)
        cancelled = at(20, status=Meeting.Status.CANCELLED)
        far_future = at(900)
        no_series = at(5, series=None)
        at(-400)  # more than twelve months ago
        members = at(3, visibility=Visibility.MEMBERS)
        coordinators = at(4, visibility=Visibility.COORDINATORS)
        in_members_series = at(6, series=members_series)

        expected_public = [recent, no_series, upcoming, cancelled, far_future]
        with self.assertNumQueries(2):
            public = ical.feed_meetings(user=AnonymousUser())
            [list(m.agenda_items.all()) for m in public]
        self.assertEqual(public, expected_public)
        member = UserFactory.create(role="member")
        self.assertEqual(
            ical.feed_meetings(user=member),
            [recent, members, no_series, in_members_series, upcoming, cancelled, far_future],
        )
        coordinator = UserFactory.create(role="coordinator")
        self.assertIn(coordinators, ical.feed_meetings(user=coordinator))
        self.assertNotIn(coordinators, ical.feed_meetings(user=member))
