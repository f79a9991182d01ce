"""Emails of the minutes' cycle: the review request reaches every reviewer with the
deadline and an absolute link; publication tells the invitees who may read the minutes.
(The messages leave through the outbox since issue 18: the tests deliver it, then read
``mail.outbox``; more in ``test_minutes_notifications``.)"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.tests.factories import PersonFactory
from minka.meetings.minutes import notices, services
from minka.meetings.minutes.models import Minutes
from minka.meetings.minutes.tests.factories import minutes_in
from minka.meetings.models import Attendance, Invitee
from minka.notifications.delivery import outbox_deliver
from minka.notifications.kinds import Channel, RenderContext, kind_get


@override_settings(LANGUAGE_CODE="en")
class ReviewRequestTests(RoleTestCase):
    def open_review(self, minutes: Minutes) -> None:
        services.minutes_open_review(
            actor=self.coord, minutes=minutes, deadline=timezone.now() + timedelta(days=5)
        )
        outbox_deliver()

    def test_every_reviewer_gets_the_deadline_and_an_absolute_link(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        attendee = UserFactory.create(email="asistente@example.org")
        person = PersonFactory.create(user=attendee, email=attendee.email)
        Attendance.objects.create(meeting=minutes.meeting, person=person, source="recorded")
        UserFactory.create(email="inactivo@example.org", role=User.Role.MEMBER, is_active=False)
        mail.outbox.clear()
        self.open_review(minutes)
        to = sorted(message.to[0] for message in mail.outbox)
        expected = [attendee, self.admin, self.mem_a, self.mem_b]  # not reg, not the actor
        self.assertEqual(to, sorted(user.email for user in expected))
        message = mail.outbox[0]
        link = f"{settings.BASE_URL}{minutes.get_absolute_url()}"
        self.assertIn(link, message.body)
        self.assertIn(minutes.meeting.title, message.subject)
        deadline = Minutes.objects.get(pk=minutes.pk).review_deadline
        assert deadline is not None
        local = timezone.localtime(deadline, timezone.get_fixed_timezone(-300))
        self.assertIn(str(local.year), message.body)
        self.assertIn("Lima", message.body)
        html = getattr(message, "alternatives", [("", "")])[0][0]
        self.assertIn(f'href="{link}"', str(html))

    def test_a_members_only_meeting_reaches_no_registered_attendee(self) -> None:
        minutes = minutes_in("draft", actor=self.coord, visibility=Visibility.MEMBERS)
        person = PersonFactory.create(user=self.reg, email=self.reg.email)
        Attendance.objects.create(meeting=minutes.meeting, person=person, source="recorded")
        self.assertNotIn(self.reg, notices.reviewers(minutes))
        self.assertIn(self.mem_a, notices.reviewers(minutes))

    def test_a_coordinators_only_meeting_reaches_coordinators_only(self) -> None:
        minutes = minutes_in("draft", actor=self.coord, visibility=Visibility.COORDINATORS)
        self.assertEqual(set(notices.reviewers(minutes)), {self.coord, self.admin})

    def test_nothing_is_sent_when_the_review_is_refused(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        mail.outbox.clear()
        with self.assertRaises(Exception):  # noqa: B017 (the state error is tested elsewhere)
            self.open_review(minutes)
        self.assertEqual(mail.outbox, [])

    def test_withdrawn_before_sending_sends_nothing(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        services.minutes_withdraw(actor=self.coord, minutes=minutes)
        render = kind_get("minutes.review_opened").render
        context = RenderContext(user=self.mem_a, channel=Channel.EMAIL)
        self.assertIsNone(render({"minutes_id": minutes.pk}, context))
        self.assertEqual(outbox_deliver().get("sent"), None)


@override_settings(LANGUAGE_CODE="en")
class PublishedNoticeTests(RoleTestCase):
    def test_invitees_who_may_read_are_told(self) -> None:
        minutes = minutes_in("approved", actor=self.coord, visibility=Visibility.PUBLIC)
        guest = PersonFactory.create(email="invitada@example.org")
        member = PersonFactory.create(user=self.mem_a, email=self.mem_a.email)
        for person in (guest, member):
            Invitee.objects.create(meeting=minutes.meeting, person=person)
        outbox_deliver()
        mail.outbox.clear()
        services.minutes_publish(actor=self.coord, minutes=minutes, visibility=Visibility.MEMBERS)
        outbox_deliver()
        self.assertEqual([m.to for m in mail.outbox], [[self.mem_a.email]])
        self.assertIn(minutes.get_absolute_url(), mail.outbox[0].body)

    def test_public_minutes_reach_every_invitee(self) -> None:
        minutes = minutes_in("approved", actor=self.coord)
        guest = PersonFactory.create(email="invitada@example.org")
        Invitee.objects.create(meeting=minutes.meeting, person=guest)
        outbox_deliver()
        mail.outbox.clear()
        services.minutes_publish(actor=self.coord, minutes=minutes, visibility="public")
        outbox_deliver()
        self.assertEqual([m.to for m in mail.outbox], [[guest.email]])
