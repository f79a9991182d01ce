"""What date polls tell people, a person's data export of their answers, and the demo poll."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from minka.accounts.models import User
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.portability import person_export_data
from minka.directory.services import person_for_user
from minka.meetings.models import Meeting
from minka.notifications.kinds import RenderContext
from minka.notifications.models import Message
from minka.notifications.tests.helpers import consent_to_news
from minka.participation.polls import notifications, services
from minka.participation.polls.models import Answer, DateAnswer, DatePoll
from minka.participation.polls.tests.factories import DatePollFactory, future
from minka.participation.polls.tests.test_services import answer_all, poll_data


def recipients(kind: str) -> set[str]:
    return set(
        Message.objects.filter(kind=kind, user__isnull=False).values_list("user__email", flat=True)
    )


@override_settings(LANGUAGE_CODE="en")
class PollNotificationTests(RoleTestCase):
    def setUp(self) -> None:
        consent_to_news(self.reg, self.mem_a, self.mem_b, self.coord, self.admin)

    def test_opening_tells_the_members_who_may_answer_but_not_its_author(self) -> None:
        services.datepoll_create(actor=self.coord, data=poll_data())
        self.assertEqual(
            recipients(notifications.POLL_OPENED),
            {self.mem_a.email, self.mem_b.email, self.admin.email},
        )

    def test_choosing_tells_the_respondents_except_who_chose(self) -> None:
        poll = services.datepoll_create(actor=self.coord, data=poll_data())
        answer_all(poll, self.mem_a, Answer.YES, Answer.NO, Answer.NO)
        answer_all(poll, self.coord, Answer.YES, Answer.NO, Answer.NO)
        option = poll.options.order_by("starts_at").first()
        assert option is not None
        services.datepoll_choose(actor=self.coord, poll=poll, option=option)
        self.assertEqual(recipients(notifications.DATE_CHOSEN), {self.mem_a.email})
        self.assertTrue(Message.objects.filter(kind="meetings.scheduled").exists())
        self.assertTrue(Message.objects.filter(kind="meetings.invitation").exists())

    def test_the_reminder_goes_once_to_members_who_have_not_answered(self) -> None:
        now = timezone.now()
        poll = DatePollFactory.create(closes_at=now + timedelta(hours=20))
        answer_all(poll, self.mem_a, Answer.YES, Answer.NO, Answer.NO)
        DatePollFactory.create(closes_at=now + timedelta(days=3))
        notifications.polls_plan(now)
        first = Message.objects.filter(kind=notifications.POLL_REMINDER).count()
        notifications.polls_plan(now + timedelta(minutes=1))
        self.assertEqual(Message.objects.filter(kind=notifications.POLL_REMINDER).count(), first)
        self.assertEqual(
            recipients(notifications.POLL_REMINDER),
            {self.mem_b.email, self.coord.email, self.admin.email},
        )

    def test_the_messages_say_what_and_respect_visibility_at_delivery(self) -> None:
        poll = DatePollFactory.create(title="Reunión de mayo")
        params = {"poll": poll.pk}
        member = RenderContext(user=self.mem_a, channel="email")
        notice = notifications.render_opened(params, member)
        assert notice is not None
        self.assertIn("Reunión de mayo", notice.subject)
        self.assertIn(poll.get_absolute_url(), notice.url)
        self.assertIsNone(notifications.render_opened(params, RenderContext(None, "webhook", True)))
        self.assertIsNone(notifications.render_opened(params, RenderContext(self.reg, "email")))
        # Not scheduled yet: the choice says nothing; cancelled: the opening says nothing.
        self.assertIsNone(notifications.render_chosen(params, member))
        DatePoll.objects.filter(pk=poll.pk).update(status=DatePoll.Status.CANCELLED)
        self.assertIsNone(notifications.render_opened(params, member))
        self.assertIsNone(notifications.render_opened({"poll": 0}, member))

    def test_a_public_poll_is_announced(self) -> None:
        poll = DatePollFactory.create(visibility=Visibility.PUBLIC)
        notice = notifications.render_opened(
            {"poll": poll.pk}, RenderContext(None, "webhook", True)
        )
        assert notice is not None
        self.assertEqual(notice.payload["poll"], str(poll.public_id))


class ExportTests(RoleTestCase):
    def test_a_person_s_export_holds_their_answers_and_polls(self) -> None:
        poll = services.datepoll_create(
            actor=self.coord, data=poll_data(title="Encuesta exportada")
        )
        answer_all(poll, self.mem_a, Answer.YES, Answer.MAYBE, Answer.NO)
        data = person_export_data(person_for_user(user=self.mem_a))
        answers = data["date_poll_answers"]
        self.assertEqual([a["answer"] for a in answers], ["yes", "maybe", "no"])
        self.assertEqual(answers[0]["option__poll__title"], "Encuesta exportada")
        self.assertEqual(data["date_polls_created"], [])
        mine = person_export_data(person_for_user(user=self.coord))["date_polls_created"]
        self.assertEqual([p["title"] for p in mine], ["Encuesta exportada"])


class DemoTests(RoleTestCase):
    def test_the_demo_poll_is_loaded_once_with_a_few_answers(self) -> None:
        from minka.meetings import demo as meetings_demo
        from minka.meetings.tests.factories import MeetingFactory, SeriesFactory
        from minka.participation.polls import demo

        series = SeriesFactory.create(slug=meetings_demo.SERIES_SLUG)
        MeetingFactory.create(series=series, starts_at=future(10), ends_at=future(10, hour=12))
        User.objects.filter(pk=self.mem_a.pk).update(email="miembro@minka.test")
        created = demo.load(coordinator=self.coord, organizations={"RDA": self.org_a})
        poll = DatePoll.objects.get()
        self.assertEqual(poll.options.count(), 3)
        self.assertTrue(poll.is_demo)
        self.assertIs(poll.is_open, True)
        self.assertEqual(DateAnswer.objects.filter(user=self.mem_a).count(), 3)
        self.assertGreater(created, 3)
        first = poll.options.order_by("starts_at").first()
        assert first is not None
        self.assertGreater(first.starts_at, future(10))
        self.assertEqual(demo.load(coordinator=self.coord, organizations={}), 0)
        self.assertFalse(Meeting.objects.filter(series=series).count() > 1)
