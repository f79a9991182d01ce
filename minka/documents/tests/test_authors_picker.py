"""The repository form's "Authors" (a :class:`~minka.core.widgets.SearchPicker`): the page
lists only the people already chosen, whatever the size of the directory; people are added by
ticking search results (picker.js, ``directory:person-choices``) or, without JavaScript, by
typing their names, which must each name exactly one person the uploader may see."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse

from minka.core.visibility import Visibility
from minka.directory.tests.factories import AffiliationFactory, PersonFactory
from minka.documents.models import Document
from minka.documents.tests.factories import DocumentFactory, add_version
from minka.documents.tests.views_base import RepositoryTestCase, upload

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from minka.directory.models import Person


@override_settings(LANGUAGE_CODE="en")
class AuthorsPickerTests(RepositoryTestCase):
    listed: Person
    unlisted: Person
    namesakes: list[Person]
    crowd: list[Person]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.listed = PersonFactory.create(full_name="José Pérez Quispe", members_listing=True)
        cls.unlisted = PersonFactory.create(full_name="Rosa Callo Oculta")  # coordinators only
        cls.namesakes = [
            PersonFactory.create(full_name="Ana Díaz", members_listing=True) for _ in range(2)
        ]
        cls.crowd = [
            PersonFactory.create(full_name=f"Integrante Lista {n:03}", members_listing=True)
            for n in range(60)
        ]

    def setUp(self) -> None:
        super().setUp()
        self.addCleanup(shutil.rmtree, Path(default_storage.path("documents")), True)

    def test_the_form_lists_no_one_in_a_fixed_number_of_queries(self) -> None:
        client = self.as_("mem_a")
        client.get(reverse("documents:upload"))
        with self.assertNumQueries(4) as first:
            page = client.get(reverse("documents:upload"))
        PersonFactory.create_batch(40, members_listing=True)
        with self.assertNumQueries(len(first.captured_queries)):
            client.get(reverse("documents:upload"))
        html = page.content.decode()
        self.assertNotIn("Integrante Lista", html)
        self.assertNotIn(self.listed.full_name, html)
        self.assertIn(reverse("directory:person-choices"), html)
        self.assertIn('name="people_names"', html)  # the way in without JavaScript
        self.assertIn("add the organization in brackets", html)  # how namesakes are told apart

    def test_a_typed_name_adds_that_person_ignoring_case_and_accents(self) -> None:
        response = self.post_upload(
            "mem_a",
            [upload("a.txt", b"uno")],
            people=[str(self.crowd[0].pk)],
            people_names="jose perez QUISPE\n\n  ",
        )
        document = Document.objects.get()
        self.assertRedirects(response, document.get_absolute_url())
        self.assertEqual(set(document.people.all()), {self.listed, self.crowd[0]})

    def test_unknown_ambiguous_and_hidden_names_are_errors_and_store_nothing(self) -> None:
        response = self.post_upload(
            "mem_a",
            [upload("a.txt", b"uno")],
            people_names="Nadie Conocido\nAna Díaz\nRosa Callo Oculta\nJosé Pérez Quispe",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Document.objects.count(), 0)
        self.assertContains(response, "No one named “Nadie Conocido” was found", status_code=400)
        self.assertContains(response, "Several people are named “Ana Díaz”", status_code=400)
        self.assertContains(response, "“Ana Díaz (ORGANIZATION)”", status_code=400)
        # A person the member may not see is "not found", like anyone unknown.
        self.assertContains(response, "No one named “Rosa Callo Oculta”", status_code=400)
        # What was typed comes back to be corrected.
        self.assertContains(response, "Nadie Conocido\nAna Díaz", status_code=400)

    def test_namesakes_are_told_apart_by_their_organization_in_brackets(self) -> None:
        first, second = self.namesakes
        AffiliationFactory.create(person=first, organization=self.org_a)
        AffiliationFactory.create(person=second, organization=self.org_b)
        self.post_upload(
            "mem_a", [upload("a.txt", b"uno")], people_names=f"ana diaz ({self.org_b.name.upper()})"
        )
        self.assertEqual(list(Document.objects.get().people.all()), [second])

    def test_an_ended_affiliation_does_not_tell_namesakes_apart(self) -> None:
        first, second = self.namesakes
        AffiliationFactory.create(person=first, organization=self.org_a)
        AffiliationFactory.create(
            person=second, organization=self.org_b, end_date=datetime.date(2020, 1, 1)
        )
        response = self.post_upload(
            "mem_a", [upload("a.txt", b"uno")], people_names=f"Ana Díaz ({self.org_b.name})"
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "No one named", status_code=400)
        self.assertEqual(Document.objects.count(), 0)

    def test_a_coordinator_may_name_people_members_do_not_see(self) -> None:
        self.post_upload("coord", [upload("a.txt", b"uno")], people_names="rosa callo oculta")
        self.assertEqual(list(Document.objects.get().people.all()), [self.unlisted])

    def test_ticked_ids_outside_what_the_uploader_sees_are_refused(self) -> None:
        for value in (str(self.unlisted.pk), "no-es-un-id", "999999"):
            with self.subTest(value=value):
                response = self.post_upload("mem_a", [upload("a.txt", b"uno")], people=[value])
                self.assertEqual(response.status_code, 400)
                self.assertEqual(Document.objects.count(), 0)
                self.assertNotContains(response, self.unlisted.full_name, status_code=400)

    def edit(self, persona: str, document: Document, **data: Any) -> Response:
        payload = {
            "title": document.title,
            "kind": "report",
            "language": "es",
            "license": "cc-by-4.0",
            "visibility": "members",
            **data,
        }
        url = reverse("documents:document-edit", args=[document.public_id])
        response: Response = self.as_(persona).post(url, payload)
        return response

    def test_the_edit_form_shows_the_authors_ticked_and_unticking_removes_one(self) -> None:
        document = DocumentFactory.create(visibility=Visibility.MEMBERS, uploaded_by=self.mem_a)
        add_version(document, content=b"texto", uploaded_by=self.mem_a)
        document.people.add(self.listed, self.crowd[5])
        page = self.as_("mem_a").get(reverse("documents:document-edit", args=[document.public_id]))
        for person in (self.listed, self.crowd[5]):
            self.assertContains(page, f'value="{person.pk}"')
            self.assertContains(page, person.full_name)
        self.assertNotContains(page, self.crowd[6].full_name)
        self.assertEqual(page.content.decode().count('type="checkbox" name="people"'), 2)
        self.assertRedirects(
            self.edit("mem_a", document, people=[str(self.listed.pk)]),
            document.get_absolute_url(),
        )
        self.assertEqual(list(document.people.all()), [self.listed])
        # Bad input keeps the authors as they were.
        response = self.edit("mem_a", document, people_names="Nadie Conocido")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(document.people.all()), [self.listed])
