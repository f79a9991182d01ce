"""Services of the meetings area: meetings, agenda, cadence arithmetic and the next meeting."""

from __future__ import annotations

import datetime
from datetime import timedelta
from typing import Any
from unittest import mock

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from minka.core.inputs import typed_input
from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.documents import services as document_services
from minka.documents.models import Document, Kind
from minka.documents.tests.factories import DocumentFactory
from minka.meetings import hooks
from minka.meetings.minutes.content import Agreement, MinutesContent, NextMeeting
from minka.meetings.minutes.models import Minutes, MinutesRevision
from minka.meetings.models import AgendaItem, Cadence, Meeting
from minka.meetings.services import meetings as services
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory


def lima(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))  # noqa: DTZ001


class CadenceTests(RoleTestCase):
    def test_monthly_keeps_the_local_time_and_clamps_to_the_month_end(self) -> None:
        """31 January → 28 February (2027 is not a leap year), at the same Lima time."""
        result = services.add_months(lima(2027, 1, 31, 19, 0), 1)
        self.assertEqual(timezone.localtime(result), lima(2027, 2, 28, 19, 0))
        self.assertEqual(timezone.localtime(result).hour, 19)

    def test_monthly_crosses_the_year(self) -> None:
        self.assertEqual(services.add_months(lima(2026, 12, 15, 10, 0), 1), lima(2027, 1, 15, 10))

    def test_every_two_weeks(self) -> None:
        series = SeriesFactory.create(cadence=Cadence.WEEKS, interval_weeks=2)
        self.assertEqual(
            services.cadence_next(series, lima(2026, 3, 16, 10, 0)), lima(2026, 3, 30, 10, 0)
        )

    def test_no_cadence_or_no_series_means_one_month(self) -> None:
        series = SeriesFactory.create(cadence=Cadence.NONE)
        start = lima(2026, 3, 16, 10, 0)
        self.assertEqual(services.cadence_next(series, start), lima(2026, 4, 16, 10, 0))
        self.assertEqual(services.cadence_next(None, start), lima(2026, 4, 16, 10, 0))

    def test_lima_has_no_daylight_saving(self) -> None:
        """Six monthly steps keep 10:00 local and 15:00 UTC all year round."""
        start = lima(2026, 1, 10, 10, 0)
        for months in range(1, 13):
            moved = services.add_months(start, months)
            self.assertEqual(moved.astimezone(datetime.UTC).hour, 15)


@override_settings(LANGUAGE_CODE="en")
class MeetingServiceTests(RoleTestCase):
    def data(self, **extra: Any) -> services.MeetingData:
        start = lima(2027, 5, 10, 10, 0)
        return typed_input(
            services.MeetingData,
            {
                "title": "Reunión",
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
                "modality": "in_person",
                "place": "Lima",
                "visibility": Visibility.PUBLIC,
                **extra,
            },
        )

    def test_create_numbers_the_meeting_in_its_series_and_audits(self) -> None:
        series = SeriesFactory.create()
        MeetingFactory.create(series=series, number=4)
        meeting = services.meeting_create(
            actor=self.coord, data=self.data(series=series, organizations=[self.org_a])
        )
        self.assertEqual(meeting.number, 5)
        self.assertEqual(list(meeting.organizations.all()), [self.org_a])
        self.assertTrue(
            AuditEntry.objects.filter(target_id=str(meeting.pk), action="create").exists()
        )

    def test_only_coordinators_create(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.meeting_create(actor=self.mem_a, data=self.data())
        self.assertFalse(Meeting.objects.exists())

    def test_end_must_follow_start(self) -> None:
        start = lima(2027, 5, 10, 10, 0)
        with self.assertRaisesMessage(ValidationError, "end after it starts"):
            services.meeting_create(actor=self.coord, data=self.data(ends_at=start))

    def test_numbers_are_unique_in_a_series(self) -> None:
        series = SeriesFactory.create()
        MeetingFactory.create(series=series, number=2)
        with self.assertRaisesMessage(ValidationError, "already exists"):
            services.meeting_create(actor=self.coord, data=self.data(series=series, number=2))

    def test_moving_a_planned_meeting_raises_the_sequence_and_notifies(self) -> None:
        meeting = MeetingFactory.create()
        # The event goes to the outbox now (issue 18): meetings.changed, not an email task.
        with mock.patch("minka.meetings.notifications.meeting_changed") as notify:
            services.meeting_update(actor=self.coord, meeting=meeting, data={"place": "Cusco"})
        notify.assert_called_once_with(meeting=mock.ANY, actor=self.coord)
        meeting.refresh_from_db()
        self.assertEqual((meeting.place, meeting.ical_sequence), ("Cusco", 1))

    def test_a_title_change_does_not_notify(self) -> None:
        meeting = MeetingFactory.create()
        with mock.patch("minka.meetings.notifications.meeting_changed") as notify:
            services.meeting_update(actor=self.coord, meeting=meeting, data={"title": "Otro"})
        notify.assert_not_called()
        meeting.refresh_from_db()
        self.assertEqual(meeting.ical_sequence, 0)

    def test_cancel_raises_the_sequence_and_notifies_and_locks_the_meeting(self) -> None:
        meeting = MeetingFactory.create()
        with mock.patch("minka.meetings.notifications.meeting_cancelled") as notify:
            services.meeting_cancel(actor=self.coord, meeting=meeting)
        notify.assert_called_once_with(meeting=mock.ANY, actor=self.coord)
        meeting.refresh_from_db()
        self.assertEqual((meeting.status, meeting.ical_sequence), ("cancelled", 1))
        with self.assertRaisesMessage(ValidationError, "cancelled"):
            services.meeting_update(actor=self.coord, meeting=meeting, data={"title": "X"})
        with self.assertRaisesMessage(ValidationError, "cancelled"):
            services.agenda_item_create(actor=self.coord, meeting=meeting, data={"title": "X"})

    def test_mark_held_only_once_started(self) -> None:
        future = MeetingFactory.create()
        with self.assertRaisesMessage(ValidationError, "once it has started"):
            services.meeting_mark_held(actor=self.coord, meeting=future)
        start = timezone.now() - timedelta(hours=1)
        current = MeetingFactory.create(starts_at=start, ends_at=start + timedelta(hours=2))
        services.meeting_mark_held(actor=self.coord, meeting=current)
        current.refresh_from_db()
        self.assertEqual(current.status, Meeting.Status.HELD)
        with self.assertRaisesMessage(ValidationError, "already marked"):
            services.meeting_mark_held(actor=self.coord, meeting=current)


@override_settings(LANGUAGE_CODE="en")
class AgendaServiceTests(RoleTestCase):
    meeting: Meeting

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.meeting = MeetingFactory.create()

    def positions(self) -> list[tuple[str, int]]:
        items = AgendaItem.objects.filter(meeting=self.meeting).order_by("position")
        return [(item.title, item.position) for item in items]

    def add(self, *titles: str) -> list[AgendaItem]:
        return [
            services.agenda_item_create(actor=self.coord, meeting=self.meeting, data={"title": t})
            for t in titles
        ]

    def test_items_are_appended_in_order(self) -> None:
        self.add("A", "B", "C")
        self.assertEqual(self.positions(), [("A", 1), ("B", 2), ("C", 3)])

    def test_move_up_and_down_keeps_positions_contiguous(self) -> None:
        a, b, c = self.add("A", "B", "C")
        services.agenda_item_move(actor=self.coord, item=c, direction="up")
        self.assertEqual(self.positions(), [("A", 1), ("C", 2), ("B", 3)])
        services.agenda_item_move(actor=self.coord, item=a, direction="down")
        self.assertEqual(self.positions(), [("C", 1), ("A", 2), ("B", 3)])
        services.agenda_item_move(actor=self.coord, item=b, direction="down")  # at the end
        self.assertEqual(self.positions(), [("C", 1), ("A", 2), ("B", 3)])
        with self.assertRaisesMessage(ValidationError, "up or down"):
            services.agenda_item_move(actor=self.coord, item=b, direction="sideways")

    def test_delete_closes_ranks(self) -> None:
        _a, b, _c = self.add("A", "B", "C")
        services.agenda_item_delete(actor=self.coord, item=b)
        self.assertEqual(self.positions(), [("A", 1), ("C", 2)])

    def test_gapped_positions_are_renumbered_on_move(self) -> None:
        AgendaItemFactory.create(meeting=self.meeting, title="A", position=5)
        b = AgendaItemFactory.create(meeting=self.meeting, title="B", position=9)
        services.agenda_item_move(actor=self.coord, item=b, direction="up")
        self.assertEqual(self.positions(), [("B", 1), ("A", 2)])

    def test_duration_is_bounded(self) -> None:
        with self.assertRaisesMessage(ValidationError, "between 1 and 1440"):
            services.agenda_item_create(
                actor=self.coord,
                meeting=self.meeting,
                data={"title": "X", "duration_minutes": 2000},
            )

    def test_members_cannot_edit_the_agenda(self) -> None:
        (item,) = self.add("A")
        with self.assertRaises(PermissionDenied):
            services.agenda_item_update(actor=self.mem_a, item=item, data={"title": "B"})
        with self.assertRaises(PermissionDenied):
            services.agenda_item_delete(actor=self.mem_a, item=item)

    def test_upload_goes_into_the_repository_with_the_meetings_visibility(self) -> None:
        self.meeting.visibility = Visibility.MEMBERS
        self.meeting.save()
        (item,) = self.add("Presentación")
        item.presenter_organization = self.org_a
        item.save()
        checked = document_services.check_file(
            SimpleUploadedFile("avances-red.txt", b"Avances de la red dorsal")
        )
        with self.captureOnCommitCallbacks(execute=True):
            outcome = services.agenda_item_upload(
                actor=self.coord, item=item, files=[checked], data={}
            )
        (document,) = outcome.created
        self.assertEqual((document.kind, document.visibility), (Kind.PRESENTATION, "members"))
        self.assertEqual(list(document.organizations.all()), [self.org_a])
        self.assertEqual(list(item.documents.all()), [document])

    def test_link_existing_visible_documents(self) -> None:
        """Visible documents are linked once; hidden ones and repeats are refused."""
        (item,) = self.add("A")
        document = DocumentFactory.create(visibility=Visibility.PUBLIC)
        services.agenda_item_link_documents(actor=self.coord, item=item, documents=[document])
        self.assertEqual(list(item.documents.all()), [document])
        with self.assertRaisesMessage(ValidationError, "already linked"):
            services.agenda_item_link_documents(actor=self.coord, item=item, documents=[document])
        with self.assertRaisesMessage(ValidationError, "that you can see"):
            services.agenda_item_link_documents(actor=self.coord, item=item, documents=[])
        with self.assertRaises(PermissionDenied):
            services.agenda_item_link_documents(actor=self.mem_a, item=item, documents=[document])


@override_settings(LANGUAGE_CODE="en")
class ScheduleNextTests(RoleTestCase):
    def held(self, **fields: object) -> Meeting:
        start = lima(2026, 1, 31, 19, 0)
        defaults: dict[str, object] = {
            "number": 1,
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "status": Meeting.Status.HELD,
            "place": "Lima",
            "modality": "hybrid",
            "online_url": "https://meet.example.org/red",
            "visibility": Visibility.MEMBERS,
        }
        meeting = MeetingFactory.create(**{**defaults, **fields})
        meeting.organizations.add(self.org_a, self.org_b)
        return meeting

    @time_machine.travel(datetime.datetime(2026, 2, 2, 12, 0, tzinfo=datetime.UTC), tick=False)
    def test_creates_the_next_meeting_one_month_later_with_the_same_settings(self) -> None:
        meeting = self.held()
        following = services.meeting_schedule_next(actor=self.coord, meeting=meeting)
        self.assertEqual(timezone.localtime(following.starts_at), lima(2026, 2, 28, 19, 0))
        self.assertEqual(following.ends_at - following.starts_at, timedelta(hours=2))
        self.assertEqual(following.number, 2)
        self.assertEqual(following.previous, meeting)
        self.assertEqual(following.series, meeting.series)
        for name in ("place", "modality", "online_url", "visibility"):
            self.assertEqual(getattr(following, name), getattr(meeting, name))
        self.assertEqual(set(following.organizations.all()), {self.org_a, self.org_b})
        self.assertEqual(following.status, Meeting.Status.PLANNED)

    def test_the_built_in_follow_up_item_lists_the_previous_agreements(self) -> None:
        meeting = self.held()
        content = MinutesContent(
            agreements=[
                Agreement(text="Compartir las presentaciones en un repositorio."),
                Agreement(text="Reunirse dentro de un mes.", responsible="Coordinación"),
            ]
        )
        minutes = Minutes.objects.create(meeting=meeting)
        minutes.current_revision = MinutesRevision.objects.create(
            minutes=minutes, number=1, content=content.to_json()
        )
        minutes.save()
        # The meetings app's own provider (the agreements app replaces it with a live list
        # of commitments: minka/agreements/tests/test_follow_up.py).
        (item,) = hooks.follow_up_of_agreements(meeting)
        self.assertEqual(item.kind, AgendaItem.Kind.FOLLOW_UP)
        self.assertIn("Compartir las presentaciones en un repositorio.", item.description)
        self.assertIn("Reunirse dentro de un mes. (Coordinación)", item.description)

    @time_machine.travel(datetime.datetime(2026, 2, 2, 12, 0, tzinfo=datetime.UTC), tick=False)
    def test_the_minutes_date_for_the_next_meeting_wins(self) -> None:
        meeting = self.held()
        minutes = Minutes.objects.create(meeting=meeting)
        content = MinutesContent(next_meeting=NextMeeting(starts_at="2026-03-05T16:30"))
        minutes.current_revision = MinutesRevision.objects.create(
            minutes=minutes, number=1, content=content.to_json()
        )
        minutes.save()
        self.assertEqual(services.next_meeting_start(meeting), lima(2026, 3, 5, 16, 30))

    def test_a_chosen_date_is_used(self) -> None:
        following = services.meeting_schedule_next(
            actor=self.coord, meeting=self.held(), starts_at=lima(2026, 3, 2, 9, 0)
        )
        self.assertEqual(following.starts_at, lima(2026, 3, 2, 9, 0))

    def test_a_second_next_meeting_is_refused(self) -> None:
        meeting = self.held()
        services.meeting_schedule_next(actor=self.coord, meeting=meeting)
        with self.assertRaisesMessage(ValidationError, "already been scheduled"):
            services.meeting_schedule_next(actor=self.coord, meeting=meeting)
        self.assertEqual(Meeting.objects.count(), 2)

    def test_a_future_or_cancelled_meeting_has_no_next_meeting_yet(self) -> None:
        with self.assertRaisesMessage(ValidationError, "once this one has been held"):
            services.meeting_schedule_next(actor=self.coord, meeting=MeetingFactory.create())
        cancelled = self.held(status=Meeting.Status.CANCELLED)
        with self.assertRaisesMessage(ValidationError, "cancelled"):
            services.meeting_schedule_next(actor=self.coord, meeting=cancelled)

    def test_a_taken_number_is_skipped(self) -> None:
        meeting = self.held()
        MeetingFactory.create(series=meeting.series, number=2)
        following = services.meeting_schedule_next(actor=self.coord, meeting=meeting)
        self.assertEqual(following.number, 3)

    def test_registered_providers_add_items(self) -> None:
        def proposals(previous: Meeting) -> list[hooks.AgendaItemDraft]:
            return [hooks.AgendaItemDraft(title="Propuesta aceptada", kind="proposal")]

        hooks.register_next_meeting_items(proposals)
        self.addCleanup(hooks.unregister_next_meeting_items, proposals)
        following = services.meeting_schedule_next(actor=self.coord, meeting=self.held())
        kinds = list(following.agenda_items.order_by("position").values_list("kind", "position"))
        self.assertEqual(kinds, [("follow_up", 1), ("proposal", 2)])

    def test_members_cannot_schedule(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.meeting_schedule_next(actor=self.mem_a, meeting=self.held())
        self.assertFalse(Document.objects.exists())
