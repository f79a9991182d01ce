"""The directory's demo data: organizations across sectors and regions, and people with
mixed consent choices recorded through the services; loading twice creates nothing."""

from __future__ import annotations

from django.test import TestCase

from minka.directory.models import (
    Affiliation,
    ConsentEvent,
    Organization,
    Person,
    Topic,
)
from minka.directory.tests.helpers import IN_MEMORY_STORAGE
from minka.site import demo


@IN_MEMORY_STORAGE
class DirectoryDemoTests(TestCase):
    """``minka load_demo``'s directory part."""

    created: int

    @classmethod
    def setUpTestData(cls) -> None:
        cls.created = demo.load(password="demo-test-password")

    def test_a_second_load_creates_nothing(self) -> None:
        counts = [
            model.objects.count()
            for model in (Organization, Topic, Person, Affiliation, ConsentEvent)
        ]
        self.assertEqual(demo.load(password="demo-test-password"), 0)
        self.assertEqual(
            [
                model.objects.count()
                for model in (Organization, Topic, Person, Affiliation, ConsentEvent)
            ],
            counts,
        )

    def test_topics_and_organizations_span_sectors_regions_and_statuses(self) -> None:
        self.assertEqual(Topic.objects.count(), 7)
        organizations = Organization.objects.filter(is_demo=True)
        self.assertGreaterEqual(organizations.count(), 10)
        self.assertTrue(all("(demo)" in o.name for o in organizations))
        self.assertGreaterEqual(len({o.sector for o in organizations}), 6)
        self.assertGreaterEqual(len({o.region for o in organizations}), 8)
        statuses = [o.membership_status for o in organizations]
        self.assertEqual(statuses.count("applicant"), 1)
        self.assertEqual(statuses.count("former"), 1)
        self.assertFalse(organizations.filter(topics=None).exists())

    def test_people_have_mixed_consent_choices(self) -> None:
        people = Person.objects.filter(is_demo=True)
        self.assertGreaterEqual(people.count(), 15)
        self.assertGreaterEqual(people.filter(public_listing=True).count(), 3)
        self.assertGreaterEqual(
            people.filter(members_listing=True, public_listing=False).count(), 3
        )
        private = people.filter(
            status=Person.Status.ACTIVE, members_listing=False, public_listing=False
        )
        self.assertGreaterEqual(private.count(), 2)
        pending = people.filter(status=Person.Status.PENDING)
        self.assertEqual(pending.count(), 2)
        self.assertTrue(all(p.source == Person.Source.ATTENDANCE for p in pending))
        self.assertFalse(ConsentEvent.objects.filter(person__in=pending).exists())
        self.assertTrue(
            Affiliation.objects.filter(person__is_demo=True, is_focal_point=True).exists()
        )

    def test_consent_is_recorded_as_events_with_evidence_for_paper(self) -> None:
        paper = ConsentEvent.objects.filter(channel=ConsentEvent.Channel.PAPER)
        self.assertTrue(paper.exists())
        self.assertFalse(paper.filter(evidence="").exists())
        with paper.first().evidence.open() as stored:  # type: ignore[union-attr]
            self.assertTrue(stored.read().startswith(b"%PDF"))
        web = ConsentEvent.objects.filter(channel=ConsentEvent.Channel.WEB)
        self.assertTrue(web.exists())
        self.assertTrue(all(e.actor_id == e.person.user_id for e in web))
        for person in Person.objects.filter(is_demo=True, status=Person.Status.ACTIVE):
            with self.subTest(person=person.full_name):
                for event in person.consent_events.all():
                    self.assertIs(person.has_consent(event.purpose), event.granted)
