"""The meetings pages for every role: list, meeting page, scheduling, editing, cancelling,
marking held, the next meeting and the agenda; what each role may do, what is refused."""

from __future__ import annotations

import datetime
import shutil
import tempfile
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from unittest import mock

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.tests.factories import PersonFactory
from minka.documents.models import Document
from minka.documents.tests.factories import DocumentFactory, add_version
from minka.meetings.models import AgendaItem, Meeting, Series
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory

if TYPE_CHECKING:
    from minka.directory.models import Person

# This area's queries (7) plus those of the other areas' panels at the time of writing.
DETAIL_QUERIES = 11


def lima(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))  # noqa: DTZ001


def past(days: int, **fields: Any) -> Meeting:
    start = timezone.now() - timedelta(days=days)
    return MeetingFactory.create(starts_at=start, ends_at=start + timedelta(hours=2), **fields)


@override_settings(LANGUAGE_CODE="en")
class MeetingListTests(RoleTestCase):
    series: Series

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.series = SeriesFactory.create(slug="red", title="Red")
        MeetingFactory.create(series=cls.series, title="Próxima pública")
        MeetingFactory.create(title="Próxima de miembros", visibility=Visibility.MEMBERS)
        MeetingFactory.create(title="Próxima de coordinación", visibility=Visibility.COORDINATORS)
        start = lima(2025, 3, 16, 10, 0)
        MeetingFactory.create(
            series=cls.series,
            title="Pasada 2025",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            status=Meeting.Status.HELD,
        )

    def titles(self, persona: str, **params: str) -> tuple[list[str], list[str]]:
        response = self.as_(persona).get(reverse("meetings:meeting-list"), params)
        self.assertEqual(response.status_code, 200)
        upcoming = [m.title for m in response.context["upcoming"]]
        past_titles = [m.title for m in response.context["page"].object_list]
        return upcoming, past_titles

    def test_each_role_sees_what_its_visibility_allows(self) -> None:
        for persona in ("anon", "reg"):
            self.assertEqual(self.titles(persona), (["Próxima pública"], ["Pasada 2025"]))
        for persona in ("mem_a", "mem_b"):
            self.assertEqual(len(self.titles(persona)[0]), 2)
        for persona in ("coord", "admin"):
            self.assertEqual(len(self.titles(persona)[0]), 3)

    def test_filters_by_series_and_year_and_ignores_bad_values(self) -> None:
        self.assertEqual(self.titles("coord", series="red"), (["Próxima pública"], ["Pasada 2025"]))
        self.assertEqual(self.titles("coord", year="2025"), ([], ["Pasada 2025"]))
        self.assertEqual(len(self.titles("coord", year="abc", series="<x>")[0]), 3)
        self.assertEqual(len(self.titles("coord", owner__email="a", ordering="-pk")[0]), 3)

    def test_htmx_gets_the_fragment_and_vary(self) -> None:
        response = self.as_("anon").get(reverse("meetings:meeting-list"), HTTP_HX_REQUEST="true")
        self.assertTemplateUsed(response, "meetings/partials/meeting_list_results.html")
        self.assertTemplateNotUsed(response, "meetings/meeting_list.html")
        self.assertIn("HX-Request", response["Vary"])

    def test_only_coordinators_see_the_schedule_link(self) -> None:
        url = reverse("meetings:meeting-create")
        self.assertNotContains(self.as_("mem_a").get(reverse("meetings:meeting-list")), url)
        self.assertContains(self.as_("coord").get(reverse("meetings:meeting-list")), url)

    def test_query_count_is_fixed(self) -> None:
        """Session and user, years, series, upcoming and past (count, page)."""
        for n in range(25):
            past(40 + n, series=self.series).organizations.add(self.org_a)
        client = self.as_("mem_a")
        client.get(reverse("meetings:meeting-list"))
        with self.assertNumQueries(7):
            client.get(reverse("meetings:meeting-list"))
        client = self.as_("anon")
        with self.assertNumQueries(5):
            client.get(reverse("meetings:meeting-list"))


@override_settings(LANGUAGE_CODE="en")
class MeetingDetailTests(RoleTestCase):
    meeting: Meeting
    public_doc: Document
    members_doc: Document
    hidden_person: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.meeting = MeetingFactory.create(
            title="Reunión virtual", modality="virtual", online_url="https://meet.example.org/r"
        )
        cls.meeting.organizations.add(cls.org_a)
        cls.public_doc = DocumentFactory.create(title="Doc público")
        cls.members_doc = DocumentFactory.create(title="Doc miembros", visibility="members")
        cls.hidden_person = PersonFactory.create(full_name="Ponente sin consentimiento")
        item = AgendaItemFactory.create(
            meeting=cls.meeting, position=1, title="Punto uno", presenter=cls.hidden_person
        )
        item.documents.add(cls.public_doc, cls.members_doc)

    def get(self, persona: str, meeting: Meeting | None = None) -> Any:
        return self.as_(persona).get((meeting or self.meeting).get_absolute_url())

    def test_everyone_sees_a_public_meeting_but_only_members_its_link(self) -> None:
        for persona in ("anon", "reg"):
            response = self.get(persona)
            self.assertContains(response, "Reunión virtual")
            self.assertNotContains(response, "meet.example.org")
        for persona in ("mem_a", "mem_b", "coord", "admin"):
            self.assertContains(self.get(persona), "https://meet.example.org/r")

    def test_members_only_meeting_is_hidden_from_visitors(self) -> None:
        members = MeetingFactory.create(visibility=Visibility.MEMBERS)
        coordinators = MeetingFactory.create(visibility=Visibility.COORDINATORS)
        for persona in ("anon", "reg"):
            self.assertEqual(self.get(persona, members).status_code, 404)
        for persona in ("anon", "reg", "mem_a", "mem_b"):
            self.assertEqual(self.get(persona, coordinators).status_code, 404)
        self.assertEqual(self.get("mem_b", members).status_code, 200)
        self.assertEqual(self.get("coord", coordinators).status_code, 200)

    def test_documents_follow_the_viewers_visibility(self) -> None:
        anon = self.get("anon")
        self.assertContains(anon, "Doc público")
        self.assertNotContains(anon, "Doc miembros")
        self.assertContains(self.get("mem_a"), "Doc miembros")

    def test_a_presenter_is_named_only_to_who_may_see_the_person(self) -> None:
        self.assertNotContains(self.get("mem_a"), "Ponente sin consentimiento")
        self.assertContains(self.get("coord"), "Ponente sin consentimiento")

    def test_coordinators_see_the_actions(self) -> None:
        edit = reverse("meetings:meeting-edit", args=[self.meeting.public_id])
        self.assertNotContains(self.get("mem_a"), edit)
        response = self.get("coord")
        for name in ("meeting-edit", "meeting-cancel", "meeting-held", "agenda-item-create"):
            self.assertContains(
                response, reverse(f"meetings:{name}", args=[self.meeting.public_id])
            )

    def test_a_held_meeting_offers_the_next_one_then_links_to_it(self) -> None:
        held = past(3, status=Meeting.Status.HELD)
        next_url = reverse("meetings:meeting-next", args=[held.public_id])
        self.assertContains(self.get("coord", held), next_url)
        following = MeetingFactory.create(previous=held)
        response = self.get("coord", held)
        self.assertNotContains(response, next_url)
        self.assertContains(response, following.get_absolute_url())

    def test_query_count_does_not_grow_with_the_agenda(self) -> None:
        """2 items or 30 items with 20 documents: the same number of queries."""
        small = MeetingFactory.create()
        for position in (1, 2):
            AgendaItemFactory.create(meeting=small, position=position)
        big = MeetingFactory.create()
        documents = [DocumentFactory.create() for _ in range(20)]
        for document in documents:
            add_version(document)
        people = [PersonFactory.create(public_listing=True) for _ in range(5)]
        for position in range(1, 31):
            item = AgendaItemFactory.create(
                meeting=big,
                position=position,
                presenter=people[position % 5],
                presenter_organization=self.org_a,
                description="**Texto**",
            )
            item.documents.add(*documents[position % 20 : position % 20 + 2])
        client = self.as_("mem_a")
        client.get(small.get_absolute_url())  # warm the session
        with CaptureQueriesContext(connection) as big_queries:
            response = client.get(big.get_absolute_url())
        self.assertEqual(len(response.context["agenda"]), 30)
        with CaptureQueriesContext(connection) as small_queries:
            client.get(small.get_absolute_url())
        self.assertEqual(len(big_queries), len(small_queries))

    def test_query_count_of_the_meeting_page_is_pinned(self) -> None:
        """Session, user, meeting, organizations, agenda, documents, following, previous,
        plus what the RSVP, attendance and minutes panels (other areas) read."""
        client = self.as_("mem_a")
        client.get(self.meeting.get_absolute_url())
        with self.assertNumQueries(DETAIL_QUERIES):
            client.get(self.meeting.get_absolute_url())


class MeetingWriteTests(RoleTestCase):
    def form(self, **extra: str) -> dict[str, str]:
        return {
            "title": "Reunión nueva",
            "date": "2027-05-10",
            "start_time": "10:00",
            "end_time": "12:00",
            "modality": "in_person",
            "place": "Lima",
            "visibility": "public",
            **extra,
        }

    def test_a_coordinator_schedules_a_meeting_in_lima_time(self) -> None:
        response = self.as_("coord").post(reverse("meetings:meeting-create"), self.form())
        meeting = Meeting.objects.get()
        self.assertRedirects(response, meeting.get_absolute_url())
        self.assertEqual(meeting.starts_at, lima(2027, 5, 10, 10, 0))
        self.assertEqual(meeting.starts_at.astimezone(datetime.UTC).hour, 15)

    def test_other_roles_cannot_schedule(self) -> None:
        url = reverse("meetings:meeting-create")
        self.assertEqual(self.as_("anon").post(url, self.form()).status_code, 302)
        for persona in ("reg", "mem_a", "mem_b"):
            self.assertEqual(self.as_(persona).post(url, self.form()).status_code, 403)
        self.assertFalse(Meeting.objects.exists())

    @override_settings(LANGUAGE_CODE="en")
    def test_bad_input_is_refused_with_a_message(self) -> None:
        url = reverse("meetings:meeting-create")
        client = self.as_("coord")
        response = client.post(url, self.form(end_time="09:00"))
        self.assertContains(response, "must end after it starts", status_code=400)
        response = client.post(url, self.form(online_url="javascript:alert(1)"))
        self.assertEqual(response.status_code, 400)
        series = SeriesFactory.create()
        MeetingFactory.create(series=series, number=3)
        response = client.post(url, self.form(series=str(series.pk), number="3"))
        self.assertContains(response, "already exists", status_code=400)
        self.assertEqual(Meeting.objects.count(), 1)

    def test_extra_fields_are_ignored(self) -> None:
        """SECURITY 1.4: status, sequence or creator cannot be set through the form."""
        self.as_("coord").post(
            reverse("meetings:meeting-create"),
            self.form(status="held", ical_sequence="9", created_by=str(self.mem_a.pk)),
        )
        meeting = Meeting.objects.get()
        self.assertEqual((meeting.status, meeting.ical_sequence), ("planned", 0))
        self.assertEqual(meeting.created_by, self.coord)

    def test_edit_moves_the_meeting(self) -> None:
        meeting = MeetingFactory.create()
        url = reverse("meetings:meeting-edit", args=[meeting.public_id])
        client = self.as_("coord")
        self.assertEqual(client.get(url).status_code, 200)
        with mock.patch("minka.meetings.notifications.meeting_changed") as notify:
            response = client.post(url, self.form(place="Cusco"))
        self.assertRedirects(response, meeting.get_absolute_url())
        meeting.refresh_from_db()
        self.assertEqual((meeting.place, meeting.ical_sequence), ("Cusco", 1))
        notify.assert_called_once()
        self.assertEqual(self.as_("mem_a").post(url, self.form()).status_code, 403)

    @override_settings(LANGUAGE_CODE="en")
    def test_a_cancelled_meeting_cannot_be_edited(self) -> None:
        meeting = MeetingFactory.create(status=Meeting.Status.CANCELLED, title="Cancelada")
        url = reverse("meetings:meeting-edit", args=[meeting.public_id])
        response = self.as_("coord").post(url, self.form())
        self.assertContains(response, "cannot be edited", status_code=400)
        meeting.refresh_from_db()
        self.assertEqual(meeting.title, "Cancelada")

    def test_cancel_confirms_then_cancels(self) -> None:
        meeting = MeetingFactory.create()
        url = reverse("meetings:meeting-cancel", args=[meeting.public_id])
        client = self.as_("coord")
        self.assertEqual(client.get(url).status_code, 200)
        self.assertEqual(self.as_("mem_a").post(url).status_code, 403)
        self.assertRedirects(client.post(url), meeting.get_absolute_url())
        meeting.refresh_from_db()
        self.assertEqual((meeting.status, meeting.ical_sequence), ("cancelled", 1))
        self.assertEqual(client.post(url).status_code, 400)

    @override_settings(LANGUAGE_CODE="en")
    def test_mark_held(self) -> None:
        future = MeetingFactory.create()
        client = self.as_("coord")
        response = client.post(reverse("meetings:meeting-held", args=[future.public_id]))
        self.assertContains(response, "once it has started", status_code=400)
        meeting = past(1)
        url = reverse("meetings:meeting-held", args=[meeting.public_id])
        self.assertEqual(self.as_("mem_a").post(url).status_code, 403)
        self.assertEqual(client.get(url).status_code, 405)
        self.assertRedirects(client.post(url), meeting.get_absolute_url())
        meeting.refresh_from_db()
        self.assertEqual(meeting.status, Meeting.Status.HELD)


class NextMeetingViewTests(RoleTestCase):
    @time_machine.travel(datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC), tick=False)
    def test_the_form_is_prefilled_with_one_month_later(self) -> None:
        start = lima(2026, 3, 16, 10, 0)
        meeting = MeetingFactory.create(
            starts_at=start, ends_at=start + timedelta(hours=2), status=Meeting.Status.HELD
        )
        url = reverse("meetings:meeting-next", args=[meeting.public_id])
        response = self.as_("coord").get(url)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(form.initial["date"], datetime.date(2026, 4, 16))
        self.assertEqual(form.initial["start_time"], datetime.time(10, 0))
        self.assertEqual(self.as_("mem_a").get(url).status_code, 403)
        self.assertEqual(self.as_("anon").get(url).status_code, 302)

    def test_posting_creates_the_next_meeting_and_a_second_visit_links_to_it(self) -> None:
        meeting = past(5, status=Meeting.Status.HELD)
        url = reverse("meetings:meeting-next", args=[meeting.public_id])
        client = self.as_("coord")
        day = timezone.localdate() + datetime.timedelta(days=40)
        data = {"date": day.isoformat(), "start_time": "18:00", "end_time": "20:00"}
        response = client.post(url, data)
        following = Meeting.objects.get(previous=meeting)
        self.assertRedirects(response, following.get_absolute_url())
        self.assertEqual(following.starts_at, lima(day.year, day.month, day.day, 18, 0))
        self.assertEqual(following.agenda_items.get().kind, AgendaItem.Kind.FOLLOW_UP)
        self.assertRedirects(client.post(url, data), following.get_absolute_url())
        self.assertEqual(Meeting.objects.count(), 2)

    def test_bad_dates_are_refused(self) -> None:
        meeting = past(5, status=Meeting.Status.HELD)
        url = reverse("meetings:meeting-next", args=[meeting.public_id])
        data = {"date": "no", "start_time": "18:00", "end_time": "17:00"}
        self.assertEqual(self.as_("coord").post(url, data).status_code, 400)
        self.assertEqual(Meeting.objects.count(), 1)


class AgendaTestCase(RoleTestCase):
    """A members-only meeting with two agenda items, "Primero" and "Segundo"."""

    meeting: Meeting
    first: AgendaItem
    second: AgendaItem

    @classmethod
    def setUpClass(cls) -> None:
        folder = tempfile.mkdtemp(prefix="minka-media-")
        cls.addClassCleanup(shutil.rmtree, folder, ignore_errors=True)
        media = override_settings(MEDIA_ROOT=folder)
        media.enable()
        cls.addClassCleanup(media.disable)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.meeting = MeetingFactory.create(visibility=Visibility.MEMBERS)
        cls.first = AgendaItemFactory.create(meeting=cls.meeting, position=1, title="Primero")
        cls.second = AgendaItemFactory.create(meeting=cls.meeting, position=2, title="Segundo")

    def url(self, name: str, item: AgendaItem | None = None) -> str:
        args: list[Any] = [self.meeting.public_id]
        if item is not None:
            args.append(item.pk)
        return reverse(f"meetings:{name}", args=args)

    def order(self) -> list[str]:
        return list(self.meeting.agenda_items.order_by("position").values_list("title", flat=True))


@override_settings(LANGUAGE_CODE="en")
class AgendaViewTests(AgendaTestCase):
    def test_add_and_edit_an_item(self) -> None:
        client = self.as_("coord")
        data = {
            "title": "Tercero",
            "duration_minutes": "20",
            "presenter_organization": self.org_a.pk,
        }
        response = client.post(self.url("agenda-item-create"), data)
        self.assertRedirects(response, f"{self.meeting.get_absolute_url()}#agenda")
        self.assertEqual(self.order(), ["Primero", "Segundo", "Tercero"])
        response = client.post(self.url("agenda-item-edit", self.first), {"title": "Uno"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.order()[0], "Uno")

    def test_bad_input_is_refused(self) -> None:
        client = self.as_("coord")
        response = client.post(
            self.url("agenda-item-create"), {"title": "", "duration_minutes": "0"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.order(), ["Primero", "Segundo"])

    def test_members_cannot_change_the_agenda(self) -> None:
        for persona in ("reg", "mem_a", "mem_b"):
            client = self.as_(persona)
            self.assertEqual(
                client.post(self.url("agenda-item-create"), {"title": "X"}).status_code, 403
            )
            self.assertEqual(
                client.post(self.url("agenda-item-delete", self.first)).status_code, 403
            )
            move = client.post(self.url("agenda-item-move", self.second), {"direction": "up"})
            self.assertEqual(move.status_code, 403)
        self.assertEqual(self.order(), ["Primero", "Segundo"])

    def test_move_and_delete(self) -> None:
        client = self.as_("coord")
        client.post(self.url("agenda-item-move", self.second), {"direction": "up"})
        self.assertEqual(self.order(), ["Segundo", "Primero"])
        response = client.post(self.url("agenda-item-move", self.second), {"direction": "x"})
        self.assertContains(response, "up or down", status_code=400)
        self.assertEqual(client.get(self.url("agenda-item-delete", self.first)).status_code, 200)
        client.post(self.url("agenda-item-delete", self.first))
        self.assertEqual(self.order(), ["Segundo"])
        self.assertEqual(self.meeting.agenda_items.get().position, 1)

    def test_an_item_of_another_meeting_is_not_found(self) -> None:
        other = MeetingFactory.create()
        url = reverse("meetings:agenda-item-edit", args=[other.public_id, self.first.pk])
        self.assertEqual(self.as_("coord").get(url).status_code, 404)

    def test_upload_adds_presentations_to_the_repository(self) -> None:
        client = self.as_("coord")
        upload = SimpleUploadedFile("avances.txt", b"Avances de conectividad")
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(
                self.url("agenda-item-upload", self.first),
                {"uploads": [upload], "license": "cc-by-4.0"},
            )
        self.assertEqual(response.status_code, 302)
        document = self.first.documents.get()
        self.assertEqual((document.kind, document.visibility), ("presentation", "members"))

    def test_a_refused_file_stores_nothing(self) -> None:
        upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00binary")
        response = self.as_("coord").post(
            self.url("agenda-item-upload", self.first),
            {"uploads": [upload], "license": "cc-by-4.0"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Document.objects.exists())

    def test_link_an_existing_document(self) -> None:
        document = DocumentFactory.create(title="Existente")
        client = self.as_("coord")
        url = self.url("agenda-item-link", self.first)
        response = client.post(url, {"documents": [str(document.public_id)]})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(self.first.documents.all()), [document])
        response = client.post(url, {"documents": ["00000000-0000-4000-8000-000000000000"]})
        self.assertContains(response, "does not exist", status_code=400)
