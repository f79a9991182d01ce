"""The home page's "next meeting" and "latest published minutes" for every role."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.meetings.minutes.models import Minutes
from minka.meetings.models import Meeting
from minka.meetings.tests.factories import MeetingFactory


def published(meeting: Meeting, visibility: str = Visibility.PUBLIC, days: int = 0) -> Minutes:
    return Minutes.objects.create(
        meeting=meeting,
        status=Minutes.Status.PUBLISHED,
        visibility=visibility,
        published_at=timezone.now() - timedelta(days=days),
    )


def past(days: int, **fields: object) -> Meeting:
    start = timezone.now() - timedelta(days=days)
    return MeetingFactory.create(starts_at=start, ends_at=start + timedelta(hours=2), **fields)


@override_settings(LANGUAGE_CODE="en")
class HomeTests(RoleTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        soon = timezone.now() + timedelta(days=2)
        MeetingFactory.create(
            title="Reunión de miembros pronto",
            visibility=Visibility.MEMBERS,
            starts_at=soon,
            ends_at=soon + timedelta(hours=1),
        )
        MeetingFactory.create(
            title="Cancelada antes",
            status=Meeting.Status.CANCELLED,
            starts_at=soon - timedelta(days=1),
            ends_at=soon - timedelta(days=1) + timedelta(hours=1),
        )
        MeetingFactory.create(title="Reunión pública después")  # two weeks ahead
        published(past(30, title="Acta pública uno"), days=3)
        published(past(60, title="Acta pública dos"), days=2)
        published(past(90, title="Acta pública tres"), days=1)
        published(past(120, title="Acta para miembros"), visibility=Visibility.MEMBERS)
        published(past(150, title="Reunión reservada", visibility=Visibility.MEMBERS))
        Minutes.objects.create(meeting=past(10, title="Acta en borrador"))

    def home(self, persona: str) -> tuple[str | None, list[str]]:
        response = self.as_(persona).get(reverse("site:home"))
        self.assertEqual(response.status_code, 200)
        following = response.context["next_meeting"]
        titles = [m.meeting.title for m in response.context["latest_minutes"]]
        return (following.title if following else None), titles

    def test_visitors_see_public_meetings_and_public_minutes(self) -> None:
        for persona in ("anon", "reg"):
            following, minutes = self.home(persona)
            self.assertEqual(following, "Reunión pública después")
            self.assertEqual(minutes, ["Acta pública tres", "Acta pública dos", "Acta pública uno"])

    def test_members_see_members_meetings_and_the_latest_three_minutes(self) -> None:
        for persona in ("mem_a", "mem_b", "coord", "admin"):
            following, minutes = self.home(persona)
            self.assertEqual(following, "Reunión de miembros pronto")
            self.assertEqual(set(minutes[:2]), {"Acta para miembros", "Reunión reservada"})
            self.assertEqual(len(minutes), 3)
            self.assertNotIn("Acta en borrador", minutes)

    def test_the_page_shows_them(self) -> None:
        response = self.as_("anon").get(reverse("site:home"))
        self.assertContains(response, "Reunión pública después")
        self.assertContains(response, "Acta pública tres")
        self.assertNotContains(response, "Reunión de miembros pronto")

    def test_query_count_is_fixed(self) -> None:
        # The next meeting and the latest minutes (2), and the commitments: the data's
        # fingerprint, goals (cached by viewer level until the data changes), due soon,
        # overdue (4; see minka/agreements/tests for the counts with commitments and goals),
        # and what is open to take part in: consultations, proposals (2; with rows, see
        # minka/core/tests/test_views.py).
        client = self.as_("anon")
        with self.assertNumQueries(8):
            client.get(reverse("site:home"))
        client = self.as_("mem_a")
        client.get(reverse("site:home"))
        with self.assertNumQueries(10):  # goals cached; plus session, user and date polls
            client.get(reverse("site:home"))
