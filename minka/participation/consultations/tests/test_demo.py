"""The demo consultations load through the services, once."""

from __future__ import annotations

from minka.core.tests.base import RoleTestCase, use_temporary_media
from minka.directory.models import Topic
from minka.documents.tests.factories import DocumentFactory
from minka.participation.consultations import demo
from minka.participation.consultations.models import Consultation, ConsultationComment


class DemoTests(RoleTestCase):
    def test_the_demo_has_an_open_and_a_closed_consultation_and_loads_once(self) -> None:
        use_temporary_media(self)
        topics = {"gobierno-digital": Topic.objects.create(slug="gobierno-digital", name="GD")}
        DocumentFactory.create(title=demo.ROADMAP_TITLE, is_demo=True)
        participants = [self.mem_a, self.reg]
        created = demo.load(coordinator=self.coord, participants=participants, topics=topics)
        self.assertEqual(created, 7)
        consultation = Consultation.objects.get(document__title=demo.PROPOSAL_TITLE)
        self.assertTrue(consultation.is_open)
        self.assertEqual(consultation.sections.count(), 3)
        self.assertEqual(consultation.comments.count(), 3)
        past = Consultation.objects.get(document__title=demo.ROADMAP_TITLE)
        self.assertTrue(past.is_closed)
        self.assertIsNotNone(past.response_published_at)
        self.assertEqual(ConsultationComment.objects.count(), 5)
        self.assertEqual(
            demo.load(coordinator=self.coord, participants=participants, topics=topics), 0
        )
