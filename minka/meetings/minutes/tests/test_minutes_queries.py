"""The minutes page answers with a fixed number of queries, whatever the size of the minutes:
30 presentations, 20 agreements, 20 linked documents, 100 attendees and 50 observations
cost the same as a small meeting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minka.core.tests.base import RoleTestCase
from minka.directory.tests.factories import PersonFactory
from minka.documents.tests.factories import DocumentFactory
from minka.meetings.minutes import services
from minka.meetings.minutes.content import Agreement, MinutesContent, Presentation
from minka.meetings.minutes.models import Observation
from minka.meetings.minutes.tests.factories import minutes_in, sample_content
from minka.meetings.models import Attendance
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory

if TYPE_CHECKING:
    from minka.meetings.minutes.models import Minutes

# Signed in: the session and the user (2), the coordinators' second-factor check (1), the
# minutes with meeting, series, revision and approver (1), the linked documents (1), the
# errata (1), the observations with their authors (1), and the session's activity update
# (3: savepoint, update, release). Members need no attendance query: membership decides.
# What the agreements app adds (minka.meetings.hooks): in review, the commitments born from
# the minutes and their agreements' links (2), and for coordinators what approval will make
# of each agreement (the directory, read once: 2); once approved, the commitments with their
# owners (3) and the links (1), however many agreements there are.
PINNED = {"coord": 15, "mem_a": 12}  # +1: the attendance list (members)
PINNED_PUBLIC = {"anon": 7, "mem_a": 14}


def big_content(documents: list[str]) -> MinutesContent:
    return MinutesContent(
        summary="Resumen **largo**",
        presentations=[
            Presentation(
                title=f"Presentación {n}",
                presenter=f"Persona {n}",
                organization="OA",
                points=f"- punto {n}",
                documents=documents[n % 20 : n % 20 + 1],
            )
            for n in range(30)
        ],
        agreements=[Agreement(text=f"Acuerdo {n}", responsible="OA") for n in range(20)],
    )


class MinutesPageQueryTests(RoleTestCase):
    small: Minutes
    big: Minutes

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        small_content = sample_content()
        small_content.presentations[0].documents = [str(DocumentFactory.create().public_id)]
        cls.small = minutes_in("review", actor=cls.coord, content=small_content)
        meeting = MeetingFactory.create()
        ids = []
        for n in range(20):
            document = DocumentFactory.create(title=f"Documento {n}")
            AgendaItemFactory.create(meeting=meeting).documents.add(document)
            ids.append(str(document.public_id))
        for _n in range(100):
            Attendance.objects.create(
                meeting=meeting, person=PersonFactory.create(), source="recorded"
            )
        cls.big = minutes_in("review", actor=cls.coord, meeting=meeting, content=big_content(ids))
        Observation.objects.bulk_create(
            Observation(
                minutes=cls.big,
                section="agreements",
                text=f"Observación {n}",
                author=cls.mem_b,
                revision_number=2,
            )
            for n in range(50)
        )

    def count(self, persona: str, minutes: Minutes) -> int:
        client = self.as_(persona)
        url = reverse("meetings:minutes-detail", args=[minutes.meeting.public_id])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_the_page_costs_the_same_for_big_and_small_minutes(self) -> None:
        for persona, pinned in PINNED.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.count(persona, self.small), pinned)
                client = self.as_(persona)
                url = reverse("meetings:minutes-detail", args=[self.big.meeting.public_id])
                with self.assertNumQueries(pinned):
                    response = client.get(url)
                self.assertContains(response, "Observación 49")
                self.assertContains(response, "Documento 19")
                self.assertContains(response, "Acuerdo 19")

    def test_published_minutes_cost_the_same_too(self) -> None:
        for minutes in (self.small, self.big):
            services.minutes_approve(actor=self.coord, minutes=minutes)
            services.minutes_publish(actor=self.coord, minutes=minutes, visibility="public")
        for persona, pinned in PINNED_PUBLIC.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.count(persona, self.small), pinned)
                self.assertEqual(self.count(persona, self.big), pinned)
