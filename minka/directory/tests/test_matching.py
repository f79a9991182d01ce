"""Names close to an existing person: folded (case, accents, punctuation, spaces), word
order ignored, small typos tolerated, distinct names kept apart."""

from __future__ import annotations

from django.test import TestCase

from minka.directory.matching import fold_name, name_similarity, person_suggestions
from minka.directory.models import Person
from minka.directory.tests.factories import PersonFactory


class FoldNameTests(TestCase):
    def test_case_accents_punctuation_and_spaces_are_ignored(self) -> None:
        self.assertEqual(fold_name("  José  PÉREZ-Gómez "), "jose perez gomez")
        self.assertEqual(fold_name("Ñuñez, María"), "nunez maria")
        self.assertEqual(fold_name(" - "), "")

    def test_similarity(self) -> None:
        self.assertEqual(name_similarity("jose perez", "José Pérez"), 1.0)
        self.assertGreaterEqual(name_similarity("Pérez José", "José Pérez"), 0.99)
        self.assertGreaterEqual(name_similarity("Jose Peres", "José Pérez"), 0.85)
        self.assertLess(name_similarity("Ana Díaz", "Ada Paz"), 0.85)
        self.assertEqual(name_similarity("", "José Pérez"), 0.0)


class PersonSuggestionsTests(TestCase):
    def test_an_accent_and_case_blind_match_is_found(self) -> None:
        jose = PersonFactory.create(full_name="José Pérez")
        PersonFactory.create(full_name="Rosa Huamán")
        self.assertEqual(person_suggestions("jose perez"), [jose])
        self.assertEqual(person_suggestions("JOSÉ   PÉREZ"), [jose])
        self.assertEqual(person_suggestions("Pérez, José"), [jose])

    def test_a_small_typo_is_found_and_a_different_name_is_not(self) -> None:
        jose = PersonFactory.create(full_name="José Pérez")
        self.assertEqual(person_suggestions("Jose Peres"), [jose])
        self.assertEqual(person_suggestions("Josefina Paredes"), [])
        self.assertEqual(person_suggestions(""), [])

    def test_the_best_match_comes_first_and_the_limit_holds(self) -> None:
        exact = PersonFactory.create(full_name="Juan Pérez")
        close = PersonFactory.create(full_name="Juana Pérez")
        PersonFactory.create(full_name="Juan Peréz")  # the same folded name: a tie
        found = person_suggestions("juan perez", limit=2)
        self.assertEqual(len(found), 2)
        self.assertNotIn(close, found)
        self.assertIn(exact, found)
        self.assertEqual(person_suggestions("juan perez", limit=0), [])

    def test_anonymized_people_are_never_suggested_and_people_narrows(self) -> None:
        PersonFactory.create(full_name="José Pérez", status=Person.Status.ANONYMIZED)
        self.assertEqual(person_suggestions("jose perez"), [])
        pending = PersonFactory.create(full_name="José Pérez", status=Person.Status.PENDING)
        self.assertEqual(person_suggestions("jose perez"), [pending])
        active_only = Person.objects.filter(status=Person.Status.ACTIVE)
        self.assertEqual(person_suggestions("jose perez", people=active_only), [])

    def test_two_queries_whatever_the_directory_size(self) -> None:
        for n in range(50):
            PersonFactory.create(full_name=f"Persona Número {n}")
        PersonFactory.create(full_name="José Pérez")
        with self.assertNumQueries(2):
            person_suggestions("jose perez")
        with self.assertNumQueries(1):
            person_suggestions("Nadie Parecido")
