"""``person_for_user`` when another request created the record meanwhile (two RSVPs of one
person at once; the real race runs in ``minka/site/tests/test_multiprocess.py``)."""

from __future__ import annotations

from unittest import mock

from django.test import TestCase

from minka.accounts.tests.factories import UserFactory
from minka.directory.models import Person
from minka.directory.services import people


class PersonForUserRaceTests(TestCase):
    def test_the_loser_of_the_race_gets_the_winners_record(self) -> None:
        user = UserFactory.create(full_name="Rosa Mamani")
        winner = people.person_for_user(user=user)
        # The loser looked before the winner committed: it saw no record.
        with mock.patch.object(Person.objects, "filter") as looked:
            looked.return_value.first.return_value = None
            loser = people.person_for_user(user=user)
        self.assertEqual(loser.pk, winner.pk)
        self.assertEqual(Person.objects.filter(user=user).count(), 1)
        # The transaction is still usable after the refused insert.
        self.assertEqual(Person.objects.get(user=user).full_name, "Rosa Mamani")
