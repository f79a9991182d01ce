"""The living demo: the first meeting as its minutes say, then a meeting a month up to the
day the demo is loaded, whatever that day is (frozen clocks before, on and long after
March 2026), and a later load that adds what is missing and changes nothing else."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import time_machine
from django.core import mail
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from minka.accounts.models import User
from minka.core.visibility import Visibility
from minka.directory.models import Person
from minka.directory.tests.helpers import IN_MEMORY_STORAGE
from minka.meetings import demo
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.importers.formats import read_minutes
from minka.meetings.minutes.importers.spanish import parse_minutes
from minka.meetings.minutes.models import Minutes, MinutesRevision
from minka.meetings.models import AgendaItem, Meeting, Rsvp
from minka.meetings.services import invitations
from minka.notifications.delivery import outbox_deliver
from minka.site import demo as site_demo

LIMA = zoneinfo.ZoneInfo("America/Lima")


def lima(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LIMA)


def content_of(minutes: Minutes) -> MinutesContent:
    assert minutes.current_revision is not None
    return MinutesContent.from_json(minutes.current_revision.content)


def local_day(meeting: Meeting) -> str:
    return timezone.localtime(meeting.starts_at).date().isoformat()


def series() -> list[Meeting]:
    return list(Meeting.objects.filter(series__slug=demo.SERIES_SLUG).order_by("number"))


def load_demo_at(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return site_demo.load(password="demo-test-password")


class DemoScheduleTests(SimpleTestCase):
    """The dates alone: computed from the clock and the monthly cadence."""

    def test_meetings_fall_on_the_16th_or_on_the_monday_after_a_weekend(self) -> None:
        self.assertEqual(demo.meeting_start(1), lima(2026, 3, 16, 10))
        self.assertEqual(demo.meeting_start(2), lima(2026, 4, 16, 10))
        self.assertEqual(demo.meeting_start(3), lima(2026, 5, 18, 10))  # 16 May is a Saturday
        self.assertEqual(demo.meeting_start(6), lima(2026, 8, 17, 10))  # 16 August, a Sunday
        self.assertEqual(demo.meeting_start(11), lima(2027, 1, 18, 10))
        for number in range(1, 200):
            start = timezone.localtime(demo.meeting_start(number))
            with self.subTest(number=number):
                self.assertLess(start.weekday(), 5)
                self.assertIn(start.day, (16, 17, 18))
                self.assertEqual(start.time(), dt.time(10, 0))

    def test_before_march_2026_the_first_meeting_is_next(self) -> None:
        schedule = demo.demo_schedule(lima(2025, 11, 2, 8))
        self.assertEqual((schedule.held, schedule.next), ([], 1))

    def test_on_the_day_of_the_first_meeting(self) -> None:
        for moment, held, following in (
            (lima(2026, 3, 16, 0), [], 1),
            (lima(2026, 3, 16, 11), [], 1),
            (lima(2026, 3, 16, 12), [1], 2),
            (lima(2026, 3, 16, 23), [1], 2),
        ):
            with self.subTest(moment=moment):
                schedule = demo.demo_schedule(moment)
                self.assertEqual((schedule.held, schedule.next), (held, following))

    def test_a_meeting_is_next_until_it_ends(self) -> None:
        self.assertEqual(demo.demo_schedule(lima(2026, 4, 16, 11, 59)).next, 2)
        self.assertEqual(demo.demo_schedule(lima(2026, 4, 16, 12, 0)).next, 3)
        self.assertEqual(demo.demo_schedule(lima(2026, 12, 4, 9)).held, list(range(1, 10)))
        self.assertEqual(demo.demo_schedule(lima(2026, 12, 4, 9)).next, 10)

    def test_long_after_march_2026_the_series_has_kept_meeting_every_month(self) -> None:
        moment = lima(2040, 1, 1, 12)
        schedule = demo.demo_schedule(moment)
        # March 2026 to December 2039 is 166 months: meeting 167 is on 16 January 2040.
        self.assertEqual(schedule.held, list(range(1, 167)))
        self.assertEqual(demo.meeting_start(schedule.next), lima(2040, 1, 16, 10))
        last_held = demo.meeting_start(schedule.held[-1]) + demo.DURATION
        self.assertLessEqual(last_held, moment)

    def test_minutes_record_their_own_agreements_with_stable_keys(self) -> None:
        agreements = demo.meeting_agreements(4)
        self.assertEqual(
            [a.text for a in agreements],
            ["Aprobar el plan de trabajo 2026 con metas, responsables y plazos."],
        )
        # Nothing is carried forward as text: the agenda follows up what is open, live.
        self.assertFalse(any("CODESI" in a.text for a in agreements))
        self.assertEqual(agreements[0].key, demo.agreement_key(4, "plan"))
        self.assertRegex(agreements[0].key, r"^[0-9a-f]{12}$")
        self.assertEqual(demo.meeting_agreements(4)[0].key, agreements[0].key)
        self.assertNotEqual(demo.agreement_key(3, "plan"), demo.agreement_key(4, "plan"))

    def test_later_meetings_report_earlier_agreements_done(self) -> None:
        # Meeting 3 reports the repository (agreed at meeting 2) done; meeting 4 the fichas
        # (meeting 2) and the CODESI contact (meeting 3); meeting 5 the plan and the
        # CODESI proposal.
        self.assertEqual(demo.agreements_reported_done(3), [demo.agreement_key(2, "repositorio")])
        self.assertEqual(
            sorted(demo.agreements_reported_done(4)),
            sorted([demo.agreement_key(2, "fichas"), demo.agreement_key(3, "contacto-codesi")]),
        )
        self.assertEqual(
            sorted(demo.agreements_reported_done(5)),
            sorted([demo.agreement_key(4, "plan"), demo.agreement_key(3, "codesi")]),
        )
        self.assertEqual(demo.agreements_reported_done(2), [])
        # The rotation's "*" closes everything still open, its own unnamed agreements too.
        story = len(demo._script()[0])
        first_rotation = story + 2
        closed = demo.agreements_reported_done(first_rotation + 1)
        self.assertIn(demo.agreement_key(first_rotation, "0"), closed)


@IN_MEMORY_STORAGE
@override_settings(LANGUAGE_CODE="es")
class LivingDemoTests(TestCase):
    """``minka load_demo`` on 4 December 2026, and again on later days."""

    TODAY = lima(2026, 12, 4, 9)
    created: int

    @classmethod
    def setUpTestData(cls) -> None:
        cls.created = load_demo_at(cls.TODAY)

    def test_the_first_meeting_is_the_one_its_minutes_record(self) -> None:
        """Meeting 1 comes from the shipped minutes through the importer: 16 March 2026, the
        agenda is its presentation, the only revision is the import, the minutes are
        public; the presenter is named in the text only, with no directory record."""
        first = series()[0]
        self.assertEqual(local_day(first), "2026-03-16")
        self.assertEqual((first.status, first.place), (Meeting.Status.HELD, "Lima"))
        parsed = parse_minutes(read_minutes(demo.MINUTES_FILE), year=2026)
        self.assertEqual(first.title, parsed.title)
        [item] = first.agenda_items.all()
        self.assertIn(str(parsed.presentations[0].presenter), item.title)
        self.assertIsNone(item.presenter)
        self.assertFalse(Person.objects.filter(full_name__icontains="Astudillo").exists())
        minutes = Minutes.objects.get(meeting=first)
        self.assertEqual((minutes.status, minutes.visibility), ("published", Visibility.PUBLIC))
        kinds = list(minutes.revisions.values_list("kind", flat=True))
        self.assertEqual(kinds, [MinutesRevision.Kind.IMPORT])
        self.assertEqual(set(first.organizations.values_list("acronym", flat=True)), demo.CONVENERS)

    def test_the_series_meets_every_month_up_to_today(self) -> None:
        meetings = series()
        self.assertEqual([m.number for m in meetings], list(range(1, 11)))
        self.assertEqual(
            [local_day(m) for m in meetings[1:4]], ["2026-04-16", "2026-05-18", "2026-06-16"]
        )
        for index, meeting in enumerate(meetings[1:9], start=1):
            with self.subTest(number=meeting.number):
                self.assertEqual(meeting.status, Meeting.Status.HELD)
                self.assertTrue(meeting.is_demo)
                self.assertEqual(meeting.previous, meetings[index - 1])
                minutes = Minutes.objects.get(meeting=meeting)
                self.assertEqual(minutes.status, Minutes.Status.PUBLISHED)
                self.assertEqual(minutes.visibility, Visibility.PUBLIC)
                assert minutes.approved_at is not None
                self.assertLess(minutes.approved_at, self.TODAY)
                self.assertGreater(minutes.approved_at, meeting.ends_at)
                content = content_of(minutes)
                self.assertTrue(content.summary and content.agreements)
                self.assertEqual(
                    content.next_meeting.when,
                    timezone.localtime(meetings[index + 1].starts_at).replace(tzinfo=None),
                )
                self.assertGreater(meeting.attendances.count(), 0)
                self.assertEqual(
                    meeting.agenda_items.filter(kind=AgendaItem.Kind.FOLLOW_UP).count(), 1
                )

    def test_the_next_meeting_is_ahead_with_invitations_sent_and_rsvp_open(self) -> None:
        following = series()[-1]
        self.assertEqual((following.number, local_day(following)), (10, "2026-12-16"))
        self.assertEqual(following.status, Meeting.Status.PLANNED)
        self.assertFalse(Minutes.objects.filter(meeting=following).exists())
        invitees = list(following.invitees.select_related("person"))
        self.assertGreaterEqual(len(invitees), 10)
        member = User.objects.get(email="miembro@minka.test")
        own = next(i for i in invitees if i.person.user_id == member.pk)
        self.assertEqual(own.rsvp, Rsvp.PENDING)
        self.assertTrue(any(i.rsvp == Rsvp.YES for i in invitees))
        with time_machine.travel(self.TODAY, tick=False):
            self.assertEqual(invitations.invitee_for_token(invitations.rsvp_token(own)), own)

    def test_the_invitations_are_emailed(self) -> None:
        """The emails go out through the outbox (``minka outbox`` in ``make run``)."""
        Meeting.objects.filter(series__slug=demo.SERIES_SLUG).delete()
        load_demo_at(self.TODAY)
        with time_machine.travel(self.TODAY, tick=False):
            outbox_deliver(limit=10_000)
        recipients = {address for message in mail.outbox for address in message.to}
        self.assertIn("miembro@minka.test", recipients)
        self.assertGreaterEqual(len(recipients), 10)

    def test_the_home_page_shows_the_next_meeting_and_the_latest_minutes(self) -> None:
        with time_machine.travel(self.TODAY, tick=False):
            response = self.client.get(reverse("site:home"))
        self.assertContains(response, series()[-1].get_absolute_url())
        self.assertNotContains(response, "Aún no hay ninguna reunión programada")
        self.assertContains(response, series()[-2].minutes.get_absolute_url())

    def test_no_past_meeting_is_left_planned(self) -> None:
        with time_machine.travel(self.TODAY, tick=False):
            self.assertFalse(Meeting.objects.past().filter(status=Meeting.Status.PLANNED).exists())
            self.assertEqual(Meeting.objects.upcoming().count(), 1)

    def test_loading_again_the_same_day_creates_nothing(self) -> None:
        revisions = MinutesRevision.objects.count()
        self.assertGreater(self.created, 0)
        self.assertEqual(load_demo_at(self.TODAY + dt.timedelta(hours=3)), 0)
        self.assertEqual(len(series()), 10)
        self.assertEqual(MinutesRevision.objects.count(), revisions)

    def test_a_later_load_adds_what_is_missing_and_changes_nothing_else(self) -> None:
        """Two months and a half later: meetings 10 to 12 are held with minutes and 13 is
        next; what was there is untouched, including a change made by hand and the answers
        given while meeting 10 was the next one."""
        before = [(m.updated_at, m.status, m.invitees.count()) for m in series()[:9]]
        revisions = {r.pk: (r.number, r.content) for r in MinutesRevision.objects.all()}
        edited = series()[4]
        Meeting.objects.filter(pk=edited.pk).update(description="Cambiado a mano.")
        answers = dict(series()[-1].invitees.values_list("person_id", "rsvp"))

        created = load_demo_at(lima(2027, 2, 20, 9))

        self.assertGreater(created, 0)
        meetings = series()
        self.assertEqual([m.number for m in meetings], list(range(1, 14)))
        for meeting, (updated_at, status, invited) in zip(meetings, before, strict=False):
            self.assertEqual((meeting.status, meeting.invitees.count()), (status, invited))
            if meeting.pk != edited.pk:
                self.assertEqual(meeting.updated_at, updated_at)
        self.assertEqual(meetings[4].description, "Cambiado a mano.")
        after = {r.pk: (r.number, r.content) for r in MinutesRevision.objects.all()}
        self.assertEqual({pk: after[pk] for pk in revisions}, revisions)
        for meeting in meetings[9:12]:
            self.assertEqual(meeting.status, Meeting.Status.HELD)
            self.assertEqual(meeting.minutes.status, Minutes.Status.PUBLISHED)
        self.assertEqual(dict(meetings[9].invitees.values_list("person_id", "rsvp")), answers)
        following = meetings[-1]
        self.assertEqual(local_day(following), "2027-03-16")
        self.assertEqual(following.status, Meeting.Status.PLANNED)
        self.assertTrue(following.invitees.exists())
        self.assertEqual(load_demo_at(lima(2027, 2, 20, 18)), 0)

    def test_a_meeting_cancelled_by_hand_stays_cancelled(self) -> None:
        """The series goes on after it: the next meeting is created directly."""
        Meeting.objects.filter(number=10, series__slug=demo.SERIES_SLUG).update(
            status=Meeting.Status.CANCELLED
        )
        load_demo_at(lima(2027, 1, 5, 9))
        meetings = series()
        self.assertEqual(meetings[9].status, Meeting.Status.CANCELLED)
        self.assertFalse(Minutes.objects.filter(meeting=meetings[9]).exists())
        self.assertEqual((meetings[-1].number, local_day(meetings[-1])), (11, "2027-01-18"))
        self.assertTrue(meetings[-1].invitees.exists())


@IN_MEMORY_STORAGE
class DemoAtOtherDatesTests(TestCase):
    def test_loaded_before_march_2026_then_after_the_first_meeting(self) -> None:
        """Before 16 March 2026 the first meeting is ahead: scheduled with the title and
        presentation of its minutes, invitations sent. Loaded again once it is over, it is
        held with the seed's minutes, published, and the second meeting is next."""
        load_demo_at(lima(2026, 1, 10, 9))
        [first] = series()
        self.assertEqual((first.status, local_day(first)), (Meeting.Status.PLANNED, "2026-03-16"))
        parsed = parse_minutes(read_minutes(demo.MINUTES_FILE), year=2026)
        self.assertEqual(first.title, parsed.title)
        self.assertIn("Astudillo", first.agenda_items.get().title)
        self.assertFalse(Minutes.objects.exists())
        self.assertTrue(first.invitees.exists())

        load_demo_at(lima(2026, 3, 20, 9))
        first, second = series()
        self.assertEqual(first.status, Meeting.Status.HELD)
        self.assertEqual(first.minutes.status, Minutes.Status.PUBLISHED)
        self.assertIn("repositorio virtual", content_of(first.minutes).agreements[0].text)
        self.assertEqual((second.status, local_day(second)), (Meeting.Status.PLANNED, "2026-04-16"))
        self.assertTrue(second.invitees.exists())

    def test_loaded_on_the_day_of_the_first_meeting(self) -> None:
        load_demo_at(lima(2026, 3, 16, 8))
        self.assertEqual([m.status for m in series()], [Meeting.Status.PLANNED])
        load_demo_at(lima(2026, 3, 16, 13))
        self.assertEqual([local_day(m) for m in series()], ["2026-03-16", "2026-04-16"])
        self.assertEqual(series()[0].minutes.status, Minutes.Status.PUBLISHED)

    def test_loaded_long_after_march_2026(self) -> None:
        load_demo_at(lima(2027, 9, 1, 9))
        meetings = series()
        self.assertEqual(len(meetings), 19)
        self.assertTrue(all(m.status == Meeting.Status.HELD for m in meetings[:-1]))
        self.assertEqual((meetings[-1].status, local_day(meetings[-1])), ("planned", "2027-09-16"))
        self.assertEqual(Minutes.objects.published().count(), 18)
