"""Commitments' events: reminders before and after the deadline to the responsible people
(once per deadline, however often the planner runs), updates to the commitment's followers,
and nothing members-only to non-members, group chats or webhooks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from minka.accounts.tests.factories import UserFactory
from minka.agreements import notifications, services
from minka.agreements.models import Status
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.tests.factories import MembershipFactory, PersonFactory
from minka.meetings.tests.factories import MeetingFactory
from minka.notifications import services as notification_services
from minka.notifications.delivery import outbox_deliver
from minka.notifications.kinds import Channel, Frequency, RenderContext, kind_get
from minka.notifications.models import Message, TelegramChat, WebhookEndpoint
from minka.notifications.schedule import outbox_plan
from minka.notifications.tests.helpers import consent_to_news

if TYPE_CHECKING:
    from django.core.mail import EmailMultiAlternatives

    from minka.accounts.models import User
    from minka.agreements.models import Commitment

PUBLIC = RenderContext(user=None, channel=Channel.WEBHOOK, public=True)


def recipients(kind: str) -> set[str]:
    return set(
        Message.objects.filter(kind=kind, user__isnull=False).values_list("user__email", flat=True)
    )


class CommitmentsTestCase(RoleTestCase):
    """Organization A (``mem_a``) is responsible, and so is ``reg`` (a registered person,
    not a member) through their own directory record."""

    def setUp(self) -> None:
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.person = PersonFactory.create(user=self.reg, full_name="Registrada Pública")
        # Updates are news: they reach those who consented (reminders do not need it).
        consent_to_news(self.reg, self.mem_a, self.mem_b, self.coord, self.admin)
        self.chat = TelegramChat.objects.create(
            chat_id=-100, title="Red", kinds=list(notifications.DUE_KINDS)
        )
        self.hook = WebhookEndpoint.objects.create(
            url="https://example.org/h", kinds=list(notifications.DUE_KINDS), secret="s"
        )

    def commitment(self, days: int | None, **data: Any) -> Commitment:
        values: dict[str, Any] = {
            "title": "Enviar la carta al viceministerio",
            "responsible_organizations": [self.org_a],
            "responsible_people": [self.person],
            "due_date": self.today + dt.timedelta(days=days) if days is not None else None,
            "visibility": Visibility.PUBLIC,
            **data,
        }
        return services.commitment_create(actor=self.coord, data=values)  # type: ignore[arg-type]


class WindowTests(CommitmentsTestCase):
    def test_each_day_falls_in_one_window(self) -> None:
        """7 to 2 days ahead: "due in 7 days"; tomorrow and today: "due tomorrow"; up to a
        week late: "overdue"; before and after: nothing."""
        expected = {
            8: None,
            7: notifications.DUE_7D,
            2: notifications.DUE_7D,
            1: notifications.DUE_1D,
            0: notifications.DUE_1D,
            -1: notifications.OVERDUE,
            -7: notifications.OVERDUE,
            -8: None,
        }
        for days, kind in expected.items():
            with self.subTest(days=days):
                due = self.today + dt.timedelta(days=days)
                self.assertEqual(notifications.due_kind(due, self.today), kind)

    def test_the_planner_raises_each_commitments_reminder_at_its_boundary(self) -> None:
        kinds = {days: self.commitment(days, title=f"Vence {days}") for days in (8, 7, 1, -7, -8)}
        undated = self.commitment(None, title="Sin fecha")
        done = self.commitment(1, title="Hecho", status=Status.DONE)
        cancelled = self.commitment(-1, title="Cancelado", status=Status.CANCELLED)
        notifications.commitments_plan(self.now)
        planned = set(Message.objects.values_list("kind", "params__commitment").distinct())
        self.assertEqual(
            planned,
            {
                (notifications.DUE_7D, kinds[7].pk),
                (notifications.DUE_1D, kinds[1].pk),
                (notifications.OVERDUE, kinds[-7].pk),
            },
        )
        silent = {kinds[8].pk, kinds[-8].pk, undated.pk, done.pk, cancelled.pk}
        self.assertFalse(Message.objects.filter(params__commitment__in=silent).exists())

    def test_running_the_planner_again_adds_nothing(self) -> None:
        """Every two seconds, or on two workers: the same rows, once."""
        for days in (5, 1, -2):
            self.commitment(days, title=f"Vence {days}")
        notifications.commitments_plan(self.now)
        first = sorted(Message.objects.values_list("key", flat=True))
        self.assertTrue(first)
        notifications.commitments_plan(self.now)
        outbox_plan(self.now + dt.timedelta(minutes=5))
        self.assertEqual(sorted(Message.objects.values_list("key", flat=True)), first)

    def test_a_new_deadline_makes_new_reminders_and_silences_the_old_ones(self) -> None:
        commitment = self.commitment(3)
        notifications.commitments_plan(self.now)
        old = Message.objects.get(user=self.mem_a)
        self.assertEqual(
            old.key.split("|")[0],
            f"commitment:{commitment.pk}:due_7d:{commitment.due_date}",
        )
        services.commitment_update(
            actor=self.coord,
            commitment=commitment,
            data={"due_date": self.today + dt.timedelta(days=6)},
        )
        notifications.commitments_plan(self.now)
        self.assertEqual(Message.objects.filter(user=self.mem_a).count(), 2)
        self.assertIsNone(notifications.render_due_7d(old.params, PUBLIC))

    def test_overdue_goes_once_per_deadline(self) -> None:
        self.commitment(-1)
        for day in range(3):
            notifications.commitments_plan(self.now + dt.timedelta(days=day))
        self.assertEqual(
            Message.objects.filter(kind=notifications.OVERDUE, user=self.mem_a).count(), 1
        )


class RecipientTests(CommitmentsTestCase):
    def test_responsible_people_with_an_account_get_the_reminder(self) -> None:
        """Members of the responsible organization and the responsible person; not members
        of another organization, not coordinators, not the inactive."""
        MembershipFactory.create(organization=self.org_a, user__is_active=False)
        self.commitment(5)
        notifications.commitments_plan(self.now)
        self.assertEqual(recipients(notifications.DUE_7D), {"mem-a@example.org", "reg@example.org"})

    def test_a_members_only_commitment_reaches_no_non_member_chat_or_webhook(self) -> None:
        self.commitment(5, visibility=Visibility.MEMBERS)
        self.commitment(-1, title="Tarde", visibility=Visibility.MEMBERS)
        notifications.commitments_plan(self.now)
        self.assertEqual(recipients(notifications.DUE_7D), {"mem-a@example.org"})
        self.assertEqual(recipients(notifications.OVERDUE), {"mem-a@example.org"})
        self.assertFalse(Message.objects.filter(user__isnull=True).exists())

    def test_a_public_commitment_is_announced_when_due_in_7_days_and_overdue_only(self) -> None:
        soon = self.commitment(5, title="Pronto")
        tomorrow = self.commitment(1, title="Mañana")
        late = self.commitment(-1, title="Tarde")
        notifications.commitments_plan(self.now)
        announced = set(
            Message.objects.filter(user__isnull=True).values_list("channel", "params__commitment")
        )
        self.assertEqual(
            announced,
            {
                (Channel.TELEGRAM, soon.pk),
                (Channel.WEBHOOK, soon.pk),
                (Channel.TELEGRAM, late.pk),
                (Channel.WEBHOOK, late.pk),
            },
        )
        self.assertNotIn(tomorrow.pk, {pk for _channel, pk in announced})

    def test_a_person_who_chose_never_gets_nothing(self) -> None:
        notification_services.preference_set(
            user=self.mem_a,
            kind=notifications.DUE_7D,
            channel=Channel.EMAIL,
            frequency=Frequency.NEVER,
        )
        self.commitment(5)
        notifications.commitments_plan(self.now)
        self.assertEqual(recipients(notifications.DUE_7D), {"reg@example.org"})


@override_settings(OUTBOX_THREADS=1)
class DueRenderingTests(CommitmentsTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Their channels are not this app's: the public rendering is tested directly.
        TelegramChat.objects.all().delete()
        WebhookEndpoint.objects.all().delete()

    def deliver(self) -> list[EmailMultiAlternatives]:
        notifications.commitments_plan(self.now)
        mail.outbox.clear()
        outbox_deliver(now=self.now)
        return list(mail.outbox)  # type: ignore[arg-type]

    def test_the_reminder_reaches_the_mailbox_in_each_persons_language(self) -> None:
        """What, when (the deadline) and where (the link), in English and in Spanish."""
        self.mem_a.language = "en"
        self.mem_a.save(update_fields=["language"])
        meeting = MeetingFactory.create(title="Asamblea de octubre")
        commitment = self.commitment(5)
        commitment.meeting = meeting
        commitment.save(update_fields=["meeting"])
        emails = {email.to[0]: email for email in self.deliver()}
        self.assertEqual(set(emails), {"mem-a@example.org", "reg@example.org"})
        assert commitment.due_date is not None
        with translation.override("en"):
            english_date = date_format(commitment.due_date, "DATE_FORMAT")
        with translation.override("es"):
            spanish_date = date_format(commitment.due_date, "DATE_FORMAT")
        self.assertNotEqual(english_date, spanish_date)
        english, spanish = emails["mem-a@example.org"], emails["reg@example.org"]
        self.assertEqual(english.subject, f"Due on {english_date}: {commitment.title}")
        self.assertIn(f"is due on {english_date}", english.body)
        self.assertIn("Status: Pending. Progress: 0 %.", english.body)
        self.assertIn("Responsible: Organización A.", english.body)
        self.assertIn("Asamblea de octubre", english.body)
        url = f"{settings.BASE_URL}{commitment.get_absolute_url()}"
        self.assertIn(url, english.body)
        self.assertIn(spanish_date, spanish.body)
        self.assertIn("Pendiente", spanish.body)
        self.assertIn(url, spanish.body)
        html = str(english.alternatives[0][0])
        self.assertIn(f'<a href="{url}">', html)
        self.assertIn("List-Unsubscribe", english.extra_headers)

    def test_due_tomorrow_and_overdue_say_so(self) -> None:
        self.mem_a.language = "en"
        self.mem_a.save(update_fields=["language"])
        self.commitment(1, title="Mañana")
        self.commitment(-2, title="Tarde")
        subjects = {email.subject for email in self.deliver() if email.to == [self.mem_a.email]}
        self.assertEqual(subjects, {"Due tomorrow: Mañana", "Overdue: Tarde"})

    def test_a_commitment_closed_before_delivery_says_nothing(self) -> None:
        commitment = self.commitment(5)
        notifications.commitments_plan(self.now)
        services.update_post(
            actor=self.mem_a, commitment=commitment, data={"text": "Listo.", "status": Status.DONE}
        )
        mail.outbox.clear()
        outcome = outbox_deliver(now=self.now)
        self.assertEqual(outcome["skipped"], 2)
        self.assertFalse([email for email in mail.outbox if email.subject.startswith("Due")])

    def test_someone_no_longer_responsible_gets_nothing(self) -> None:
        commitment = self.commitment(5)
        notifications.commitments_plan(self.now)
        services.commitment_update(
            actor=self.coord, commitment=commitment, data={"responsible_people": []}
        )
        outbox_deliver(now=self.now)
        self.assertEqual(
            dict(Message.objects.values_list("user__email", "status")),
            {"mem-a@example.org": "sent", "reg@example.org": "skipped"},
        )

    def test_the_public_rendering_is_for_public_commitments_only(self) -> None:
        hidden = self.commitment(5, visibility=Visibility.MEMBERS)
        shown = self.commitment(5, title="Público")
        params = {"deadline": str(shown.due_date)}
        self.assertIsNone(notifications.render_due_7d({**params, "commitment": hidden.pk}, PUBLIC))
        notice = notifications.render_due_7d({**params, "commitment": shown.pk}, PUBLIC)
        assert notice is not None
        self.assertEqual(
            notice.payload,
            {
                "event": notifications.DUE_7D,
                "commitment": str(shown.public_id),
                "title": "Público",
                "deadline": str(shown.due_date),
                "status": "pending",
                "progress": 0,
                "url": f"{settings.BASE_URL}{shown.get_absolute_url()}",
            },
        )
        self.assertIn("<b>", notice.telegram)
        self.assertNotIn("reg@example.org", repr(notice))


class UpdatePostedTests(CommitmentsTestCase):
    def setUp(self) -> None:
        super().setUp()
        # mem_b follows organization A; an outsider follows it too.
        self.outsider = UserFactory.create(email="fuera@example.org")
        consent_to_news(self.outsider)
        for user in (self.mem_b, self.outsider):
            notification_services.follow_set(
                user=user,
                target_type="directory.organization",
                target_id=self.org_a.pk,
                following=True,
            )
        TelegramChat.objects.create(chat_id=-200, title="Todo", kinds=[notifications.UPDATE_POSTED])

    def post(self, commitment: Commitment, author: User) -> None:
        services.update_post(
            actor=author, commitment=commitment, data={"text": "Se envió el borrador."}
        )

    def test_followers_and_responsible_people_get_it_but_not_the_author(self) -> None:
        self.post(self.commitment(30), self.mem_a)
        self.assertEqual(
            recipients(notifications.UPDATE_POSTED),
            {"reg@example.org", "mem-b@example.org", "fuera@example.org"},
        )
        self.assertFalse(Message.objects.filter(user__isnull=True).exists())

    def test_a_members_only_commitment_reaches_members_only(self) -> None:
        self.post(self.commitment(30, visibility=Visibility.MEMBERS), self.coord)
        self.assertEqual(
            recipients(notifications.UPDATE_POSTED), {"mem-a@example.org", "mem-b@example.org"}
        )
        update = Message.objects.get(user=self.mem_a).params
        self.assertIsNone(notifications.render_update_posted(update, PUBLIC))

    @override_settings(OUTBOX_THREADS=1)
    def test_the_update_reaches_the_mailbox_with_the_author_for_members_only(self) -> None:
        for user in (self.mem_b, self.reg):
            user.language = "en"
            user.save(update_fields=["language"])
        commitment = self.commitment(30)
        self.post(commitment, self.mem_a)
        outbox_deliver(now=timezone.now())
        emails = {email.to[0]: email for email in mail.outbox}
        member, registered = emails["mem-b@example.org"], emails["reg@example.org"]
        self.assertEqual(member.subject, f"Update on {commitment.title}")
        self.assertIn("Miembro A posted an update on the commitment", member.body)
        self.assertIn("Se envió el borrador.", member.body)
        self.assertIn("#avance-", member.body)
        self.assertIn("An update was posted on the commitment", registered.body)
        self.assertNotIn("Miembro A", registered.body)
        spanish = emails["fuera@example.org"]
        self.assertIn("Pendiente", spanish.body)

    def test_a_deleted_update_is_skipped(self) -> None:
        commitment = self.commitment(30)
        self.post(commitment, self.mem_a)
        commitment.updates.all().delete()
        self.assertEqual(outbox_deliver(now=timezone.now()), {"skipped": 3})

    def test_the_kinds_are_registered_in_the_agreements_group(self) -> None:
        with translation.override("es"):
            groups = {
                str(kind_get(code).group)
                for code in (*notifications.DUE_KINDS, notifications.UPDATE_POSTED)
            }
        self.assertEqual(groups, {"Acuerdos"})
        self.assertIs(kind_get(notifications.DUE_1D).announce, False)
