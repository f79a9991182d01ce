"""``directory:person-choices``: the people search of a form's people picker
(:class:`~minka.core.widgets.SearchPicker`). Each role finds exactly the people the directory
shows it, as unticked checkboxes named as the form asked."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from minka.directory.models import Person
from minka.directory.selectors import PERSON_CHOICES_LIMIT
from minka.directory.tests.factories import AffiliationFactory, PersonFactory
from minka.directory.tests.helpers import (
    ANONYMIZED_NAME,
    MEMBERS_NAME,
    OWN_NAME,
    PENDING_NAME,
    PUBLIC_NAME,
    UNLISTED_NAME,
    DirectoryTestCase,
)

URL = reverse("directory:person-choices")
EVERY_NAME = (PUBLIC_NAME, MEMBERS_NAME, UNLISTED_NAME, PENDING_NAME, ANONYMIZED_NAME, OWN_NAME)
# Whom each signed-in role finds (people_visible_to): members see the members' listing and
# themselves, coordinators every person but the anonymized.
FOUND = {
    "reg": {PUBLIC_NAME},
    "mem_a": {PUBLIC_NAME, MEMBERS_NAME},
    "mem_b": {PUBLIC_NAME, MEMBERS_NAME, OWN_NAME},
    "coord": {PUBLIC_NAME, MEMBERS_NAME, UNLISTED_NAME, PENDING_NAME, OWN_NAME},
    "admin": {PUBLIC_NAME, MEMBERS_NAME, UNLISTED_NAME, PENDING_NAME, OWN_NAME},
}


def query(q: str, name: str = "people", prefix: str = "id_people") -> str:
    return f"{URL}?{urlencode({'q': q, 'field': name, 'id': prefix})}"


class PersonChoicesTests(DirectoryTestCase):
    def test_each_role_finds_only_the_people_it_may_see(self) -> None:
        for persona, expected in FOUND.items():
            client = self.as_(persona)
            for name in EVERY_NAME:
                with self.subTest(persona=persona, name=name):
                    response = client.get(query(name))
                    self.assertEqual(response.status_code, 200)
                    found = name in response.content.decode()
                    self.assertEqual(found, name in expected)

    def test_visitors_are_sent_to_sign_in_and_learn_nothing(self) -> None:
        response = self.as_("anon").get(query(PUBLIC_NAME))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("account_login"), response["Location"])
        self.assertNotIn(PUBLIC_NAME, response.content.decode())

    def test_options_are_unticked_checkboxes_named_as_asked_with_the_organization(self) -> None:
        response = self.as_("mem_a").get(query("miembros dos", name="authors", prefix="id_x"))
        person = Person.objects.get(full_name=MEMBERS_NAME)
        html = response.content.decode()
        self.assertInHTML(
            f'<input type="checkbox" name="authors" value="{person.pk}" id="id_x_p{person.pk}">',
            html,
        )
        self.assertNotIn("checked", html)
        # The first current organization the viewer may see tells namesakes apart.
        self.assertIn(f"{MEMBERS_NAME} ({self.org_a.acronym or self.org_a.name})", html)

    def test_case_accents_and_word_order_do_not_matter(self) -> None:
        for typed in ("PUBLICA", "uno pública", "  Públ  "):
            with self.subTest(typed=typed):
                self.assertContains(self.as_("mem_a").get(query(typed)), PUBLIC_NAME)

    def test_fewer_than_two_letters_find_nobody(self) -> None:
        for typed in ("", " ", "p"):
            with self.subTest(typed=typed):
                response = self.as_("coord").get(query(typed))
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "picker-option")

    def test_at_most_twenty_people_in_a_fixed_number_of_queries(self) -> None:
        for n in range(PERSON_CHOICES_LIMIT + 5):
            person = PersonFactory.create(full_name=f"Quispe Mamani {n:02}", public_listing=True)
            AffiliationFactory.create(person=person, organization=self.org_a)
        client = self.as_("mem_a")
        client.get(query("quispe"))  # the session and the account, once
        with self.assertNumQueries(4):
            response = client.get(query("quispe"))
        self.assertEqual(response.content.decode().count("picker-option"), PERSON_CHOICES_LIMIT)

    def test_names_are_escaped(self) -> None:
        PersonFactory.create(full_name='<img src=x onerror="alert(1)"> Hostil', public_listing=True)
        response = self.as_("mem_a").get(query("hostil"))
        self.assertContains(response, "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; Hostil")
        self.assertNotContains(response, "<img")

    def test_bad_input_is_a_clear_400(self) -> None:
        bad = [
            {"q": PUBLIC_NAME},
            {"q": PUBLIC_NAME, "field": "people"},
            {"q": PUBLIC_NAME, "field": '"><script>', "id": "id_people"},
            {"q": PUBLIC_NAME, "field": "people", "id": "id people"},
            {"q": "x" * 101, "field": "people", "id": "id_people"},
        ]
        for params in bad:
            with self.subTest(params=params):
                response = self.as_("mem_a").get(f"{URL}?{urlencode(params)}")
                self.assertEqual(response.status_code, 400)
                self.assertNotContains(response, PUBLIC_NAME, status_code=400)
                self.assertNotContains(response, "<script>", status_code=400)

    def test_only_get(self) -> None:
        response = self.as_("mem_a").post(query(PUBLIC_NAME))
        self.assertEqual(response.status_code, 405)
