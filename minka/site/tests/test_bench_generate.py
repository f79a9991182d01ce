"""``bench/generate.py`` at scale 0.01: the counts it promises, and the pages the load test
visits render on what it made, for a visitor and for one of its member accounts."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.test import TestCase, override_settings

from bench.generate import COORDINATOR_EMAIL, MEMBER_EMAIL, MEMBER_PASSWORD, generate
from minka.accounts.models import User
from minka.agreements.models import Commitment
from minka.directory.models import Person
from minka.documents.models import Document, Version
from minka.meetings.minutes.models import Minutes
from minka.meetings.models import Meeting

# About 10 s of services on a quiet 2-core machine (more when it is busy).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


@override_settings(LANGUAGE_CODE="es")
class GenerateTests(TestCase):
    result: ClassVar[dict[str, Any]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.result = generate(scale=0.01, seed=7, batch=50)

    def test_counts_at_the_scale(self) -> None:
        counts = self.result["counts"]
        self.assertEqual(counts["organizations"], 5)
        self.assertEqual(counts["people"], 50 + 20)  # plus the members' own records
        self.assertEqual(counts["member_accounts"], 20)
        self.assertEqual(counts["minutes_published"], 6)
        self.assertEqual(counts["meetings"], 6 + 2)  # plus the upcoming ones
        self.assertEqual(counts["documents"], 200)
        self.assertEqual(counts["pages"], 1000)
        self.assertEqual(counts["commitments"], 50)
        self.assertGreater(counts["commitments_from_minutes"], 0)
        self.assertEqual(Version.objects.exclude(status=Version.Status.DONE).count(), 0)

    def test_members_only_content_and_consent(self) -> None:
        for model in (Meeting, Document, Commitment):
            with self.subTest(model=model.__name__):
                self.assertTrue(model.objects.filter(visibility="members").exists())
                self.assertTrue(model.objects.filter(visibility="public").exists())
        self.assertTrue(Person.objects.filter(status=Person.Status.PENDING).exists())
        listed = Person.objects.filter(status=Person.Status.ACTIVE)
        self.assertTrue(listed.filter(consent_events__purpose="public_listing").exists())

    def test_search_index_is_filled(self) -> None:
        self.assertGreater(self.result["counts"]["search_entries"], 200 + 6 + 50)
        response = self.client.get("/buscar/", {"q": "internet"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "/repositorio/")

    def test_the_accounts_are_a_coordinator_and_members_with_the_known_password(self) -> None:
        self.assertEqual(User.objects.get(email=COORDINATOR_EMAIL).role, User.Role.COORDINATOR)
        member = User.objects.get(email=MEMBER_EMAIL.format(1))
        self.assertEqual(member.role, User.Role.MEMBER)
        self.assertTrue(member.check_password(MEMBER_PASSWORD))

    def _pages(self) -> list[str]:
        meeting = Meeting.objects.filter(visibility="public", status="held").first()
        minutes = Minutes.objects.filter(visibility="public", meeting__visibility="public").first()
        document = Document.objects.filter(visibility="public").first()
        assert meeting and minutes and document
        return [
            "/",
            "/reuniones/",
            meeting.get_absolute_url(),
            minutes.meeting.get_absolute_url() + "acta/",
            "/directorio/",
            "/directorio/personas/",
            "/buscar/?q=conectividad",
            "/repositorio/",
            document.get_absolute_url(),
            "/acuerdos/",
        ]

    def test_the_load_tests_pages_render_for_a_visitor(self) -> None:
        for path in self._pages():
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 200)

    def test_the_load_tests_pages_render_for_a_member(self) -> None:
        self.client.force_login(User.objects.get(email=MEMBER_EMAIL.format(1)))
        private = Document.objects.filter(visibility="members").first()
        assert private is not None
        for path in [*self._pages(), private.get_absolute_url(), "/repositorio/subir/"]:
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 200)
        upcoming = Meeting.objects.filter(status="planned").first()
        assert upcoming is not None
        response = self.client.post(upcoming.get_absolute_url() + "respuesta/", {"answer": "yes"})
        self.assertEqual(response.status_code, 302)
