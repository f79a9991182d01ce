"""The home page's "next meeting" and "latest published minutes" for every role, and the
demo meetings."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from minka.core.testing import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.models import Person
from minka.meetings import demo
from minka.meetings.minutes.importers.formats import read_minutes
from minka.meetings.minutes.importers.spanish import parse_minutes
from minka.meetings.models import AgendaItem, Meeting, Minutes, MinutesRevision
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
        response = self.as_(persona).get(reverse("core:home"))
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
        response = self.as_("anon").get(reverse("core:home"))
        self.assertContains(response, "Reunión pública después")
        self.assertContains(response, "Acta pública tres")
        self.assertNotContains(response, "Reunión de miembros pronto")

    def test_query_count_is_fixed(self) -> None:
        client = self.as_("anon")
        with self.assertNumQueries(2):
            client.get(reverse("core:home"))
        client = self.as_("mem_a")
        client.get(reverse("core:home"))
        with self.assertNumQueries(4):
            client.get(reverse("core:home"))


class DemoTests(RoleTestCase):
    def test_demo_creates_the_series_and_two_meetings_once(self) -> None:
        organizations = {"IGIP": self.org_a, "CCC": self.org_b}
        created = demo.load(coordinator=self.coord, organizations=organizations)
        self.assertGreater(created, 0)
        first, second = Meeting.objects.order_by("number")
        self.assertEqual(first.status, Meeting.Status.HELD)
        self.assertEqual(timezone.localtime(first.starts_at).date().isoformat(), "2026-03-16")
        self.assertEqual(timezone.localtime(second.starts_at).date().isoformat(), "2026-04-16")
        self.assertEqual((second.number, second.previous), (2, first))
        self.assertTrue(first.is_demo and second.is_demo)
        self.assertEqual(first.place, "Lima")
        self.assertEqual(set(first.organizations.all()), {self.org_a, self.org_b})
        self.assertEqual(second.agenda_items.get().kind, AgendaItem.Kind.FOLLOW_UP)
        self.assertEqual(demo.load(coordinator=self.coord, organizations=organizations), 0)
        self.assertEqual(Meeting.objects.count(), 2)
        self.assertEqual(Minutes.objects.count(), 1)

    def test_the_first_meeting_is_imported_from_its_minutes_and_published(self) -> None:
        """Meeting 1 comes from the shipped minutes through the importer: the agenda is
        its presentation, the first revision is an import, the minutes are public; the
        presenter is named in the text only, with no directory record."""
        people = Person.objects.count()
        demo.load(coordinator=self.coord, organizations={})
        first = Meeting.objects.get(number=1)
        parsed = parse_minutes(read_minutes(demo.MINUTES_FILE), year=2026)
        self.assertEqual(first.title, parsed.title)
        [presentation] = parsed.presentations
        [item] = first.agenda_items.all()
        self.assertIn(str(presentation.presenter), item.title)
        self.assertIsNone(item.presenter)
        self.assertEqual(Person.objects.count(), people)
        self.assertFalse(first.attendances.exists())
        minutes = Minutes.objects.get(meeting=first)
        self.assertEqual(minutes.status, Minutes.Status.PUBLISHED)
        self.assertEqual(minutes.visibility, Visibility.PUBLIC)
        kinds = list(minutes.revisions.order_by("number").values_list("kind", flat=True))
        self.assertEqual(kinds, [MinutesRevision.Kind.IMPORT])
        self.assertEqual(minutes.revisions.get().author, self.coord)
        self.assertEqual(self.as_("anon").get(minutes.get_absolute_url()).status_code, 200)
