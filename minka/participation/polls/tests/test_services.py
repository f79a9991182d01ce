"""Services of the date polls: creating (and its refusals), answering, choosing a date (which
schedules exactly one meeting, with its invitations) and cancelling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory import services as directory_services
from minka.directory.models import Person
from minka.directory.tests.factories import AffiliationFactory, PersonFactory
from minka.meetings.models import Invitee, Meeting, Modality
from minka.meetings.tests.factories import SeriesFactory
from minka.participation.polls import selectors, services
from minka.participation.polls.models import Answer, DateAnswer, DateOption, DatePoll
from minka.participation.polls.tests.factories import DatePollFactory, future


def poll_data(**extra: Any) -> services.DatePollData:
    data: services.DatePollData = {
        "title": "Reunión mensual de marzo",
        "description": "Elija las fechas que le convienen.",
        "visibility": Visibility.MEMBERS,
        "modality": Modality.HYBRID,
        "place": "Lima",
        "online_url": "https://reunion.example.org/sala",
        "duration_minutes": 90,
        "options": [future(15), future(14), future(16, hour=16)],
    }
    data.update(extra)  # type: ignore[typeddict-item]
    return data


def answer_all(poll: DatePoll, user: User, *answers: str) -> int:
    options = list(poll.options.order_by("starts_at"))
    return services.answers_set(
        actor=user, poll=poll, answers={o.pk: a for o, a in zip(options, answers, strict=True)}
    )


@override_settings(LANGUAGE_CODE="en")
class CreateTests(RoleTestCase):
    def test_a_coordinator_opens_a_poll_with_its_dates_in_order(self) -> None:
        series = SeriesFactory.create()
        poll = services.datepoll_create(
            actor=self.coord, data=poll_data(series=series, organizations=[self.org_a])
        )
        starts = list(poll.options.values_list("starts_at", flat=True))
        self.assertEqual(starts, [future(14), future(15), future(16, hour=16)])
        self.assertEqual(list(poll.options.values_list("position", flat=True)), [1, 2, 3])
        self.assertEqual(poll.status, DatePoll.Status.OPEN)
        self.assertEqual(poll.series, series)
        self.assertEqual(list(poll.organizations.all()), [self.org_a])
        self.assertIs(poll.is_open, True)

    def test_a_member_may_not_open_a_poll(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.datepoll_create(actor=self.mem_a, data=poll_data())
        self.assertFalse(DatePoll.objects.exists())

    def refused(self, message: str, **extra: Any) -> None:
        with self.assertRaisesMessage(ValidationError, message):
            services.datepoll_create(actor=self.coord, data=poll_data(**extra))
        self.assertFalse(DatePoll.objects.exists())
        self.assertFalse(DateOption.objects.exists())

    def test_fewer_than_two_dates_are_refused(self) -> None:
        self.refused("Propose at least 2 dates.", options=[future(10)])

    def test_more_than_twelve_dates_are_refused(self) -> None:
        self.refused("Propose at most 12 dates.", options=[future(10 + d) for d in range(13)])

    def test_a_date_in_the_past_is_refused(self) -> None:
        past = timezone.now() - timedelta(days=1)
        self.refused("has already passed", options=[past, future(10)])

    def test_the_same_date_twice_is_refused(self) -> None:
        self.refused("is proposed twice", options=[future(10), future(10), future(11)])

    def test_closing_before_now_is_refused(self) -> None:
        self.refused(
            "The closing time must be in the future.",
            closes_at=timezone.now() - timedelta(hours=1),
        )

    def test_closing_after_the_first_date_is_refused(self) -> None:
        self.refused("Answers must close before the first proposed date.", closes_at=future(30))

    def test_a_title_too_long_is_refused(self) -> None:
        with self.assertRaises(ValidationError):
            services.datepoll_create(actor=self.coord, data=poll_data(title="x" * 201))
        self.assertFalse(DatePoll.objects.exists())


@override_settings(LANGUAGE_CODE="en")
class AnswerTests(RoleTestCase):
    def setUp(self) -> None:
        self.poll = DatePollFactory.create()
        self.options = list(self.poll.options.order_by("starts_at"))

    def test_a_member_answers_each_date_and_answering_again_changes_the_answers(self) -> None:
        answer_all(self.poll, self.mem_a, Answer.YES, Answer.MAYBE, Answer.NO)
        answer_all(self.poll, self.mem_a, Answer.NO, Answer.YES, Answer.NO)
        rows = DateAnswer.objects.filter(user=self.mem_a).order_by("option__starts_at")
        self.assertEqual([a.answer for a in rows], [Answer.NO, Answer.YES, Answer.NO])
        self.assertEqual(DateAnswer.objects.count(), 3)

    def test_a_registered_user_may_answer_a_public_poll_but_not_a_members_one(self) -> None:
        public = DatePollFactory.create(visibility=Visibility.PUBLIC)
        answer_all(public, self.reg, Answer.YES, Answer.YES, Answer.YES)
        self.assertEqual(DateAnswer.objects.filter(user=self.reg).count(), 3)
        with self.assertRaises(PermissionDenied):
            answer_all(self.poll, self.reg, Answer.YES, Answer.YES, Answer.YES)

    def test_answers_to_a_closed_or_cancelled_poll_are_refused(self) -> None:
        DatePoll.objects.filter(pk=self.poll.pk).update(
            closes_at=timezone.now() - timedelta(minutes=1)
        )
        self.poll.refresh_from_db()
        with self.assertRaisesMessage(ValidationError, "This poll is closed"):
            answer_all(self.poll, self.mem_a, Answer.YES, Answer.YES, Answer.YES)
        cancelled = DatePollFactory.create(status=DatePoll.Status.CANCELLED)
        with self.assertRaisesMessage(ValidationError, "This poll is closed"):
            answer_all(cancelled, self.mem_a, Answer.YES, Answer.YES, Answer.YES)
        self.assertFalse(DateAnswer.objects.exists())

    def test_an_unknown_answer_or_another_poll_s_date_is_refused(self) -> None:
        other = DatePollFactory.create().options.first()
        assert other is not None
        for answers in ({self.options[0].pk: "perhaps"}, {other.pk: Answer.YES}, {}):
            with self.assertRaises(ValidationError):
                services.answers_set(actor=self.mem_a, poll=self.poll, answers=answers)
        self.assertFalse(DateAnswer.objects.exists())

    def test_the_best_date_has_most_yes_then_most_if_need_be(self) -> None:
        answer_all(self.poll, self.mem_a, Answer.YES, Answer.YES, Answer.NO)
        answer_all(self.poll, self.mem_b, Answer.MAYBE, Answer.YES, Answer.YES)
        answer_all(self.poll, self.coord, Answer.NO, Answer.MAYBE, Answer.YES)
        results = selectors.poll_results(self.poll, user=self.mem_a)
        counts = [(r.yes, r.maybe, r.no) for r in results.options]
        self.assertEqual(counts, [(1, 1, 1), (2, 1, 0), (2, 0, 1)])
        self.assertEqual(results.best and results.best.option, self.options[1])
        self.assertEqual(results.respondent_count, 3)
        self.assertEqual(
            results.own,
            {
                self.options[0].pk: Answer.YES,
                self.options[1].pk: Answer.YES,
                self.options[2].pk: Answer.NO,
            },
        )

    def test_a_tie_goes_to_the_earliest_date_and_no_answers_means_no_best(self) -> None:
        self.assertIsNone(selectors.poll_results(self.poll, user=self.mem_a).best)
        answer_all(self.poll, self.mem_a, Answer.NO, Answer.YES, Answer.YES)
        best = selectors.poll_results(self.poll, user=self.mem_a).best
        self.assertEqual(best and best.option, self.options[1])


@override_settings(LANGUAGE_CODE="en")
class ChooseTests(RoleTestCase):
    def setUp(self) -> None:
        self.series = SeriesFactory.create()
        self.poll = services.datepoll_create(
            actor=self.coord,
            data=poll_data(series=self.series, organizations=[self.org_b]),
        )
        self.options = list(self.poll.options.order_by("starts_at"))
        # Organization B has one person in the directory, with an email.
        self.b_person = PersonFactory.create(full_name="Persona de B", email="b@example.org")
        AffiliationFactory.create(person=self.b_person, organization=self.org_b)
        self.third = UserFactory.create(role=User.Role.MEMBER, full_name="Tercera Persona")
        answer_all(self.poll, self.mem_a, Answer.YES, Answer.NO, Answer.NO)
        answer_all(self.poll, self.third, Answer.MAYBE, Answer.YES, Answer.NO)
        answer_all(self.poll, self.coord, Answer.NO, Answer.YES, Answer.YES)

    def test_choosing_schedules_exactly_one_meeting_with_its_invitees(self) -> None:
        meeting = services.datepoll_choose(actor=self.coord, poll=self.poll, option=self.options[0])
        self.assertEqual(Meeting.objects.count(), 1)
        self.assertEqual(meeting.starts_at, self.options[0].starts_at)
        self.assertEqual(meeting.ends_at - meeting.starts_at, timedelta(minutes=90))
        self.assertEqual(meeting.series, self.series)
        self.assertEqual(meeting.title, self.poll.title)
        self.assertEqual(meeting.visibility, Visibility.MEMBERS)
        self.assertEqual(meeting.modality, Modality.HYBRID)
        self.assertEqual(meeting.online_url, "https://reunion.example.org/sala")
        self.assertEqual(list(meeting.organizations.all()), [self.org_b])
        invited = set(
            Invitee.objects.filter(meeting=meeting).values_list("person__email", flat=True)
        )
        # Yes and if need be to that date, plus organization B's people; not the "no".
        self.assertEqual(invited, {self.mem_a.email, self.third.email, "b@example.org"})
        self.poll.refresh_from_db()
        self.assertEqual(self.poll.status, DatePoll.Status.SCHEDULED)
        self.assertEqual(self.poll.chosen, self.options[0])
        self.assertEqual(self.poll.meeting, meeting)
        self.assertIs(self.poll.is_open, False)

    def test_choosing_twice_is_refused_and_schedules_nothing_more(self) -> None:
        services.datepoll_choose(actor=self.coord, poll=self.poll, option=self.options[0])
        with self.assertRaisesMessage(ValidationError, "A date was already chosen"):
            services.datepoll_choose(actor=self.coord, poll=self.poll, option=self.options[1])
        self.assertEqual(Meeting.objects.count(), 1)
        self.poll.refresh_from_db()
        self.assertEqual(self.poll.chosen, self.options[0])

    def test_a_cancelled_poll_cannot_be_chosen(self) -> None:
        services.datepoll_cancel(actor=self.coord, poll=self.poll)
        with self.assertRaisesMessage(ValidationError, "This poll was cancelled"):
            services.datepoll_choose(actor=self.coord, poll=self.poll, option=self.options[0])
        self.assertFalse(Meeting.objects.exists())

    def test_another_poll_s_date_or_a_past_date_is_refused(self) -> None:
        other = DatePollFactory.create().options.first()
        assert other is not None
        with self.assertRaisesMessage(ValidationError, "Choose one of this poll's dates."):
            services.datepoll_choose(actor=self.coord, poll=self.poll, option=other)
        DateOption.objects.filter(pk=self.options[0].pk).update(
            starts_at=timezone.now() - timedelta(hours=1)
        )
        self.options[0].refresh_from_db()
        with self.assertRaisesMessage(ValidationError, "This date has already passed"):
            services.datepoll_choose(actor=self.coord, poll=self.poll, option=self.options[0])
        self.assertFalse(Meeting.objects.exists())
        self.poll.refresh_from_db()
        self.assertEqual(self.poll.status, DatePoll.Status.OPEN)

    def test_members_may_not_choose_or_cancel(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.datepoll_choose(actor=self.mem_a, poll=self.poll, option=self.options[0])
        with self.assertRaises(PermissionDenied):
            services.datepoll_cancel(actor=self.mem_a, poll=self.poll)
        self.poll.refresh_from_db()
        self.assertEqual(self.poll.status, DatePoll.Status.OPEN)

    def test_cancelling_twice_or_after_choosing_is_refused(self) -> None:
        services.datepoll_cancel(actor=self.coord, poll=self.poll)
        with self.assertRaisesMessage(ValidationError, "already cancelled"):
            services.datepoll_cancel(actor=self.coord, poll=self.poll)
        poll = DatePollFactory.create()
        option = poll.options.first()
        assert option is not None
        services.datepoll_choose(actor=self.coord, poll=poll, option=option)
        with self.assertRaisesMessage(ValidationError, "cancel the meeting instead"):
            services.datepoll_cancel(actor=self.coord, poll=poll)

    def test_a_respondent_without_a_directory_record_gets_one_and_is_invited(self) -> None:
        self.assertFalse(Person.objects.filter(user=self.third).exists())
        meeting = services.datepoll_choose(actor=self.coord, poll=self.poll, option=self.options[1])
        self.assertTrue(Invitee.objects.filter(meeting=meeting, person__user=self.third).exists())


class ErasureTests(RoleTestCase):
    def test_erasing_a_person_deletes_their_answers(self) -> None:
        poll = DatePollFactory.create()
        answer_all(poll, self.mem_a, Answer.YES, Answer.YES, Answer.NO)
        answer_all(poll, self.mem_b, Answer.YES, Answer.YES, Answer.NO)
        person = directory_services.person_for_user(user=self.mem_a)
        directory_services.person_anonymize(actor=self.admin, person=person)
        self.assertFalse(DateAnswer.objects.filter(user=self.mem_a).exists())
        self.assertEqual(DateAnswer.objects.filter(user=self.mem_b).count(), 3)


class OpenForTests(RoleTestCase):
    def test_the_home_selector_lists_open_polls_one_may_answer_with_whether_answered(self) -> None:
        members = DatePollFactory.create(closes_at=future(5))
        public = DatePollFactory.create(visibility=Visibility.PUBLIC)
        DatePollFactory.create(status=DatePoll.Status.CANCELLED)
        answer_all(members, self.mem_a, Answer.YES, Answer.YES, Answer.YES)
        with self.assertNumQueries(1):
            listed = selectors.polls_open_for(self.mem_a)
        self.assertEqual(listed, [(members, True), (public, False)])
        self.assertEqual(selectors.polls_open_for(self.reg), [(public, False)])
        self.assertEqual(selectors.polls_open_for(self.mem_a, limit=1), [(members, True)])
