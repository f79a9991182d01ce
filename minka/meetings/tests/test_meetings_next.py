""" "Programar la próxima reunión": the proposed date follows the series' cadence and is
always after today; a past date is scheduled only after an explicit confirmation."""

from __future__ import annotations

import datetime
from datetime import timedelta

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from minka.core.tests.base import RoleTestCase
from minka.meetings.models import Cadence, Meeting, Series
from minka.meetings.services import cadence
from minka.meetings.tests.factories import MeetingFactory, SeriesFactory

LIMA = datetime.timezone(timedelta(hours=-5))


def lima(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LIMA)


def held(series: Series | None, start: datetime.datetime, number: int = 1) -> Meeting:
    return MeetingFactory.create(
        series=series,
        number=number if series else None,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        status=Meeting.Status.HELD,
    )


class MonthlyRuleTests(TestCase):
    def test_the_same_weekday_of_the_month_is_inferred(self) -> None:
        # Third Thursdays: 16 April, 21 May, 18 June 2026.
        starts = [lima(2026, 6, 18, 18), lima(2026, 5, 21, 18), lima(2026, 4, 16, 18)]
        self.assertEqual(cadence.monthly_rule(starts), (3, 3))

    def test_the_last_weekday_of_the_month_is_inferred(self) -> None:
        # Last Fridays: 29 May (5th) and 26 June (4th) 2026.
        self.assertEqual(cadence.monthly_rule([lima(2026, 6, 26), lima(2026, 5, 29)]), (4, -1))

    def test_the_same_day_or_one_meeting_gives_no_weekday_rule(self) -> None:
        self.assertIsNone(cadence.monthly_rule([lima(2026, 6, 10), lima(2026, 5, 10)]))
        self.assertIsNone(cadence.monthly_rule([lima(2026, 6, 18)]))
        self.assertIsNone(cadence.monthly_rule([lima(2026, 6, 18), lima(2026, 5, 20)]))


@override_settings(TIME_ZONE="America/Lima")
class ProposedDateTests(TestCase):
    now = lima(2026, 12, 4, 12)

    def test_a_series_whose_last_meeting_is_seven_months_old(self) -> None:
        """Monthly on the same day: the first such day after today, not seven months ago."""
        series = SeriesFactory.create(cadence=Cadence.MONTHLY)
        meeting = held(series, lima(2026, 5, 10, 9))
        proposed = cadence.next_meeting_start(meeting, now=self.now)
        self.assertEqual(proposed, lima(2026, 12, 10, 9))
        self.assertGreater(proposed, self.now)

    def test_seven_months_old_after_this_month_s_day_goes_to_next_month(self) -> None:
        series = SeriesFactory.create(cadence=Cadence.MONTHLY)
        meeting = held(series, lima(2026, 5, 2, 9))
        self.assertEqual(cadence.next_meeting_start(meeting, now=self.now), lima(2027, 1, 2, 9))

    def test_a_third_thursday_series_keeps_its_weekday(self) -> None:
        series = SeriesFactory.create(cadence=Cadence.MONTHLY)
        held(series, lima(2026, 4, 16, 18), 1)
        meeting = held(series, lima(2026, 5, 21, 18), 2)
        # Seven months later: the third Thursday of December 2026 is the 17th.
        self.assertEqual(cadence.next_meeting_start(meeting, now=self.now), lima(2026, 12, 17, 18))

    def test_every_few_weeks_steps_past_today_on_the_same_weekday(self) -> None:
        series = SeriesFactory.create(cadence=Cadence.WEEKS, interval_weeks=2)
        meeting = held(series, lima(2026, 5, 6, 10))  # a Wednesday
        proposed = cadence.next_meeting_start(meeting, now=self.now)
        self.assertGreater(proposed, self.now)
        self.assertLessEqual(proposed - self.now, timedelta(weeks=2))
        self.assertEqual(proposed.weekday(), 2)
        self.assertEqual((proposed - meeting.starts_at) % timedelta(weeks=2), timedelta(0))

    def test_a_recent_meeting_gives_one_month_later(self) -> None:
        meeting = held(None, lima(2026, 11, 20, 10))
        self.assertEqual(cadence.next_meeting_start(meeting, now=self.now), lima(2026, 12, 20, 10))


@override_settings(LANGUAGE_CODE="en")
class PastDateConfirmationTests(RoleTestCase):
    def setUp(self) -> None:
        series = SeriesFactory.create(cadence=Cadence.MONTHLY)
        start = timezone.now() - timedelta(days=210)
        self.meeting = held(series, start)
        self.url = reverse("meetings:meeting-next", args=[self.meeting.public_id])

    def test_the_form_proposes_a_date_after_today_for_an_old_series(self) -> None:
        response = self.as_("coord").get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertGreater(response.context["form"].initial["date"], timezone.localdate())
        self.assertNotContains(response, 'type="checkbox" name="confirm_past"')

    def test_a_past_date_is_refused_with_a_warning_and_the_box(self) -> None:
        day = timezone.localdate() - timedelta(days=3)
        data = {"date": day.isoformat(), "start_time": "18:00", "end_time": "20:00"}
        response = self.as_("coord").post(self.url, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "is in the past", status_code=400)
        self.assertContains(response, 'type="checkbox" name="confirm_past"', status_code=400)
        self.assertContains(response, gettext("Yes, the date is in the past"), status_code=400)
        self.assertFalse(Meeting.objects.filter(previous=self.meeting).exists())

    def test_a_confirmed_past_date_is_scheduled(self) -> None:
        day = timezone.localdate() - timedelta(days=3)
        data = {"date": day.isoformat(), "start_time": "18:00", "end_time": "20:00"}
        response = self.as_("admin").post(self.url, {**data, "confirm_past": "on"})
        following = Meeting.objects.get(previous=self.meeting)
        self.assertRedirects(response, following.get_absolute_url())
        self.assertEqual(timezone.localtime(following.starts_at).date(), day)

    def test_a_future_date_needs_no_confirmation(self) -> None:
        day = timezone.localdate() + timedelta(days=3)
        data = {"date": day.isoformat(), "start_time": "18:00", "end_time": "20:00"}
        response = self.as_("coord").post(self.url, data)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Meeting.objects.filter(previous=self.meeting).exists())

    def test_other_roles_are_denied(self) -> None:
        day = timezone.localdate() - timedelta(days=3)
        data = {"date": day.isoformat(), "start_time": "18:00", "end_time": "20:00"}
        self.assertEqual(self.as_("anon").post(self.url, data).status_code, 302)
        for persona in ("reg", "mem_a", "mem_b"):
            response = self.as_(persona).post(self.url, {**data, "confirm_past": "on"})
            self.assertEqual(response.status_code, 403)
        self.assertFalse(Meeting.objects.filter(previous=self.meeting).exists())
