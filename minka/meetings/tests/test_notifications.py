"""Meeting events through the outbox: who gets a message (members who may see the meeting,
series followers, invitees as persons or guests; never the actor, never a non-member for a
members-only meeting), what the message says (date, time, place, link, agenda; in Spanish
and English), what groups and webhooks get (public meetings only), the invitees' calendar
parts, and the reminders' planner (timing windows, once each)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import formats, timezone, translation

from minka.accounts.tests.factories import UserFactory
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.tests.factories import PersonFactory
from minka.meetings import notifications
from minka.meetings.models import Attendance, Invitee, Meeting, Rsvp
from minka.meetings.services import invitations
from minka.meetings.services import meetings as services
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory
from minka.notifications import services as notify_services
from minka.notifications.delivery import outbox_deliver
from minka.notifications.kinds import Channel, RenderContext, kind_get
from minka.notifications.models import Message, TelegramChat, WebhookEndpoint
from minka.notifications.schedule import outbox_plan
from minka.notifications.tests.helpers import consent_to_news

if TYPE_CHECKING:
    from django.core.mail import EmailMessage

    from minka.accounts.models import User
    from minka.notifications.kinds import Notice

BASE_URL = "https://minka.example.org"
# A Monday, 10:00 in Lima.
NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
ONLINE = "https://meet.example.org/sala-secreta"


def calendar_parts(message: EmailMessage) -> list[Any]:
    return [
        part
        for part in message.attachments
        if not isinstance(part, tuple) and part.get_content_type() == "text/calendar"
    ]


def html_of(message: Any) -> str:
    return "".join(str(content) for content, _type in getattr(message, "alternatives", []))


def recipients(kind: str) -> set[str]:
    """Who got a personal message of ``kind`` (by email address) or a guest one (``g:<id>``)."""
    found = set()
    for message in Message.objects.filter(kind=kind, chat=None, endpoint=None):
        if message.user is not None:
            found.add(message.user.email)
        else:
            found.add(f"g:{message.params['invitee_id']}")
    return found


def render(kind: str, params: dict[str, Any], context: RenderContext) -> Notice | None:
    return kind_get(kind).render(params, context)


def public(channel: str = Channel.TELEGRAM) -> RenderContext:
    return RenderContext(user=None, channel=channel, public=True)


def personal(user: User | None, channel: str = Channel.EMAIL) -> RenderContext:
    return RenderContext(user=user, channel=channel)


def follow(user: User, meeting: Meeting) -> None:
    assert meeting.series_id is not None
    notify_services.follow_set(
        user=user, target_type="meetings.series", target_id=meeting.series_id, following=True
    )


@override_settings(LANGUAGE_CODE="en", BASE_URL=BASE_URL)
class NotificationTestCase(RoleTestCase):
    def meeting_data(self, **overrides: Any) -> dict[str, Any]:
        start = timezone.now() + timedelta(days=20)
        data: dict[str, Any] = {
            "series": SeriesFactory.create(),
            "title": "Reunión de abril",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "place": "Auditorio del MTC",
            "online_url": ONLINE,
            "visibility": Visibility.PUBLIC,
        }
        data.update(overrides)
        return data

    def schedule(self, **overrides: Any) -> Meeting:
        return services.meeting_create(actor=self.coord, data=self.meeting_data(**overrides))  # type: ignore[arg-type]

    def announce_everywhere(self, *kinds: str) -> tuple[TelegramChat, WebhookEndpoint]:
        chat = TelegramChat.objects.create(chat_id=-100, title="Red", kinds=list(kinds))
        hook = WebhookEndpoint.objects.create(
            url="https://hooks.example.org/minka", kinds=list(kinds), secret="s"
        )
        return chat, hook

    def announcements(self, kind: str) -> int:
        return Message.objects.filter(kind=kind).exclude(chat=None, endpoint=None).count()


class ScheduledTests(NotificationTestCase):
    def setUp(self) -> None:
        super().setUp()
        # A new meeting is news: it reaches those who consented (the rest is transactional).
        consent_to_news(self.reg, self.mem_a, self.mem_b, self.coord, self.admin)

    def test_members_and_followers_who_may_see_a_public_meeting_are_told_not_the_actor(
        self,
    ) -> None:
        series = SeriesFactory.create()
        follow(self.reg, MeetingFactory.create(series=series))
        self.announce_everywhere(notifications.MEETING_SCHEDULED)
        meeting = self.schedule(series=series)
        self.assertEqual(
            recipients(notifications.MEETING_SCHEDULED),
            {self.reg.email, self.mem_a.email, self.mem_b.email, self.admin.email},
        )
        self.assertEqual(self.announcements(notifications.MEETING_SCHEDULED), 2)
        keys = set(Message.objects.values_list("key", flat=True))
        self.assertIn(f"meeting:{meeting.pk}:scheduled|email|u{self.mem_a.pk}", keys)

    def test_a_members_only_meeting_never_reaches_a_non_member_group_or_webhook(self) -> None:
        """The registered follower, the group chat and the webhook get nothing, and the
        renderer says nothing in public even if a row existed."""
        series = SeriesFactory.create()
        follow(self.reg, MeetingFactory.create(series=series))
        self.announce_everywhere(notifications.MEETING_SCHEDULED)
        meeting = self.schedule(series=series, visibility=Visibility.MEMBERS)
        self.assertEqual(
            recipients(notifications.MEETING_SCHEDULED),
            {self.mem_a.email, self.mem_b.email, self.admin.email},
        )
        self.assertEqual(self.announcements(notifications.MEETING_SCHEDULED), 0)
        params = {"meeting_id": meeting.pk}
        for channel in (Channel.TELEGRAM, Channel.WEBHOOK):
            self.assertIsNone(render(notifications.MEETING_SCHEDULED, params, public(channel)))
        self.assertIsNone(render(notifications.MEETING_SCHEDULED, params, personal(self.reg)))
        self.assertIsNotNone(render(notifications.MEETING_SCHEDULED, params, personal(self.mem_a)))

    def test_a_coordinators_meeting_reaches_coordinators_only(self) -> None:
        meeting = self.schedule(visibility=Visibility.COORDINATORS)
        self.assertEqual(recipients(notifications.MEETING_SCHEDULED), {self.admin.email})
        params = {"meeting_id": meeting.pk}
        self.assertIsNone(render(notifications.MEETING_SCHEDULED, params, personal(self.mem_a)))

    def test_a_meeting_already_over_is_not_news(self) -> None:
        past = timezone.now() - timedelta(days=30)
        self.schedule(starts_at=past, ends_at=past + timedelta(hours=2))
        self.assertFalse(Message.objects.exists())

    def test_the_next_meeting_of_a_series_is_announced(self) -> None:
        past = timezone.now() - timedelta(days=10)
        held = MeetingFactory.create(starts_at=past, ends_at=past + timedelta(hours=2))
        following = services.meeting_schedule_next(
            actor=self.coord, meeting=held, starts_at=timezone.now() + timedelta(days=20)
        )
        rows = Message.objects.filter(kind=notifications.MEETING_SCHEDULED)
        self.assertEqual({row.params["meeting_id"] for row in rows}, {following.pk})
        self.assertEqual(rows.count(), 3)  # mem_a, mem_b, admin: not the coordinator

    def test_a_visibility_narrowed_before_delivery_skips_the_non_members(self) -> None:
        """Renderers look again at delivery: a public meeting made members-only since is
        not sent to the registered follower (skipped)."""
        series = SeriesFactory.create()
        follow(self.reg, MeetingFactory.create(series=series))
        meeting = self.schedule(series=series)
        Meeting.objects.filter(pk=meeting.pk).update(visibility=Visibility.MEMBERS)
        outbox_deliver()
        self.assertEqual(
            Message.objects.get(user=self.reg).status, Message.Status.SKIPPED, "reg skipped"
        )
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox),
            sorted([self.admin.email, self.mem_a.email, self.mem_b.email]),
        )


class RenderingTests(NotificationTestCase):
    def setUp(self) -> None:
        self.meeting = MeetingFactory.create(
            title="Reunión de abril",
            place="Auditorio del MTC",
            online_url=ONLINE,
            modality="hybrid",
        )
        AgendaItemFactory.create(meeting=self.meeting, title="Informe de conectividad rural")
        self.params = {"meeting_id": self.meeting.pk}

    def test_the_text_names_what_when_where_the_link_and_the_agenda(self) -> None:
        with translation.override("en"):
            notice = render(notifications.MEETING_SCHEDULED, self.params, personal(self.mem_a))
        assert notice is not None
        self.assertEqual(notice.subject, "New meeting: Reunión de abril")
        local = timezone.localtime(self.meeting.starts_at)
        for expected in (
            "A new meeting was scheduled: “Reunión de abril”.",
            str(local.year),
            "10 a.m.",
            "Lima time",
            "Auditorio del MTC",
            ONLINE,
            "1. Informe de conectividad rural",
        ):
            self.assertIn(expected, notice.text)
        self.assertIn("Informe de conectividad rural</li>", str(notice.html))
        self.assertEqual(notice.url, f"{BASE_URL}{self.meeting.get_absolute_url()}")

    def test_spanish_and_english(self) -> None:
        """(Strings already in the catalogue; the new ones are in /work/po until merged.)"""
        kind = notifications.MEETING_CHANGED
        with translation.override("es"):
            spanish = render(kind, self.params, personal(self.mem_a))
        with translation.override("en"):
            english = render(kind, self.params, personal(self.mem_a))
        assert spanish is not None and english is not None
        self.assertEqual(spanish.subject, "Reunión actualizada: Reunión de abril")
        self.assertIn("Cuándo:", spanish.text)
        self.assertIn("hora de Lima", spanish.text)
        self.assertIn("Lugar: Auditorio del MTC", spanish.text)
        self.assertIn("Enlace en línea:", spanish.text)
        local = timezone.localtime(self.meeting.starts_at)
        with translation.override("es"):
            self.assertIn(formats.date_format(local, "DATETIME_FORMAT"), spanish.text)
        with translation.override("en"):
            self.assertIn(formats.date_format(local, "DATETIME_FORMAT"), english.text)
        self.assertEqual(english.subject, "Meeting updated: Reunión de abril")
        self.assertIn("When:", english.text)
        self.assertNotIn("Cuándo", english.text)

    def test_the_online_link_goes_to_members_and_invitees_never_to_the_public(self) -> None:
        follower = UserFactory.create()
        kind = notifications.MEETING_SCHEDULED
        member = render(kind, self.params, personal(self.mem_a))
        registered = render(kind, self.params, personal(follower))
        announced = render(kind, self.params, public())
        hooked = render(kind, self.params, public(Channel.WEBHOOK))
        assert member and registered and announced and hooked
        self.assertIn(ONLINE, member.text)
        for notice in (registered, announced, hooked):
            self.assertNotIn(ONLINE, notice.text + notice.html + notice.telegram)
            self.assertNotIn(ONLINE, str(notice.payload))
        guest = Invitee.objects.create(meeting=self.meeting, person=PersonFactory.create())
        invited = render(
            notifications.MEETING_INVITATION,
            {**self.params, "invitee_id": guest.pk},
            personal(None),
        )
        assert invited is not None
        self.assertIn(ONLINE, invited.text)
        self.assertEqual(invited.to, guest.person.email)

    def test_telegram_is_short_html_with_a_link(self) -> None:
        with translation.override("en"):
            notice = render(notifications.MEETING_SCHEDULED, self.params, public())
        assert notice is not None
        self.assertIn("<b>New meeting: Reunión de abril</b>", notice.telegram)
        self.assertIn(f'<a href="{BASE_URL}{self.meeting.get_absolute_url()}">', notice.telegram)
        tags = set(re.findall(r"</?([a-z]+)", notice.telegram))
        self.assertLessEqual(tags, {"b", "i", "a", "code"})
        self.assertLess(len(notice.telegram), 400)

    def test_the_webhook_payload_has_public_ids_and_no_personal_data(self) -> None:
        Invitee.objects.create(meeting=self.meeting, person=PersonFactory.create())
        notice = render(notifications.MEETING_SCHEDULED, self.params, public(Channel.WEBHOOK))
        assert notice is not None
        self.meeting.refresh_from_db()
        self.assertEqual(
            notice.payload,
            {
                "event": "meetings.scheduled",
                "meeting": str(self.meeting.public_id),
                "title": "Reunión de abril",
                "starts_at": self.meeting.starts_at.isoformat(),
                "ends_at": self.meeting.ends_at.isoformat(),
                "status": "planned",
                "url": f"{BASE_URL}{self.meeting.get_absolute_url()}",
            },
        )
        self.assertNotIn("@", str(notice.payload))

    def test_a_gone_or_cancelled_meeting_says_nothing_of_its_scheduling(self) -> None:
        Meeting.objects.filter(pk=self.meeting.pk).update(status=Meeting.Status.CANCELLED)
        self.assertIsNone(render(notifications.MEETING_SCHEDULED, self.params, public()))
        self.assertIsNone(
            render(notifications.MEETING_SCHEDULED, {"meeting_id": 0}, personal(self.mem_a))
        )


class ChangedAndCancelledTests(NotificationTestCase):
    def setUp(self) -> None:
        self.meeting = MeetingFactory.create(title="Reunión de mayo", online_url=ONLINE)
        self.guest = Invitee.objects.create(
            meeting=self.meeting, person=PersonFactory.create(full_name="Gina Invitada")
        )
        self.invited_member = Invitee.objects.create(
            meeting=self.meeting,
            person=PersonFactory.create(user=self.mem_a, email=self.mem_a.email),
        )
        series_follower = UserFactory.create(email="sigue@example.org")
        follow(series_follower, self.meeting)
        self.series_follower = series_follower

    def test_a_move_reaches_members_followers_and_invitees_once_with_a_key_per_change(
        self,
    ) -> None:
        services.meeting_update(actor=self.coord, meeting=self.meeting, data={"place": "Cusco"})
        expected = {
            self.mem_a.email,
            self.mem_b.email,
            self.admin.email,
            "sigue@example.org",
            f"g:{self.guest.pk}",
        }
        self.assertEqual(recipients(notifications.MEETING_CHANGED), expected)
        self.meeting.refresh_from_db()
        stamp = f"{self.meeting.updated_at.timestamp():.6f}"
        self.assertTrue(
            Message.objects.filter(key__startswith=f"meeting:{self.meeting.pk}:changed:{stamp}|")
        )
        first = Message.objects.count()
        services.meeting_update(actor=self.coord, meeting=self.meeting, data={"place": "Puno"})
        self.assertEqual(Message.objects.count(), 2 * first)
        services.meeting_update(actor=self.coord, meeting=self.meeting, data={"title": "Otra"})
        self.assertEqual(Message.objects.count(), 2 * first)

    def test_each_person_gets_one_email_invitees_with_the_calendar_request(self) -> None:
        services.meeting_update(actor=self.coord, meeting=self.meeting, data={"place": "Cusco"})
        outbox_deliver()
        by_address = {m.to[0]: m for m in mail.outbox}
        self.assertEqual(len(by_address), len(mail.outbox), "one email per person")
        self.assertNotIn(self.coord.email, by_address)
        for address in (self.guest.person.email, self.mem_a.email):
            message = by_address[address]
            [part] = calendar_parts(message)
            self.assertEqual(part.get_param("method"), "REQUEST")
            ics = part.get_payload(decode=True).decode()
            self.assertIn("SEQUENCE:1", ics)
            self.assertIn("Cusco", ics)
            self.assertIn("/rsvp/", message.body)  # the RSVP link
        self.assertEqual(calendar_parts(by_address[self.mem_b.email]), [])
        self.assertIn("Place: Cusco", by_address[self.mem_b.email].body)
        guest_mail = by_address[self.guest.person.email]
        self.assertNotIn("List-Unsubscribe", guest_mail.extra_headers)
        self.assertIn("because a coordinator invited you", guest_mail.body)
        self.assertIn("List-Unsubscribe", by_address[self.mem_a.email].extra_headers)

    def test_a_cancellation_reaches_everyone_concerned_with_a_calendar_cancel(self) -> None:
        self.announce_everywhere(notifications.MEETING_CANCELLED)
        services.meeting_cancel(actor=self.coord, meeting=self.meeting)
        self.assertIn(f"g:{self.guest.pk}", recipients(notifications.MEETING_CANCELLED))
        self.assertNotIn(self.coord.email, recipients(notifications.MEETING_CANCELLED))
        self.assertEqual(self.announcements(notifications.MEETING_CANCELLED), 2)
        params = {"meeting_id": self.meeting.pk}
        with translation.override("en"):
            announced = render(notifications.MEETING_CANCELLED, params, public())
        assert announced is not None
        self.assertIn("was cancelled", announced.text)
        self.assertNotIn(ONLINE, announced.text)
        Message.objects.exclude(chat=None, endpoint=None).delete()  # no channel on this branch
        outbox_deliver()
        guest_mail = next(m for m in mail.outbox if m.to == [self.guest.person.email])
        [part] = calendar_parts(guest_mail)
        self.assertEqual(part.get_param("method"), "CANCEL")
        self.assertIn("Meeting cancelled: Reunión de mayo", guest_mail.subject)

    def test_a_removed_invitee_is_no_longer_written_to(self) -> None:
        services.meeting_update(actor=self.coord, meeting=self.meeting, data={"place": "Cusco"})
        invitations.invitee_remove(actor=self.coord, invitee=self.guest)
        outbox_deliver()
        self.assertNotIn([self.guest.person.email], [m.to for m in mail.outbox])

    def test_a_members_only_meeting_change_reaches_no_follower_group_or_webhook(self) -> None:
        Meeting.objects.filter(pk=self.meeting.pk).update(visibility=Visibility.MEMBERS)
        self.meeting.refresh_from_db()
        self.announce_everywhere(notifications.MEETING_CHANGED)
        services.meeting_update(actor=self.coord, meeting=self.meeting, data={"place": "Cusco"})
        got = recipients(notifications.MEETING_CHANGED)
        self.assertNotIn("sigue@example.org", got)
        self.assertNotIn(self.reg.email, got)
        self.assertIn(f"g:{self.guest.pk}", got)  # invited: the invitation is the permission
        self.assertEqual(self.announcements(notifications.MEETING_CHANGED), 0)
        params = {"meeting_id": self.meeting.pk}
        self.assertIsNone(render(notifications.MEETING_CHANGED, params, public()))


class InvitationTests(NotificationTestCase):
    def setUp(self) -> None:
        self.meeting = MeetingFactory.create(title="Reunión de junio", online_url=ONLINE)
        self.account = UserFactory.create(email="cuenta@example.org", language="es")
        self.with_account = PersonFactory.create(user=self.account, email="directorio@example.org")
        self.without = PersonFactory.create(full_name="Sin Cuenta")

    def invite(self) -> list[Invitee]:
        return invitations.invitees_add(
            actor=self.coord, meeting=self.meeting, people=[self.with_account, self.without]
        )

    def test_a_person_with_an_account_is_written_to_as_a_person_others_as_guests(self) -> None:
        with_account, without = sorted(self.invite(), key=lambda i: i.person.user_id is None)
        rows = Message.objects.filter(kind=notifications.MEETING_INVITATION)
        self.assertEqual(
            {(row.user_id, row.params.get("invitee_id"), row.language) for row in rows},
            {(self.account.pk, with_account.pk, "es"), (None, without.pk, "en")},
        )

    def test_one_email_each_with_the_calendar_request_and_rsvp_links(self) -> None:
        with_account, without = sorted(self.invite(), key=lambda i: i.person.user_id is None)
        outbox_deliver()
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), sorted([self.account.email, self.without.email])
        )
        for message, invitee in (
            (next(m for m in mail.outbox if m.to == [self.account.email]), with_account),
            (next(m for m in mail.outbox if m.to == [self.without.email]), without),
        ):
            [part] = calendar_parts(message)
            self.assertEqual(part.get_param("method"), "REQUEST")
            self.assertIn(invitee.person.email, part.get_payload(decode=True).decode())
            link = invitations.rsvp_url(invitee, "yes")
            self.assertIn(link, message.body)
            self.assertIn(link.replace("&", "&amp;"), html_of(message))
            self.assertIn(ONLINE, message.body)
        spanish = next(m for m in mail.outbox if m.to == [self.account.email])
        self.assertIn("Invitación: Reunión de junio", spanish.subject)

    def test_a_resend_is_a_new_message_and_inviting_again_is_not(self) -> None:
        created = self.invite()
        self.invite()
        self.assertEqual(Message.objects.filter(kind=notifications.MEETING_INVITATION).count(), 2)
        invitations.invitee_resend(actor=self.coord, invitee=created[0])
        self.assertEqual(Message.objects.filter(kind=notifications.MEETING_INVITATION).count(), 3)

    def test_a_withdrawn_invitation_is_not_sent(self) -> None:
        for invitee in self.invite():
            invitations.invitee_remove(actor=self.coord, invitee=invitee)
        self.assertEqual(outbox_deliver(), {"skipped": 2})
        self.assertEqual(mail.outbox, [])

    def test_an_invitation_is_for_its_invitee_only(self) -> None:
        """Another account, the public or a guest with another invitee's id get nothing."""
        with_account, _without = sorted(self.invite(), key=lambda i: i.person.user_id is None)
        params = {"meeting_id": self.meeting.pk, "invitee_id": with_account.pk}
        kind = notifications.MEETING_INVITATION
        self.assertIsNone(render(kind, params, personal(self.mem_a)))
        self.assertIsNone(render(kind, params, public()))
        other = MeetingFactory.create()
        self.assertIsNone(
            render(kind, {"meeting_id": other.pk, "invitee_id": with_account.pk}, personal(None))
        )


class ReminderTests(NotificationTestCase):
    def at(self, delta: timedelta, **fields: Any) -> Meeting:
        meeting = MeetingFactory.create(
            starts_at=NOW + delta, ends_at=NOW + delta + timedelta(hours=2), **fields
        )
        Invitee.objects.create(meeting=meeting, person=PersonFactory.create())
        return meeting

    def reminded(self) -> set[tuple[int, str]]:
        return {
            (row.params["meeting_id"], row.kind)
            for row in Message.objects.filter(kind__startswith="meetings.reminder")
        }

    def test_the_windows_are_six_to_seven_days_and_up_to_one_day(self) -> None:
        seven = self.at(timedelta(days=7))
        six_and_a_bit = self.at(timedelta(days=6, seconds=1))
        just_six = self.at(timedelta(days=6))
        beyond = self.at(timedelta(days=7, seconds=1))
        one = self.at(timedelta(days=1))
        soon = self.at(timedelta(seconds=1))
        started = self.at(timedelta(0))
        cancelled = self.at(timedelta(days=1), status=Meeting.Status.CANCELLED)
        notifications.meeting_reminders(NOW)
        week, day = notifications.MEETING_REMINDER_7D, notifications.MEETING_REMINDER_1D
        self.assertEqual(
            self.reminded(),
            {(seven.pk, week), (six_and_a_bit.pk, week), (one.pk, day), (soon.pk, day)},
        )
        for meeting in (just_six, beyond, started, cancelled):
            self.assertFalse(Message.objects.filter(params__meeting_id=meeting.pk).exists())

    def test_running_twice_or_every_few_seconds_sends_once(self) -> None:
        meeting = self.at(timedelta(days=1))
        notifications.meeting_reminders(NOW)
        rows = set(Message.objects.values_list("pk", "key"))
        notifications.meeting_reminders(NOW)
        outbox_plan(NOW + timedelta(seconds=2))
        self.assertEqual(set(Message.objects.values_list("pk", "key")), rows)
        self.assertTrue(
            all(key.startswith(f"meeting:{meeting.pk}:reminder:1d|") for _, key in rows)
        )

    def test_invitees_and_people_who_signed_up_but_not_those_who_declined(self) -> None:
        meeting = self.at(timedelta(days=7))
        declined = Invitee.objects.create(
            meeting=meeting, person=PersonFactory.create(), rsvp=Rsvp.NO
        )
        Invitee.objects.create(
            meeting=meeting,
            person=PersonFactory.create(user=self.mem_b, email=self.mem_b.email),
            rsvp=Rsvp.YES,
        )
        Attendance.objects.create(
            meeting=meeting,
            person=PersonFactory.create(user=self.reg, email=self.reg.email),
            source=Attendance.Source.RECORDED,
        )
        notifications.meeting_reminders(NOW)
        got = recipients(notifications.MEETING_REMINDER_7D)
        self.assertIn(self.mem_b.email, got)
        self.assertIn(self.reg.email, got)
        self.assertNotIn(f"g:{declined.pk}", got)
        self.assertNotIn(self.mem_a.email, got)  # not invited: members hear of it otherwise
        self.assertEqual(len(got), 3)

    def test_the_reminder_email_says_when_and_where(self) -> None:
        meeting = self.at(timedelta(days=1), title="Reunión de julio", place="Arequipa")
        notifications.meeting_reminders(NOW)
        with time_machine.travel(NOW, tick=False):
            outbox_deliver(now=NOW)
        [message] = mail.outbox
        self.assertIn("Reminder: Reunión de julio", message.subject)
        self.assertIn("starts in less than 24 hours", message.body)
        self.assertIn("Place: Arequipa", message.body)
        self.assertIn(str(timezone.localtime(meeting.starts_at).year), message.body)

    def test_a_meeting_cancelled_after_the_reminder_was_planned_is_not_reminded(self) -> None:
        meeting = self.at(timedelta(days=1))
        notifications.meeting_reminders(NOW)
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
        with time_machine.travel(NOW, tick=False):
            self.assertEqual(outbox_deliver(now=NOW), {"skipped": 1})


class CanaryTests(NotificationTestCase):
    """No members-only content reaches a non-member, a group or a webhook through any
    message of a members-only meeting's life (scheduled, changed, cancelled, reminded)."""

    def test_no_members_canary_leaves_for_a_non_member(self) -> None:
        tag = "canario7f3a"
        series = SeriesFactory.create()
        follow(self.reg, MeetingFactory.create(series=series))
        self.announce_everywhere(
            notifications.MEETING_SCHEDULED,
            notifications.MEETING_CHANGED,
            notifications.MEETING_CANCELLED,
        )
        meeting = self.schedule(
            series=series, title=f"Reunion {tag}", place=f"Sala {tag}", visibility="members"
        )
        services.agenda_item_create(actor=self.coord, meeting=meeting, data={"title": tag})
        services.meeting_update(actor=self.coord, meeting=meeting, data={"place": f"Otra {tag}"})
        services.meeting_cancel(actor=self.coord, meeting=meeting)
        self.assertEqual(Message.objects.exclude(chat=None, endpoint=None).count(), 0)
        outbox_deliver()
        leaked = [m.to for m in mail.outbox if self.reg.email in m.to]
        self.assertEqual(leaked, [])
        members = {m.to[0] for m in mail.outbox if tag in m.body}
        self.assertEqual(members, {self.mem_a.email, self.mem_b.email, self.admin.email})


class AgendaDocumentTests(NotificationTestCase):
    """A document put on a meeting's agenda is news for the followers of its series."""

    def test_followers_of_the_series_are_told_with_the_meeting_named(self) -> None:
        from minka.documents.notifications import ADDED
        from minka.documents.tests.factories import DocumentFactory

        consent_to_news(self.reg, self.mem_b)
        meeting = self.schedule(title="Reunión de mayo")
        follow(self.mem_b, meeting)
        follow(self.reg, meeting)
        item = AgendaItemFactory.create(meeting=meeting)
        public = DocumentFactory.create(title="Informe público", visibility=Visibility.PUBLIC)
        hidden = DocumentFactory.create(title="Informe interno", visibility=Visibility.MEMBERS)
        mail.outbox.clear()
        services.agenda_item_link_documents(actor=self.coord, item=item, documents=[public, hidden])
        outbox_deliver()

        def received(user: User) -> str:
            return "".join(str(e.body) for e in mail.outbox if e.to == [user.email])

        self.assertIn("Reunión de mayo", received(self.mem_b))
        self.assertIn("Informe interno", received(self.mem_b))
        self.assertIn("Informe público", received(self.reg))
        self.assertNotIn("Informe interno", received(self.reg))
        announced = Message.objects.filter(kind=ADDED).exclude(chat=None, endpoint=None)
        self.assertFalse(announced.exists())
