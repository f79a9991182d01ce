"""The next meeting's "follow-up of agreements": a live list of what is open and overdue
(owner, deadline, latest update), not a copy of text; and one form in which the coordinator
records, for each commitment, what the meeting decided."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from minka.agreements.models import CommitmentUpdate, Status
from minka.agreements.tests.factories import CommitmentFactory, CommitmentUpdateFactory
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.meetings.models import AgendaItem, Meeting
from minka.meetings.services import meetings as meeting_services
from minka.meetings.tests.factories import MeetingFactory, SeriesFactory


@override_settings(LANGUAGE_CODE="en")
class FollowUpTests(RoleTestCase):
    def setUp(self) -> None:
        series = SeriesFactory.create()
        start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
        start -= dt.timedelta(days=20)
        self.previous = MeetingFactory.create(
            series=series,
            number=1,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            status=Meeting.Status.HELD,
        )
        self.meeting = meeting_services.meeting_schedule_next(
            actor=self.coord, meeting=self.previous
        )
        today = timezone.localdate()
        self.late = CommitmentFactory.create(
            title="Enviar la carta al viceministerio",
            meeting=self.previous,
            owners=[self.org_a],
            due_date=today - dt.timedelta(days=2),
        )
        CommitmentUpdateFactory.create(commitment=self.late, text="Borrador listo.")
        self.open = CommitmentFactory.create(
            title="Preparar el taller",
            meeting=self.previous,
            status=Status.IN_PROGRESS,
            progress=30,
            due_date=today + dt.timedelta(days=40),
        )
        self.done = CommitmentFactory.create(
            title="Publicar el acta", meeting=self.previous, status=Status.DONE
        )
        self.hidden = CommitmentFactory.create(
            title="Compromiso reservado", meeting=self.previous, visibility=Visibility.MEMBERS
        )
        self.url = reverse("agreements:follow-up", args=[self.meeting.public_id])

    def test_the_next_meeting_gets_a_follow_up_item_listing_what_is_open_live(self) -> None:
        (item,) = self.meeting.agenda_items.filter(kind=AgendaItem.Kind.FOLLOW_UP)
        # Not a copy of the agreements' text: the list is drawn at each visit.
        self.assertNotIn("Enviar la carta", item.description)
        page = self.as_("anon").get(self.meeting.get_absolute_url())
        self.assertContains(page, "Enviar la carta al viceministerio")
        self.assertContains(page, "Overdue")
        self.assertContains(page, "OA")
        self.assertContains(page, "Borrador listo.")
        self.assertContains(page, "Preparar el taller")
        self.assertNotContains(page, "Publicar el acta")
        self.assertNotContains(page, "Compromiso reservado")
        self.assertContains(self.as_("mem_b").get(self.meeting.get_absolute_url()), "reservado")
        # Live: a new update shows at once.
        CommitmentUpdateFactory.create(commitment=self.open, text="Sede confirmada.")
        self.assertContains(self.as_("anon").get(self.meeting.get_absolute_url()), "Sede confirm")

    def test_the_coordinator_records_each_change_in_one_form(self) -> None:
        page = self.as_("coord").get(self.url)
        self.assertContains(page, "Enviar la carta al viceministerio")
        self.assertContains(page, "Compromiso reservado")
        data = {}
        for commitment in (self.late, self.open, self.hidden):
            data[f"c{commitment.pk}-status"] = commitment.status
            data[f"c{commitment.pk}-progress"] = str(commitment.progress)
            data[f"c{commitment.pk}-note"] = ""
        data[f"c{self.late.pk}-status"] = "done"
        data[f"c{self.late.pk}-progress"] = "100"
        data[f"c{self.open.pk}-note"] = "Se buscará otra sede."
        response = self.as_("coord").post(self.url, data)
        self.assertRedirects(response, self.meeting.get_absolute_url())
        self.late.refresh_from_db()
        self.assertEqual(self.late.status, "done")
        update = CommitmentUpdate.objects.filter(commitment=self.late).first()
        assert update is not None
        self.assertIn(self.meeting.title, update.text)
        self.assertEqual(update.author, self.coord)
        note = CommitmentUpdate.objects.get(commitment=self.open)
        self.assertIn("Se buscará otra sede.", note.text)
        self.assertFalse(CommitmentUpdate.objects.filter(commitment=self.hidden).exists())
        # Done now: gone from the meeting's list.
        page = self.as_("anon").get(self.meeting.get_absolute_url())
        self.assertNotContains(page, "Enviar la carta al viceministerio")

    def test_one_bad_row_saves_nothing(self) -> None:
        data = {
            f"c{self.late.pk}-status": "done",
            f"c{self.late.pk}-progress": "100",
            f"c{self.open.pk}-status": "in_progress",
            f"c{self.open.pk}-progress": "250",
            f"c{self.hidden.pk}-status": "pending",
            f"c{self.hidden.pk}-progress": "0",
        }
        response = self.as_("coord").post(self.url, data)
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertFalse(CommitmentUpdate.objects.exclude(text="Borrador listo.").exists())
        self.late.refresh_from_db()
        self.assertEqual(self.late.status, "pending")

    def test_only_coordinators_record_it(self) -> None:
        for persona, status in {"anon": 302, "reg": 403, "mem_a": 403, "mem_b": 403}.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.as_(persona).get(self.url).status_code, status)
                post = {f"c{self.late.pk}-status": "done", f"c{self.late.pk}-progress": "100"}
                self.assertEqual(self.as_(persona).post(self.url, post).status_code, status)
        self.late.refresh_from_db()
        self.assertEqual(self.late.status, "pending")
        page = self.as_("mem_a").get(self.meeting.get_absolute_url())
        self.assertNotContains(page, self.url)
        self.assertContains(self.as_("coord").get(self.meeting.get_absolute_url()), self.url)
