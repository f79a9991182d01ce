"""Minutes events through the outbox: opened for review and approved (the reviewers, not the
actor, not a registered attendee of a members-only meeting), published (invitees and series
followers who may read them; guests, group chats and webhooks only for public minutes), and
what each message says, in Spanish and English, checked again at delivery."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core import mail
from django.test import override_settings
from django.utils import timezone, translation

from minka.accounts.tests.factories import UserFactory
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.tests.factories import PersonFactory
from minka.meetings import notifications
from minka.meetings.minutes import services
from minka.meetings.minutes.models import Minutes
from minka.meetings.minutes.tests.factories import minutes_in
from minka.meetings.models import Attendance, Invitee, Meeting
from minka.notifications import services as notify_services
from minka.notifications.delivery import outbox_deliver
from minka.notifications.kinds import Channel, Notice, RenderContext, kind_get
from minka.notifications.models import Message, TelegramChat, WebhookEndpoint

BASE_URL = "https://minka.example.org"
REVIEW = notifications.MINUTES_REVIEW_OPENED
APPROVED = notifications.MINUTES_APPROVED
PUBLISHED = notifications.MINUTES_PUBLISHED


def recipients(kind: str) -> set[str]:
    found = set()
    for message in Message.objects.filter(kind=kind, chat=None, endpoint=None):
        if message.user is not None:
            found.add(message.user.email)
        else:
            found.add(f"g:{message.params['invitee_id']}")
    return found


def render(kind: str, params: dict[str, Any], context: RenderContext) -> Notice | None:
    return kind_get(kind).render(params, context)


def public(channel: str = Channel.WEBHOOK) -> RenderContext:
    return RenderContext(user=None, channel=channel, public=True)


@override_settings(LANGUAGE_CODE="en", BASE_URL=BASE_URL)
class MinutesNotificationTestCase(RoleTestCase):
    def announce_everywhere(self, *kinds: str) -> None:
        TelegramChat.objects.create(chat_id=-100, title="Red", kinds=list(kinds))
        WebhookEndpoint.objects.create(
            url="https://hooks.example.org/minka", kinds=list(kinds), secret="s"
        )

    def announcements(self, kind: str) -> int:
        return Message.objects.filter(kind=kind).exclude(chat=None, endpoint=None).count()

    def attend(self, minutes: Minutes, user: Any) -> None:
        person = PersonFactory.create(user=user, email=user.email)
        Attendance.objects.create(meeting=minutes.meeting, person=person, source="recorded")

    def open_review(self, minutes: Minutes) -> None:
        services.minutes_open_review(
            actor=self.coord, minutes=minutes, deadline=timezone.now() + timedelta(days=5)
        )


class ReviewOpenedTests(MinutesNotificationTestCase):
    def test_reviewers_are_asked_not_the_actor_nor_a_registered_non_attendee(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        attendee = UserFactory.create(email="asistente@example.org")
        self.attend(minutes, attendee)
        self.open_review(minutes)
        self.assertEqual(
            recipients(REVIEW),
            {attendee.email, self.mem_a.email, self.mem_b.email, self.admin.email},
        )
        self.assertEqual(self.announcements(REVIEW), 0)
        self.assertTrue(
            Message.objects.filter(key__startswith=f"minutes:{minutes.pk}:review:").exists()
        )

    def test_a_members_only_meeting_reaches_no_registered_attendee(self) -> None:
        minutes = minutes_in("draft", actor=self.coord, visibility=Visibility.MEMBERS)
        self.attend(minutes, self.reg)
        self.open_review(minutes)
        self.assertNotIn(self.reg.email, recipients(REVIEW))
        self.assertIn(self.mem_a.email, recipients(REVIEW))
        self.assertIsNone(render(REVIEW, {"minutes_id": minutes.pk}, public()))

    def test_opened_again_after_a_withdrawal_asks_again(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        first = Message.objects.filter(kind=REVIEW).count()
        services.minutes_withdraw(actor=self.coord, minutes=minutes)
        self.open_review(minutes)
        self.assertEqual(Message.objects.filter(kind=REVIEW).count(), 2 * first)

    def test_the_message_says_which_meeting_when_where_and_until_when(self) -> None:
        minutes = minutes_in("review", actor=self.coord, place="Auditorio del MTC")
        params = {"minutes_id": minutes.pk}
        context = RenderContext(user=self.mem_a, channel=Channel.EMAIL)
        with translation.override("en"):
            english = render(REVIEW, params, context)
        with translation.override("es"):
            spanish = render(REVIEW, params, context)
        assert english is not None and spanish is not None
        title = minutes.meeting.title
        self.assertEqual(english.subject, f"Minutes to review: {title}")
        self.assertEqual(spanish.subject, f"Acta para revisar: {title}")
        self.assertIn("are open for review", english.text)
        self.assertIn("Observations are accepted until", english.text)
        self.assertIn("Se reciben observaciones hasta", spanish.text)
        self.assertIn("Auditorio del MTC", english.text)
        self.assertIn(str(timezone.localtime(minutes.meeting.starts_at).year), english.text)
        self.assertEqual(english.url, f"{BASE_URL}{minutes.get_absolute_url()}")
        self.assertIn(f'<a href="{english.url}">', english.telegram)

    def test_review_closed_before_delivery_is_skipped(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        services.minutes_withdraw(actor=self.coord, minutes=minutes)
        statuses = set(outbox_deliver())
        self.assertEqual(statuses, {"skipped"})
        self.assertEqual(mail.outbox, [])


class ApprovedTests(MinutesNotificationTestCase):
    def test_the_reviewers_are_told_once(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        services.minutes_approve(actor=self.admin, minutes=minutes)
        self.assertEqual(
            recipients(APPROVED), {self.mem_a.email, self.mem_b.email, self.coord.email}
        )
        self.assertTrue(Message.objects.filter(key__startswith=f"minutes:{minutes.pk}:approved|"))
        self.assertEqual(self.announcements(APPROVED), 0)
        notice = render(
            APPROVED, {"minutes_id": minutes.pk}, RenderContext(self.mem_a, Channel.EMAIL)
        )
        assert notice is not None
        self.assertIn("were approved", notice.text)
        self.assertIsNone(
            render(APPROVED, {"minutes_id": minutes.pk}, RenderContext(self.reg, Channel.EMAIL))
        )


class PublishedTests(MinutesNotificationTestCase):
    def setUp(self) -> None:
        self.minutes = minutes_in("approved", actor=self.coord)
        self.guest = Invitee.objects.create(
            meeting=self.minutes.meeting, person=PersonFactory.create(email="invitada@example.org")
        )
        Invitee.objects.create(
            meeting=self.minutes.meeting,
            person=PersonFactory.create(user=self.mem_a, email=self.mem_a.email),
        )
        Invitee.objects.create(
            meeting=self.minutes.meeting,
            person=PersonFactory.create(user=self.reg, email=self.reg.email),
        )
        self.follower = UserFactory.create(email="sigue@example.org")
        meeting = self.minutes.meeting
        assert meeting.series_id is not None
        notify_services.follow_set(
            user=self.follower,
            target_type="meetings.series",
            target_id=meeting.series_id,
            following=True,
        )
        self.announce_everywhere(PUBLISHED)
        outbox_deliver()  # what the earlier steps of the cycle sent
        mail.outbox.clear()

    def publish(self, visibility: str) -> None:
        services.minutes_publish(actor=self.coord, minutes=self.minutes, visibility=visibility)

    def test_public_minutes_reach_invitees_guests_followers_groups_and_webhooks(self) -> None:
        self.publish(Visibility.PUBLIC)
        self.assertEqual(
            recipients(PUBLISHED),
            {self.mem_a.email, self.reg.email, self.follower.email, f"g:{self.guest.pk}"},
        )
        self.assertEqual(self.announcements(PUBLISHED), 2)
        notice = render(PUBLISHED, {"minutes_id": self.minutes.pk}, public())
        assert notice is not None
        meeting = Meeting.objects.get(pk=self.minutes.meeting_id)
        self.assertEqual(notice.payload["event"], PUBLISHED)
        self.assertEqual(notice.payload["meeting"], str(meeting.public_id))
        self.assertEqual(notice.payload["starts_at"], meeting.starts_at.isoformat())
        self.assertEqual(notice.payload["url"], f"{BASE_URL}{self.minutes.get_absolute_url()}")
        self.assertNotIn("@", str(notice.payload))

    def test_members_minutes_reach_member_invitees_only_and_no_group(self) -> None:
        self.publish(Visibility.MEMBERS)
        self.assertEqual(recipients(PUBLISHED), {self.mem_a.email})
        self.assertEqual(self.announcements(PUBLISHED), 0)
        params = {"minutes_id": self.minutes.pk}
        self.assertIsNone(render(PUBLISHED, params, public()))
        self.assertIsNone(render(PUBLISHED, params, public(Channel.TELEGRAM)))
        guest = {**params, "invitee_id": self.guest.pk}
        self.assertIsNone(render(PUBLISHED, guest, RenderContext(None, Channel.EMAIL)))

    def test_one_email_per_person_to_the_mail_outbox(self) -> None:
        self.publish(Visibility.PUBLIC)
        Message.objects.exclude(chat=None, endpoint=None).delete()  # no channel on this branch
        self.assertEqual(outbox_deliver(), {"sent": 4})
        to = sorted(message.to[0] for message in mail.outbox)
        expected = [self.mem_a.email, self.reg.email, self.follower.email, "invitada@example.org"]
        self.assertEqual(to, sorted(expected))
        guest_mail = next(m for m in mail.outbox if m.to == ["invitada@example.org"])
        self.assertIn("were approved and published", guest_mail.body)
        self.assertIn("because a coordinator invited you", guest_mail.body)
        self.assertIn(self.minutes.get_absolute_url(), guest_mail.body)

    def test_minutes_narrowed_to_members_after_publication_reach_no_outsider(self) -> None:
        self.publish(Visibility.PUBLIC)
        Message.objects.exclude(chat=None, endpoint=None).delete()
        Minutes.objects.filter(pk=self.minutes.pk).update(visibility=Visibility.MEMBERS)
        outbox_deliver()
        self.assertEqual([m.to for m in mail.outbox], [[self.mem_a.email]])
