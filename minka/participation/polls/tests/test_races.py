"""Races: one answer per person and date (a database constraint), and one choice per poll
(the poll's row is locked). The threaded tests run on PostgreSQL (two connections, each in
its transaction); the constraint itself is checked on every database."""

from __future__ import annotations

import threading
import unittest
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.test import TestCase, TransactionTestCase

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.core.tests.base import add_totp
from minka.meetings.models import Meeting
from minka.participation.polls import services
from minka.participation.polls.models import Answer, DateAnswer, DatePoll
from minka.participation.polls.tests.factories import DatePollFactory

if TYPE_CHECKING:
    from collections.abc import Callable


class ConstraintTests(TestCase):
    def test_a_second_answer_row_for_the_same_person_and_date_is_refused(self) -> None:
        poll = DatePollFactory.create()
        option = poll.options.all()[0]
        user = UserFactory.create(role=User.Role.MEMBER)
        DateAnswer.objects.create(option=option, user=user, answer=Answer.YES)
        with self.assertRaises(IntegrityError), transaction.atomic():
            DateAnswer.objects.create(option=option, user=user, answer=Answer.NO)


def _at_once(count: int, work: Callable[[], object]) -> list[BaseException]:
    """Run ``work`` in ``count`` threads released together; return what they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            work()
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@unittest.skipUnless(connection.vendor == "postgresql", "threads need a shared database")
class ConcurrentTests(TransactionTestCase):
    def test_identical_answers_at_the_same_moment_count_once(self) -> None:
        poll = DatePollFactory.create()
        user = UserFactory.create(role=User.Role.MEMBER)
        answers = {option.pk: Answer.YES for option in poll.options.all()}

        def answer() -> None:
            services.answers_set(actor=user, poll=DatePoll.objects.get(pk=poll.pk), answers=answers)

        for _ in range(3):
            self.assertEqual(_at_once(4, answer), [])
        self.assertEqual(DateAnswer.objects.filter(user=user).count(), 3)

    def test_two_choices_at_the_same_moment_schedule_one_meeting(self) -> None:
        coordinator = UserFactory.create(role=User.Role.COORDINATOR)
        add_totp(coordinator)
        poll = DatePollFactory.create()
        options = list(poll.options.order_by("starts_at"))
        picks = iter(options[:2])
        lock = threading.Lock()

        def choose() -> None:
            with lock:
                option = next(picks)
            services.datepoll_choose(
                actor=coordinator, poll=DatePoll.objects.get(pk=poll.pk), option=option
            )

        errors = _at_once(2, choose)
        self.assertEqual(len(errors), 1, errors)
        self.assertIsInstance(errors[0], ValidationError)
        self.assertEqual(Meeting.objects.count(), 1)
        poll.refresh_from_db()
        self.assertEqual(poll.status, DatePoll.Status.SCHEDULED)
        self.assertEqual(poll.meeting, Meeting.objects.get())
