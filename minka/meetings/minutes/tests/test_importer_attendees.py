"""The importer keeps every attendee: linked, added to the directory or kept as written;
the close matches it offers; where the names as written show."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from minka.core.tests.base import RoleTestCase
from minka.directory.models import Person
from minka.directory.tests.factories import PersonFactory
from minka.meetings.minutes.importers.matching import attendee_candidates
from minka.meetings.minutes.importers.parsed import ParsedAttendee, ParsedMinutes
from minka.meetings.minutes.importers.service import AttendeeChoice, Keep, minutes_import
from minka.meetings.minutes.importers.spanish import parse_minutes
from minka.meetings.minutes.tests.factories import minutes_in
from minka.meetings.models import Attendance, Meeting
from minka.meetings.tests.factories import MeetingFactory

if TYPE_CHECKING:
    from minka.meetings.minutes.models import Minutes

FIXTURES = Path(__file__).parent / "fixtures" / "minutes"
# The seed minutes of the network (the same text as ../shared/seed/), and minutes whose
# attendees the directory does not know.
SEED = (FIXTURES / "seed_2026_03.txt").read_text(encoding="utf-8")
UNKNOWN = (
    "ACTA DE LA REUNIÓN DE COORDINACIÓN (Lima)\n\nFecha: 5 de junio de 2026\n\n"
    "Asistentes:\n- Rosa Quispe (Red Andina)\n- Carlos Ñique – Colectivo Sur\n"
    "- Ing. Teodora Huamán Vilca\n- JOSE PEÑA SALAZAR (CONCORTV)\n"
)


def parsed(text: str) -> ParsedMinutes:
    return parse_minutes(text, year=2026, today=dt.date(2026, 12, 1))


class KeepEveryAttendeeTests(RoleTestCase):
    """Whatever the coordinator chooses, as many attendances as names come out."""

    def test_each_choice_records_every_attendee(self) -> None:
        known = PersonFactory.create(full_name="José Peña Salazar")
        other = PersonFactory.create(full_name="Rosa Quispe Mamani")
        for text in (SEED, UNKNOWN):
            minutes = parsed(text)
            count = len(minutes.attendees)
            for keep in Keep:
                with self.subTest(text=text[:20], keep=keep):
                    person = other if keep == Keep.LINK else None
                    choices = {
                        i: AttendeeChoice(keep, person)
                        for i, attendee in enumerate(minutes.attendees)
                        if "Peña" not in attendee.name
                    }
                    meeting = minutes_import(
                        actor=self.coord, parsed=minutes, series=None, choices=choices
                    )
                    attendances = meeting.attendances.all()
                    # Linking three names to one person records that person once.
                    expected = min(count, 2) if keep == Keep.LINK else count
                    self.assertEqual(attendances.count(), expected)
                    if count:  # the name the directory has is linked, whatever the rest
                        self.assertTrue(attendances.filter(person=known).exists())
        self.assertEqual(len(parsed(UNKNOWN).attendees), 4)

    def test_names_kept_as_written_keep_their_spelling_and_organization(self) -> None:
        meeting = minutes_import(actor=self.coord, parsed=parsed(UNKNOWN), series=None)
        rows = list(
            meeting.attendances.order_by("pk").values_list(
                "person", "name_text", "organization_text"
            )
        )
        self.assertEqual(
            rows,
            [
                (None, "Rosa Quispe", "Red Andina"),
                (None, "Carlos Ñique", "Colectivo Sur"),
                (None, "Teodora Huamán Vilca", ""),
                (None, "Jose Peña Salazar", "CONCORTV"),  # title case of "JOSE PEÑA…"
            ],
        )

    def test_adding_a_name_the_directory_has_links_it_instead(self) -> None:
        """No second record for a name already in the directory (accents, case aside)."""
        known = PersonFactory.create(full_name="José Peña Salazar")
        people = Person.objects.count()
        meeting = minutes_import(
            actor=self.coord,
            parsed=parsed(UNKNOWN),
            series=None,
            choices={3: AttendeeChoice(Keep.CREATE)},
        )
        self.assertEqual(Person.objects.count(), people)
        self.assertTrue(meeting.attendances.filter(person=known).exists())

    def test_a_link_without_a_person_or_to_an_anonymized_one_is_refused(self) -> None:
        gone = PersonFactory.create(full_name="Persona Anónima", status=Person.Status.ANONYMIZED)
        for choice in (AttendeeChoice(Keep.LINK), AttendeeChoice(Keep.LINK, gone)):
            with self.subTest(choice=choice), self.assertRaises(ValidationError):
                minutes_import(
                    actor=self.coord, parsed=parsed(UNKNOWN), series=None, choices={0: choice}
                )
        self.assertFalse(Meeting.objects.exists())
        self.assertFalse(Attendance.objects.exists())

    def test_a_name_too_long_to_keep_is_refused(self) -> None:
        minutes = parsed(UNKNOWN)
        minutes.attendees.append(ParsedAttendee(name="Nombre " * 40))
        with self.assertRaises(ValidationError):
            minutes_import(actor=self.coord, parsed=minutes, series=None)
        self.assertFalse(Meeting.objects.exists())


class CandidateTests(TestCase):
    def test_exact_and_close_matches_ignore_accents_case_and_titles(self) -> None:
        jose = PersonFactory.create(full_name="José Peña Salazar")
        typo = PersonFactory.create(full_name="Teodora Huaman Vilka")
        longer = PersonFactory.create(full_name="Rosa Quispe Mamani")
        PersonFactory.create(full_name="Rosa Quispe Mamani", status=Person.Status.ANONYMIZED)
        PersonFactory.create(full_name="Carlos Rojas")
        with self.assertNumQueries(1):
            found = attendee_candidates(
                ["Ing. JOSE PENA salazar", "Teodora Huamán Vilca", "Rosa Quispe", "Carlos Ñique"]
            )
        self.assertEqual([f.exact for f in found], [[jose], [], [], []])
        self.assertEqual([f.close for f in found], [[], [typo], [longer], []])

    def test_no_query_without_a_word_to_search_by(self) -> None:
        with self.assertNumQueries(0):
            self.assertEqual(attendee_candidates(["A. B.", ""])[0].people, [])


def form_data(response: Any) -> dict[str, Any]:
    """What the browser posts back from the preview, untouched."""
    data: dict[str, Any] = {}
    for field in response.context["form"]:
        value = field.value()
        if value is not None and value is not False:
            data[field.html_name] = "on" if value is True else value
    return data


@override_settings(LIBREOFFICE="off")
class ReviewFormTests(RoleTestCase):
    upload_url = reverse("meetings:minutes-import")
    confirm_url = reverse("meetings:minutes-import-confirm")

    def preview(self, text: str = UNKNOWN, persona: str = "coord") -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("acta.txt", text.encode())
        return self.as_(persona).post(self.upload_url, {"file": upload, "year": "2026"})

    def test_the_form_proposes_place_links_and_offers_close_matches(self) -> None:
        jose = PersonFactory.create(full_name="José Peña Salazar")
        close = PersonFactory.create(full_name="Carlos Ñique Ruiz")
        response = self.preview()
        self.assertEqual(response.status_code, 200)
        data = form_data(response)
        self.assertEqual(data["place"], "Lima")
        self.assertEqual(data["t3_keep"], f"p{jose.pk}")  # matched: pre-selected
        self.assertEqual(data["t1_keep"], "text")  # only close: offered, not chosen
        form = response.context["form"]
        self.assertIn(f"p{close.pk}", dict(form.fields["t1_keep"].choices))
        self.assertNotIn("create", dict(form.fields["t3_keep"].choices))
        self.assertContains(response, _("similar names in the directory"))

    def test_every_choice_through_the_page_keeps_every_attendee(self) -> None:
        close = PersonFactory.create(full_name="Carlos Ñique Ruiz")
        data = form_data(self.preview())
        data |= {"new_series": "Coordinación", "t0_keep": "create", "t1_keep": f"p{close.pk}"}
        response = self.as_("coord").post(self.confirm_url, data)
        self.assertEqual(response.status_code, 302)
        meeting = Meeting.objects.get()
        self.assertEqual(meeting.series.title if meeting.series else None, "Coordinación")
        self.assertEqual(meeting.attendances.count(), 4)
        self.assertEqual(meeting.attendances.filter(person=None).count(), 2)
        self.assertTrue(meeting.attendances.filter(person=close).exists())
        self.assertTrue(Person.objects.filter(full_name="Rosa Quispe").exists())

    def test_a_person_not_offered_cannot_be_linked(self) -> None:
        stranger = PersonFactory.create(full_name="Alguien Distinto")
        data = form_data(self.preview()) | {"new_series": "Coordinación"}
        data["t0_keep"] = f"p{stranger.pk}"
        response = self.as_("coord").post(self.confirm_url, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "error-summary", status_code=400)
        self.assertFalse(Meeting.objects.exists())
        self.assertFalse(Attendance.objects.exists())

    def test_the_confirmation_costs_the_same_queries_for_4_or_40_names_kept(self) -> None:
        def count(names: int) -> int:
            lines = "\n".join(f"- Persona Número{n} Apellido{n}" for n in range(names))
            text = f"ACTA\nFecha: 5 de junio de 2026\n\nAsistentes:\n{lines}\n"
            data = form_data(self.preview(text)) | {"new_series": f"Serie {names}"}
            with CaptureQueriesContext(connection) as queries:
                response = self.as_("coord").post(self.confirm_url, data)
            self.assertEqual(response.status_code, 302)
            self.assertEqual(Attendance.objects.filter(person=None).count() % names, 0)
            return len(queries)

        self.assertEqual(count(4), count(40))


class TextAttendeesShowTests(RoleTestCase):
    """Names kept as written appear wherever attendees do, to whoever may read the list."""

    meeting: Meeting
    minutes: Minutes

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.meeting = MeetingFactory.create(title="Reunión con asistentes escritos")
        Attendance.objects.create(
            meeting=cls.meeting,
            name_text="Teodora Huamán Vilca",
            organization_text="Red Andina",
            source=Attendance.Source.RECORDED,
        )
        cls.minutes = minutes_in("review", actor=cls.coord, meeting=cls.meeting)

    def test_members_coordinators_and_admins_see_the_name_on_the_minutes(self) -> None:
        url = reverse("meetings:minutes-detail", args=[self.meeting.public_id])
        for persona in ("mem_a", "coord", "admin"):
            with self.subTest(persona):
                response = self.as_(persona).get(url)
                self.assertContains(response, "Teodora Huamán Vilca (Red Andina)")

    def test_the_attendees_page_and_its_csv_list_the_name(self) -> None:
        args = [self.meeting.public_id]
        page = self.as_("mem_a").get(reverse("meetings:meeting-attendees", args=args))
        self.assertContains(page, "Teodora Huamán Vilca")
        self.assertContains(page, _("As written in the minutes"))
        csv = self.as_("mem_a").get(reverse("meetings:meeting-attendees-csv", args=args))
        self.assertIn("Teodora Huamán Vilca,Red Andina", csv.content.decode())

    def test_the_meeting_page_counts_the_name(self) -> None:
        response = self.as_("anon").get(self.meeting.get_absolute_url())
        self.assertEqual(response.context["attendance_count"], 1)

    def test_visitors_and_registered_users_do_not_see_the_name(self) -> None:
        args = [self.meeting.public_id]
        for persona in ("anon", "reg"):
            with self.subTest(persona):
                client = self.as_(persona)
                page = client.get(self.meeting.get_absolute_url())
                self.assertNotContains(page, "Teodora")
                attendees = client.get(reverse("meetings:meeting-attendees", args=args))
                self.assertIn(attendees.status_code, (302, 403, 404))
                minutes = client.get(reverse("meetings:minutes-detail", args=args))
                self.assertNotContains(minutes, "Teodora", status_code=minutes.status_code)


class HostileNamesTests(TestCase):
    def test_two_hundred_long_names_are_one_query_and_no_error(self) -> None:
        names = [" ".join(f"palabra{n}x{w}" for w in range(30)) for n in range(200)]
        with self.assertNumQueries(1):
            found = attendee_candidates(names)
        self.assertEqual(len(found), 200)
