"""What the importer proposes on the review form: the place from the text, the series from
the title and the meetings already held; an empty series is refused. Who may use it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.core.tests.base import RoleTestCase
from minka.directory.models import Person
from minka.meetings.minutes.importers.matching import series_propose
from minka.meetings.minutes.importers.spanish import parse_minutes
from minka.meetings.models import Attendance, Meeting, Series
from minka.meetings.tests.factories import MeetingFactory, SeriesFactory

UPLOAD = reverse("meetings:minutes-import")
CONFIRM = reverse("meetings:minutes-import-confirm")
MINUTES = (
    "ACTA DE LA TERCERA REUNIÓN DE LA MESA DE TRABAJO TIC\n\n"
    "En la ciudad de Arequipa, siendo las 10:00 horas del 5 de junio de 2026, se reunieron "
    "los miembros de la mesa.\n\nAsistentes:\n- Rosa Quispe (Red Andina)\n"
)


def place(text: str) -> str | None:
    return parse_minutes(text, year=2026, today=dt.date(2026, 12, 1)).place


class PlaceTests(SimpleTestCase):
    def test_a_known_place_in_brackets_is_found(self) -> None:
        self.assertEqual(place("ACTA DE LA MESA TIC (Lima)\n\nFecha: 3 de marzo de 2026"), "Lima")
        self.assertEqual(place("16 de marzo de 2026 (San Isidro, Lima)"), "San Isidro, Lima")

    def test_the_opening_sentence_gives_the_city_or_the_venue(self) -> None:
        self.assertEqual(
            place("En la ciudad de Arequipa, siendo las 10:00 horas del 5 de mayo de 2026."),
            "Arequipa",
        )
        self.assertEqual(
            place("El 12 de mayo de 2026, en las oficinas de la Red Digital, se reunió el grupo."),
            "Oficinas de la Red Digital",
        )

    def test_an_acronym_or_an_aside_in_brackets_is_not_a_place(self) -> None:
        self.assertIsNone(place("Reunión de coordinación (CODESI)\n\n12 de mayo de 2026"))
        self.assertIsNone(place("Reunión (por ejemplo: virtual)\n\n12 de mayo de 2026"))

    def test_a_lugar_line_wins_over_a_place_in_passing(self) -> None:
        text = "ACTA (Lima)\nFecha: 3 de marzo de 2026\nLugar: Casa de la Cultura\n"
        self.assertEqual(place(text), "Casa de la Cultura")


class SeriesProposalTests(TestCase):
    def test_a_series_named_in_the_title_is_proposed_accents_and_case_aside(self) -> None:
        SeriesFactory.create(title="Mesa TIC")
        longest = SeriesFactory.create(title="Mesa de Trabajo TIC")
        self.assertEqual(
            series_propose("ACTA DE LA TERCERA REUNIÓN DE LA MESA DE TRABAJO TIC"), longest
        )

    def test_else_the_series_of_the_latest_meeting_with_a_similar_title(self) -> None:
        old, recent = SeriesFactory.create(), SeriesFactory.create()
        now = timezone.now()
        MeetingFactory.create(
            series=old, title="Reunión mensual de coordinación 2", starts_at=now - dt.timedelta(90)
        )
        MeetingFactory.create(
            series=recent,
            title="Reunión mensual de coordinación 3",
            starts_at=now - dt.timedelta(30),
        )
        MeetingFactory.create(title="Taller de turismo", starts_at=now - dt.timedelta(1))
        with self.assertNumQueries(2):
            self.assertEqual(series_propose("Reunión Mensual de Coordinación 4"), recent)

    def test_nothing_is_proposed_without_a_fit(self) -> None:
        SeriesFactory.create(title="TIC")
        self.assertIsNone(series_propose("Política de datos abiertos"))  # "tic" inside a word
        self.assertIsNone(series_propose(None))


@override_settings(LIBREOFFICE="off")
class SeriesOnTheFormTests(RoleTestCase):
    series: Series

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.series = SeriesFactory.create(title="Mesa de trabajo TIC")

    def preview(self, persona: str = "coord") -> Any:
        upload = SimpleUploadedFile("acta.txt", MINUTES.encode())
        return self.as_(persona).post(UPLOAD, {"file": upload, "year": "2026"})

    def data(self) -> dict[str, Any]:
        form = self.preview().context["form"]
        return {
            field.html_name: field.value()
            for field in form
            if field.value() is not None and field.value() is not False
        }

    def test_the_series_and_the_place_are_proposed(self) -> None:
        data = self.data()
        self.assertEqual(data["series"], self.series.pk)
        self.assertEqual(data["place"], "Arequipa")

    def test_an_empty_series_is_refused_and_nothing_changes(self) -> None:
        data = self.data()
        data.pop("series")
        before = [m.objects.count() for m in (Meeting, Series, Person, Attendance)]
        response = self.as_("coord").post(CONFIRM, data)
        self.assertContains(
            response,
            _("Choose the series of the meeting, or give a new series a name."),
            status_code=400,
        )
        self.assertEqual([m.objects.count() for m in (Meeting, Series, Person, Attendance)], before)

    def test_a_series_and_a_new_one_together_are_refused(self) -> None:
        data = self.data() | {"new_series": "Otra serie"}
        response = self.as_("coord").post(CONFIRM, data)
        self.assertContains(
            response,
            _("Choose a series from the list or name a new one, not both."),
            status_code=400,
        )
        self.assertFalse(Meeting.objects.exists())
        self.assertFalse(Series.objects.filter(title="Otra serie").exists())

    def test_the_proposed_series_takes_the_meeting(self) -> None:
        response = self.as_("coord").post(CONFIRM, self.data())
        self.assertEqual(response.status_code, 302)
        meeting = Meeting.objects.get()
        self.assertEqual((meeting.series, meeting.place), (self.series, "Arequipa"))
        self.assertEqual(meeting.attendances.get().name_text, "Rosa Quispe")


@override_settings(LIBREOFFICE="off")
class ImporterRoleTests(RoleTestCase):
    """Both steps: coordinators and admins only; a visitor is sent to sign in."""

    def test_each_role_on_both_steps(self) -> None:
        series = SeriesFactory.create()
        data = {"attendee_count": "0", "presentation_count": "0", "agreement_count": "0"}
        data |= {"date": "2026-06-05", "series": str(series.pk), "visibility": "members"}
        for persona, page, confirm in (
            ("anon", 302, 302),
            ("reg", 403, 403),
            ("mem_a", 403, 403),
            ("coord", 200, 302),
            ("admin", 200, 302),
        ):
            with self.subTest(persona):
                client = self.as_(persona)
                self.assertEqual(client.get(UPLOAD).status_code, page)
                self.assertEqual(client.post(CONFIRM, data).status_code, confirm)
        self.assertEqual(Meeting.objects.count(), 2)
        self.assertEqual(
            set(Meeting.objects.values_list("created_by__email", flat=True)),
            {self.coord.email, self.admin.email},
        )
