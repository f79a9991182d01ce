"""``minka import_minutes``: JSON on stdout only, a readable summary, dry runs that save
nothing, proposals versus confirmed people, and exit status 2 for every refusal."""

from __future__ import annotations

import json
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from minka.core.tests.base import RoleTestCase
from minka.core.tests.test_deploy import run_minka
from minka.directory.models import (
    Affiliation,
    ConsentEvent,
    DataRequest,
    Organization,
    Person,
    Topic,
)
from minka.directory.tests.factories import PersonFactory
from minka.meetings.minutes.importers.formats import read_minutes
from minka.meetings.minutes.importers.spanish import parse_minutes
from minka.meetings.minutes.models import Minutes, MinutesRevision, Observation
from minka.meetings.models import AgendaItem, Attendance, CalendarFeed, Invitee, Meeting, Series
from minka.meetings.tests.factories import SeriesFactory

if TYPE_CHECKING:
    import subprocess

SEED = Path(__file__).resolve().parent / "fixtures" / "minutes" / "seed_2026_03.txt"
MODELS = (
    Series,
    Meeting,
    AgendaItem,
    Invitee,
    Attendance,
    CalendarFeed,
    Minutes,
    MinutesRevision,
    Observation,
    Organization,
    Person,
    Affiliation,
    ConsentEvent,
    DataRequest,
    Topic,
)
# Minutes with an attendance list: one attendee the directory knows, one it does not.
WITH_ATTENDEES = """\
Acta de la reunión de coordinación
Fecha: 12 de mayo de 2026
Lugar: Cusco

Asistentes:
- Rosa Quispe (Organización A)
- Pedro Nuevo Ramos (Organización B)

Acuerdos
- Enviar el informe de conectividad.
"""
WITHOUT_DATE = """\
Reunión de coordinación

Acuerdos
- Enviar el informe de conectividad.
"""


def counts() -> list[int]:
    return [model.objects.count() for model in MODELS]


class CommandTestCase(RoleTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.folder / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    def run_command(self, *args: str) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command("import_minutes", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def assert_refused(self, *args: str, message: str) -> None:
        """The command fails with status 2, ``message`` in its error, and saves nothing."""
        before = counts()
        with self.assertRaises(CommandError) as raised:
            self.run_command(*args)
        self.assertEqual(raised.exception.returncode, 2)
        self.assertIn(message, str(raised.exception))
        self.assertEqual(counts(), before)


@override_settings(LANGUAGE_CODE="en")
class OutputTests(CommandTestCase):
    def test_json_prints_the_parsed_minutes_and_nothing_else(self) -> None:
        """stdout is exactly the parser's JSON; the summary goes to stderr."""
        out, err = self.run_command(str(SEED), "--year", "2026", "--json", "--dry-run")
        expected = parse_minutes(read_minutes(SEED), year=2026).to_dict()
        self.assertEqual(out, json.dumps(expected, ensure_ascii=False, indent=2) + "\n")
        self.assertEqual(json.loads(out)["date"], "2026-03-16")
        self.assertIn("Dry run: nothing was saved.", err)
        self.assertIn("Date: 2026-03-16", err)

    def test_the_summary_counts_each_section_and_lists_warnings(self) -> None:
        out, err = self.run_command(str(SEED), "--year", "2026", "--dry-run")
        parsed = parse_minutes(read_minutes(SEED), year=2026)
        self.assertEqual(err, "")
        for label, items in (
            ("Presentations", parsed.presentations),
            ("Interventions", parsed.interventions),
            ("Agreements", parsed.agreements),
            ("Attendees", parsed.attendees),
        ):
            self.assertIn(f"  {label}: {len(items)}\n", out)
        for warning in parsed.warnings:
            self.assertIn(f"  - {warning}\n", out)
        self.assertIn("Next meeting: 2026-04-16", out)

    def test_the_year_option_dates_minutes_written_without_one(self) -> None:
        out, _err = self.run_command(str(SEED), "--year", "2025", "--json", "--dry-run")
        self.assertEqual(json.loads(out)["date"], "2025-03-16")


@override_settings(LANGUAGE_CODE="en")
class ImportTests(CommandTestCase):
    def test_the_seed_becomes_a_held_meeting_with_draft_minutes(self) -> None:
        out, err = self.run_command(str(SEED), "--year", "2026", "--series", "Mesa TIC")
        self.assertEqual(err, "")
        series = Series.objects.get()
        self.assertEqual((series.title, series.slug), ("Mesa TIC", "mesa-tic"))
        meeting = Meeting.objects.get()
        self.assertEqual((meeting.series, meeting.number), (series, 1))
        self.assertEqual(meeting.status, Meeting.Status.HELD)
        self.assertEqual(timezone.localtime(meeting.starts_at).date().isoformat(), "2026-03-16")
        self.assertIsNone(meeting.created_by)
        minutes = Minutes.objects.get(meeting=meeting)
        self.assertEqual(minutes.status, Minutes.Status.DRAFT)
        self.assertEqual(minutes.revisions.get().kind, MinutesRevision.Kind.IMPORT)
        self.assertIn("Series created: Mesa TIC.", out)
        self.assertIn(meeting.get_absolute_url(), out)

    def test_json_with_an_import_keeps_stdout_for_the_json(self) -> None:
        out, err = self.run_command(str(SEED), "--year", "2026", "--json")
        meeting = Meeting.objects.get()
        self.assertEqual(json.loads(out)["date"], "2026-03-16")
        self.assertNotIn(meeting.get_absolute_url(), out)
        self.assertIn(meeting.get_absolute_url(), err)

    def test_an_existing_series_is_found_ignoring_case_and_accents(self) -> None:
        series = SeriesFactory.create(title="Desarrollo de las TIC en el Perú", slug="tic")
        self.run_command(
            str(SEED), "--year", "2026", "--series", "DESARROLLO de las tic en el peru"
        )
        self.assertEqual(Series.objects.get(), series)
        self.assertEqual(Meeting.objects.get().series, series)

    def test_a_dry_run_saves_nothing_at_all(self) -> None:
        PersonFactory.create(full_name="Rosa Quispe")
        path = self.write("acta.txt", WITH_ATTENDEES)
        before = counts()
        for extra in ([], ["--json"]):
            self.run_command(
                str(path), "--dry-run", "--create-people", "--series", "Nueva serie", *extra
            )
        self.run_command(str(SEED), "--year", "2026", "--dry-run", "--series", "Otra")
        self.assertEqual(counts(), before)

    def test_unmatched_attendees_are_kept_as_written_without_create_people(self) -> None:
        rosa = PersonFactory.create(full_name="Rosa Quispe")
        path = self.write("acta.txt", WITH_ATTENDEES)
        people = Person.objects.count()
        out, _err = self.run_command(str(path))
        self.assertEqual(Person.objects.count(), people)
        self.assertIn("Rosa Quispe (Organización A): found in the directory.", out)
        self.assertIn("Pedro Nuevo Ramos (Organización B): not in the directory", out)
        meeting = Meeting.objects.get()
        self.assertEqual(
            list(meeting.attendances.order_by("pk").values_list("person", "name_text")),
            [(rosa.pk, ""), (None, "Pedro Nuevo Ramos")],
        )

    def test_create_people_adds_the_unmatched_attendees_pending(self) -> None:
        rosa = PersonFactory.create(full_name="Rosa Quispe")
        path = self.write("acta.txt", WITH_ATTENDEES)
        out, _err = self.run_command(str(path), "--create-people")
        self.assertIn("will be added to the directory, pending consent.", out)
        pedro = Person.objects.get(full_name="Pedro Nuevo Ramos")
        self.assertEqual(pedro.status, Person.Status.PENDING)
        self.assertFalse(ConsentEvent.objects.filter(person=pedro).exists())
        self.assertEqual(pedro.affiliations.get().organization, self.org_b)
        self.assertEqual(
            set(Meeting.objects.get().attendances.values_list("person", flat=True)),
            {rosa.pk, pedro.pk},
        )


@override_settings(LANGUAGE_CODE="en")
class RefusalTests(CommandTestCase):
    def test_a_missing_file_is_refused(self) -> None:
        self.assert_refused(str(self.folder / "nada.txt"), message="There is no minutes file")

    def test_a_folder_is_refused(self) -> None:
        self.assert_refused(str(self.folder), message="There is no minutes file")

    def test_an_unsupported_type_is_refused(self) -> None:
        path = self.write("acta.exe", b"MZ\x90\x00")
        self.assert_refused(str(path), message="cannot be imported as minutes")

    def test_a_file_whose_bytes_are_not_its_type_is_refused(self) -> None:
        path = self.write("acta.pdf", "El 16 de marzo de 2026 se realizó la reunión.")
        before = counts()
        with self.assertRaises(CommandError) as raised:
            self.run_command(str(path), "--series", "Serie")
        self.assertEqual(raised.exception.returncode, 2)
        self.assertEqual(counts(), before)

    def test_an_empty_file_is_refused(self) -> None:
        path = self.write("acta.txt", "")
        before = counts()
        with self.assertRaises(CommandError) as raised:
            self.run_command(str(path))
        self.assertEqual(raised.exception.returncode, 2)
        self.assertEqual(counts(), before)

    def test_minutes_without_a_date_are_refused_and_no_series_is_left(self) -> None:
        path = self.write("acta.txt", WITHOUT_DATE)
        self.assert_refused(
            str(path), "--series", "Serie nueva", "--create-people", message="on which date"
        )

    def test_without_a_date_a_dry_run_still_reports(self) -> None:
        path = self.write("acta.txt", WITHOUT_DATE)
        out, _err = self.run_command(str(path), "--dry-run")
        self.assertIn("Date: (not found)", out)

    def test_the_command_line_exits_with_status_2(self) -> None:
        """Through ``minka import_minutes`` itself: the message on stderr, status 2."""
        out, err = StringIO(), StringIO()
        argv = ["minka", "import_minutes", str(self.folder / "nada.txt")]
        with redirect_stdout(out), redirect_stderr(err), self.assertRaises(SystemExit) as exit:
            ManagementUtility(argv).execute()
        self.assertEqual(exit.exception.code, 2)
        self.assertIn("There is no minutes file", err.getvalue())
        self.assertEqual(out.getvalue(), "")


class FreshInstallTests(SimpleTestCase):
    """On a fresh install, before ``minka migrate``: a dry run needs no database."""

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        data = tempfile.mkdtemp(prefix="minka-fresh-")
        self.addCleanup(shutil.rmtree, data, ignore_errors=True)
        return run_minka(
            "import_minutes",
            str(SEED),
            "--year",
            "2026",
            *args,
            MINKA_DEBUG="true",
            MINKA_DATA_DIR=data,
        )

    def test_a_dry_run_parses_and_prints_without_a_migrated_database(self) -> None:
        """With --json the output is only the JSON; the matching is skipped with a warning
        that names the fix, and no attendee is claimed missing from the directory."""
        result = self._run("--dry-run", "--json", "--series", "Serie nueva")
        self.assertEqual(result.returncode, 0, result.stderr)
        parsed = json.loads(result.stdout)
        self.assertEqual(parsed["date"], "2026-03-16")
        self.assertEqual(len(parsed["agreements"]), 2)
        self.assertIn("minka migrate", result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        # Nothing says a person is or is not in the directory: nobody looked.
        for line in result.stderr.splitlines():
            self.assertFalse(line.startswith("  ") and ":" in line and "(" in line, line)

    def test_a_real_import_asks_for_migrate_first(self) -> None:
        result = self._run()
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("minka migrate", result.stderr)
        self.assertNotIn("Traceback", result.stderr)
