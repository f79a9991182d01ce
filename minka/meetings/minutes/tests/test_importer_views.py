"""The "Importar acta" page: upload, check beside the source text, correct, create."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minka.core.tests.base import RoleTestCase
from minka.directory.models import Person
from minka.meetings.minutes.models import Minutes, MinutesRevision
from minka.meetings.minutes.tests import importer_documents
from minka.meetings.models import Attendance, Meeting, Series
from minka.meetings.tests.factories import SeriesFactory

FIXTURES = Path(__file__).parent / "fixtures" / "minutes"
SEED = (FIXTURES / "seed_2026_03.txt").read_text(encoding="utf-8")
UPLOAD = reverse("meetings:minutes-import")
CONFIRM = reverse("meetings:minutes-import-confirm")


def seed_docx() -> SimpleUploadedFile:
    with tempfile.TemporaryDirectory() as folder:
        path = importer_documents.docx_from_text(SEED, Path(folder) / "acta.docx")
        return SimpleUploadedFile("Acta primera reunión.docx", path.read_bytes())


def form_data(response: Any) -> dict[str, Any]:
    """What the browser posts back from the preview, untouched."""
    form = response.context["form"]
    data: dict[str, Any] = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.html_name] = "on" if value is True else value
    return data


@override_settings(LANGUAGE_CODE="en", LIBREOFFICE="off")
class ImportPageTests(RoleTestCase):
    series: Series

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.series = SeriesFactory.create(title="Reuniones de la sociedad civil")

    def preview(self, upload: SimpleUploadedFile, persona: str = "coord", **extra: Any) -> Any:
        return self.as_(persona).post(UPLOAD, {"file": upload, "year": "2026", **extra})

    def test_a_coordinator_imports_a_docx_corrects_a_field_and_gets_a_draft(self) -> None:
        response = self.preview(seed_docx())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Entre los temas propuestos")  # the source text
        data = form_data(response)
        self.assertEqual(
            data["title"], "Desarrollo de las TIC en el Perú: aportes desde la sociedad civil"
        )
        self.assertEqual(str(data["date"]), "2026-03-16")
        self.assertEqual(data["p0_presenter"], "Alfredo Astudillo")
        self.assertEqual(len(data["interventions"].splitlines()), 8)
        self.assertEqual(str(data["next_date"]), "2026-04-16")
        data["place"] = "Lima"  # the correction
        data["visibility"] = "members"
        data["series"] = self.series.pk
        created = self.as_("coord").post(CONFIRM, data)
        meeting = Meeting.objects.get()
        self.assertRedirects(
            created,
            reverse("meetings:minutes-detail", args=[meeting.public_id]),
            fetch_redirect_response=False,
        )
        self.assertEqual(meeting.status, Meeting.Status.HELD)
        self.assertEqual(meeting.place, "Lima")
        self.assertEqual(meeting.title, data["title"])
        minutes = Minutes.objects.get(meeting=meeting)
        self.assertEqual(minutes.status, Minutes.Status.DRAFT)
        revision = minutes.current_revision
        assert revision is not None
        self.assertEqual(revision.kind, MinutesRevision.Kind.IMPORT)
        content = revision.content
        self.assertEqual(len(content["agreements"]), 2)
        self.assertIn("repositorio virtual", content["agreements"][0]["text"])
        self.assertEqual(len(content["interventions"]), 8)
        self.assertTrue(content["next_meeting"]["starts_at"].startswith("2026-04-16"))

    def test_unreadable_files_are_refused_with_a_message_and_nothing_is_created(self) -> None:
        for upload, message in (
            (SimpleUploadedFile("acta.txt", b""), "empty"),
            (SimpleUploadedFile("acta.exe", b"MZ\x90\x00"), "cannot be imported as minutes"),
            (SimpleUploadedFile("acta.pdf", b"<html><body>hola</body></html>"), ""),
        ):
            with self.subTest(upload.name):
                response = self.preview(upload)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "error-summary", status_code=400)
                if message:
                    self.assertContains(response, message, status_code=400)
        self.assertEqual(Meeting.objects.count(), 0)

    def test_a_confirmation_without_a_date_changes_nothing(self) -> None:
        data = form_data(self.preview(seed_docx()))
        data["date"] = ""
        data["series"] = self.series.pk
        response = self.as_("coord").post(CONFIRM, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Date of the meeting", status_code=400)
        self.assertContains(response, "Entre los temas propuestos", status_code=400)
        self.assertEqual(Meeting.objects.count(), 0)

    def test_new_people_are_added_only_when_chosen(self) -> None:
        """ "Add to the directory" creates a pending record without consent; the other
        unknown name, left as proposed, is kept as written."""
        text = (
            "ACTA DE LA REUNIÓN\nFecha: 5 de junio de 2026\n\nAsistentes:\n"
            "- Rosa Quispe (Red Andina)\n- Carlos Ñique – Colectivo Sur\n"
        )
        upload = SimpleUploadedFile("acta.txt", text.encode())
        data = form_data(self.preview(upload))
        self.assertEqual(data["t0_name"], "Rosa Quispe")
        self.assertEqual(data["t0_keep"], "text")
        data["t0_keep"] = "create"
        data["series"] = self.series.pk
        people = Person.objects.count()
        self.assertEqual(self.as_("coord").post(CONFIRM, data).status_code, 302)
        self.assertEqual(Person.objects.count(), people + 1)
        added = Person.objects.get(full_name="Rosa Quispe")
        self.assertFalse(added.public_listing)
        self.assertFalse(added.members_listing)
        self.assertEqual(Attendance.objects.filter(person=added).count(), 1)
        self.assertFalse(Person.objects.filter(full_name__icontains="Ñique").exists())
        kept = Attendance.objects.get(person=None)
        self.assertEqual(
            (kept.name_text, kept.organization_text), ("Carlos Ñique", "Colectivo Sur")
        )

    def test_only_coordinators_may_import(self) -> None:
        data = form_data(self.preview(seed_docx()))
        data["series"] = self.series.pk
        for persona in ("reg", "mem_a"):
            with self.subTest(persona):
                self.assertEqual(self.as_(persona).post(CONFIRM, data).status_code, 403)
                self.assertEqual(self.preview(seed_docx(), persona).status_code, 403)
        self.assertEqual(self.as_("anon").post(CONFIRM, data).status_code, 302)
        self.assertEqual(Meeting.objects.count(), 0)
        self.assertEqual(self.as_("admin").post(CONFIRM, data).status_code, 302)
        self.assertEqual(Meeting.objects.count(), 1)

    def test_the_preview_costs_the_same_queries_for_3_or_30_attendees(self) -> None:
        def minutes(count: int) -> SimpleUploadedFile:
            first, last = ["Ana", "Luis", "Rosa", "Carlos", "Elena", "Jorge"], ["Quispe", "Rojas"]
            lines = "\n".join(
                f"- {first[n % 6]} {last[n % 2]} {last[n // 2 % 2]} (Red {n})" for n in range(count)
            )
            text = f"ACTA\nFecha: 5 de junio de 2026\n\nAsistentes:\n{lines}\n"
            return SimpleUploadedFile("acta.txt", text.encode())

        client = self.as_("coord")
        client.get(UPLOAD)
        counts = []
        for count in (3, 30):
            with CaptureQueriesContext(connection) as queries:
                response = client.post(UPLOAD, {"file": minutes(count)})
            self.assertEqual(response.status_code, 200)
            self.assertEqual(len(response.context["attendees"]), count)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])

    def test_each_field_missed_is_said_beside_it_and_the_source(self) -> None:
        """Minutes without a place, an attendee list or agreements: one warning each, beside
        its field (not in the list above the form), next to the text of the file."""
        text = "ACTA\nFecha: 5 de junio de 2026\n\nSe conversó sobre la red dorsal.\n"
        response = self.preview(SimpleUploadedFile("acta.txt", text.encode()))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        for message in (
            "No place of the meeting was found.",
            "No list of attendees was found.",
            "No agreements were found.",
            "No next meeting was found.",
        ):
            with self.subTest(message):
                self.assertEqual(html.count(message), 1)
                self.assertIn(f'<p class="field-warning">{message}</p>', html)
        self.assertNotIn("No date of the meeting was found.", html)
        self.assertContains(response, "Se conversó sobre la red dorsal.")  # the source
        self.assertNotIn("No attendee list was found.", html)  # said once, not twice
