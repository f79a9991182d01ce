"""The importer's limits: the structure of minutes is read in a child process with a time
budget (CPU and wall clock), the format layer stays linear on hostile text, and the
"Importar acta" page has a per-account rate limit.

Wall-time assertions leave a wide margin (budget 1 s, asserted under 15 s) so that a loaded
two-core machine cannot make them fail; what they catch is a parse that is not stopped.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import translation

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.core.tests.base import RoleTestCase, add_totp, client_for
from minka.meetings.minutes.importers import budget
from minka.meetings.minutes.importers.errors import MinutesTooComplex, ParserUnavailable
from minka.meetings.minutes.importers.formats import MAX_BYTES, MAX_CHARS, tidy
from minka.meetings.minutes.importers.formats import text as markdown
from minka.meetings.minutes.importers.formats.text import MarkdownFormat
from minka.meetings.minutes.importers.spanish import parse_minutes
from minka.meetings.minutes.models import Minutes
from minka.meetings.models import Meeting, Series

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "minutes"
SEED = (FIXTURES / "seed_2026_03.txt").read_text(encoding="utf-8")
UPLOAD = reverse("meetings:minutes-import")
CONFIRM = reverse("meetings:minutes-import-confirm")
# The slowest "Acuerdo:" line per byte found (about 5 µs a byte, 5 s of CPU for 0.9 MB on
# the reference machine): each line is checked as a heading, field, presenter, date…
HOSTILE_LINE = "Acuerdo:\n"
BUDGET = 1  # seconds, in these tests
MARGIN = 15.0  # seconds of wall time no refusal may reach, however busy the machine
TOO_COMPLEX_EN = "The minutes are too long or complex to read in the time allowed."
TOO_COMPLEX_ES = "El acta es demasiado larga o compleja para leerla en el tiempo permitido."


def hostile(size: int, line: str = HOSTILE_LINE) -> bytes:
    """About ``size`` bytes of ``line`` repeated."""
    return (line * (size // len(line.encode()))).encode()


def upload(content: bytes, name: str = "acta.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


# --- The budget ------------------------------------------------------------------------------


@override_settings(LANGUAGE_CODE="en", IMPORT_PARSE_TIMEOUT=BUDGET)
class BudgetTests(SimpleTestCase):
    def test_the_child_gives_what_the_parser_gives_in_process(self) -> None:
        """The structure found in the child equals the in-process one, warnings (translated
        in the request's language) included."""
        for language in ("en", "es"):
            with self.subTest(language), translation.override(language):
                expected = parse_minutes(SEED, year=2026)
                self.assertEqual(budget.parse_minutes_within_budget(SEED, year=2026), expected)
                without_year = budget.parse_minutes_within_budget(SEED, year=None)
                self.assertEqual(without_year, parse_minutes(SEED, year=None))
                self.assertTrue(without_year.warnings)

    def test_deactivated_translations_stay_deactivated_in_the_child(self) -> None:
        with translation.override("es"), translation.override(None):
            expected = parse_minutes(SEED, year=None)
            self.assertEqual(budget.parse_minutes_within_budget(SEED, year=None), expected)
        self.assertTrue(
            any("The year of the meeting is not written" in w for w in expected.warnings)
        )

    def test_a_lone_surrogate_in_the_text_travels_both_ways(self) -> None:
        text = SEED + "\nNota: \ud800 ilegible.\n"
        self.assertEqual(
            budget.parse_minutes_within_budget(text, year=2026), parse_minutes(text, year=2026)
        )

    def test_hostile_text_is_stopped_within_the_budget(self) -> None:
        text = hostile(900_000).decode()
        started = time.monotonic()
        with self.assertRaisesMessage(MinutesTooComplex, TOO_COMPLEX_EN):
            budget.parse_minutes_within_budget(text, year=2026)
        self.assertLess(time.monotonic() - started, MARGIN)

    def test_a_child_that_uses_no_cpu_is_stopped_by_the_wall_clock(self) -> None:
        """Twice the budget plus a second of wall time, then the child is killed."""
        sleeping = [sys.executable, "-c", "import time; time.sleep(120)"]
        started = time.monotonic()
        with (
            mock.patch.object(budget, "_command", return_value=sleeping),
            self.assertLogs("minka.meetings.minutes.importers.budget", "WARNING"),
            self.assertRaises(MinutesTooComplex),
        ):
            budget.parse_minutes_within_budget(SEED, year=2026)
        self.assertLess(time.monotonic() - started, MARGIN)

    def test_the_budget_can_be_given_per_call(self) -> None:
        text = hostile(900_000).decode()
        with (
            self.settings(IMPORT_PARSE_TIMEOUT=600),
            self.assertRaises(MinutesTooComplex),
        ):
            budget.parse_minutes_within_budget(text, year=2026, timeout=1)

    def test_a_child_that_cannot_start_is_reported_not_raised(self) -> None:
        with (
            mock.patch.object(subprocess, "Popen", side_effect=OSError("no fork")),
            self.assertLogs("minka.meetings.minutes.importers.budget", "ERROR"),
            self.assertRaises(ParserUnavailable),
        ):
            budget.parse_minutes_within_budget(SEED, year=2026)

    def test_a_child_that_fails_is_reported_not_raised(self) -> None:
        failing = [sys.executable, "-c", "import sys; sys.exit(3)"]
        with (
            mock.patch.object(budget, "_command", return_value=failing),
            self.assertLogs("minka.meetings.minutes.importers.budget", "ERROR"),
            self.assertRaises(ParserUnavailable),
        ):
            budget.parse_minutes_within_budget(SEED, year=2026)

    def test_unexpected_output_is_refused(self) -> None:
        for output in ("[]", "{", json.dumps({"title": 3, "attendees": "x"})):
            with self.subTest(output):
                printing = [sys.executable, "-c", f"print({output!r})"]
                with (
                    mock.patch.object(budget, "_command", return_value=printing),
                    self.assertLogs("minka.meetings.minutes.importers.budget", "ERROR"),
                    self.assertRaises(ParserUnavailable),
                ):
                    budget.parse_minutes_within_budget(SEED, year=2026)

    def test_the_child_sees_no_secrets_of_the_application(self) -> None:
        with mock.patch.dict(os.environ, {"MINKA_SECRET_KEY": "s3cret", "DATABASE_URL": "x"}):
            environment = budget._environment(Path("/nonexistent"))
        self.assertFalse([name for name in environment if name.startswith("MINKA_")])
        self.assertNotIn("DATABASE_URL", environment)
        self.assertNotIn("DJANGO_SETTINGS_MODULE", environment)

    def test_the_child_is_limited_and_cannot_open_connections_or_start_programs(self) -> None:
        """After the child's ``main`` (the parse done), the same process finds its limits
        set and a connection or a program refused."""
        job = budget_job()
        probe = (
            "import json, resource, socket, subprocess, sys\n"
            "from minka.meetings.minutes.importers import budget\n"
            f"budget.main(['budget', {json.dumps(job)!r}])\n"
            "assert resource.getrlimit(resource.RLIMIT_CPU)[0] == 1\n"
            "assert resource.getrlimit(resource.RLIMIT_AS)[0] == 512 * 1024 * 1024\n"
            "for attempt in (lambda: socket.socket(), lambda: subprocess.run(['true'])):\n"
            "    try:\n"
            "        attempt()\n"
            "    except RuntimeError:\n"
            "        continue\n"
            "    sys.exit('allowed')\n"
        )
        done = subprocess.run(  # noqa: S603 -- this interpreter and a fixed script.
            [sys.executable, "-c", probe],
            input=SEED.encode(),
            env=budget._environment(Path("/nonexistent")),
            capture_output=True,
            check=False,
            timeout=60,
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout)["date"], "2026-03-16")


def budget_job() -> dict[str, Any]:
    return {
        "cpu_seconds": 1,
        "memory_mb": 512,
        "year": 2026,
        "today": "2026-12-01",
        "language_code": "es",
        "language": "en",
        "locale_paths": [],
    }


# --- The page ------------------------------------------------------------------------------


@override_settings(LANGUAGE_CODE="en", IMPORT_PARSE_TIMEOUT=BUDGET, LIBREOFFICE="off")
class HostileUploadTests(RoleTestCase):
    def post(self, content: bytes, name: str = "acta.txt", persona: str = "coord") -> Any:
        started = time.monotonic()
        response = self.as_(persona).post(UPLOAD, {"file": upload(content, name), "year": "2026"})
        self.assertLess(time.monotonic() - started, MARGIN)
        return response

    def assert_nothing_saved(self) -> None:
        self.assertEqual(Meeting.objects.count(), 0)
        self.assertEqual(Minutes.objects.count(), 0)
        self.assertEqual(Series.objects.count(), 0)

    def test_0_9_mb_of_agreement_lines_get_a_clear_message_within_the_budget(self) -> None:
        response = self.post(hostile(900_000))
        self.assertContains(response, TOO_COMPLEX_EN, status_code=400)
        self.assertContains(response, "error-summary", status_code=400)
        self.assert_nothing_saved()

    def test_the_longest_text_accepted_is_stopped_within_the_budget(self) -> None:
        content = hostile(MAX_CHARS - 100)
        self.assertLess(len(content.decode()), MAX_CHARS)
        self.assertContains(self.post(content), TOO_COMPLEX_EN, status_code=400)
        self.assert_nothing_saved()

    def test_a_text_at_the_size_cap_is_refused_as_too_long(self) -> None:
        content = hostile(MAX_BYTES)
        self.assertGreater(len(content), MAX_BYTES - len(HOSTILE_LINE))
        self.assertContains(self.post(content), "too long to import", status_code=400)
        self.assert_nothing_saved()

    def test_hostile_markdown_is_read_in_linear_time(self) -> None:
        """Patterns that made the Markdown and white-space clean-up backtrack (20 KB took
        seconds, a megabyte hours) are now read quickly."""
        lines = [
            "# x" + " " * 400_000 + "y",
            "**x " * 100_000,
            "__x " * 100_000,
            " " * 400_000 + "x",
        ]
        response = self.post("\n".join(lines).encode(), name="acta.md")
        self.assertIn(response.status_code, (200, 400))
        self.assert_nothing_saved()

    @override_settings(LANGUAGE_CODE="es")
    def test_the_message_is_in_spanish(self) -> None:
        self.assertContains(self.post(hostile(900_000)), TOO_COMPLEX_ES, status_code=400)

    def test_a_server_problem_is_a_503_with_a_message_not_a_500(self) -> None:
        with (
            mock.patch.object(subprocess, "Popen", side_effect=OSError("no fork")),
            self.assertLogs("minka.meetings.minutes.importers.budget", "ERROR"),
        ):
            response = self.post(SEED.encode())
        self.assertContains(response, "problem on the server", status_code=503)
        self.assert_nothing_saved()


@override_settings(LANGUAGE_CODE="en", LIBREOFFICE="off")
class DefaultBudgetTests(RoleTestCase):
    def test_the_seed_minutes_still_import_with_the_default_budget(self) -> None:
        response = self.as_("coord").post(UPLOAD, {"file": upload(SEED.encode()), "year": "2026"})
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(str(form["date"].value()), "2026-03-16")
        self.assertEqual(form["p0_presenter"].value(), "Alfredo Astudillo")
        data = {
            field.html_name: "on" if field.value() is True else field.value()
            for field in form
            if field.value() is not None and field.value() is not False
        }
        data["visibility"] = "members"
        data["new_series"] = "Reuniones de trabajo"  # a series is required
        confirmed = self.as_("coord").post(CONFIRM, data)
        self.assertEqual(confirmed.status_code, 302)
        self.assertEqual(Meeting.objects.count(), 1)


# --- The rate limit ---------------------------------------------------------------------------


@override_settings(LANGUAGE_CODE="en", IMPORT_RATE_LIMIT=3, LIBREOFFICE="off")
class RateLimitTests(RoleTestCase):
    def another_coordinator(self) -> User:
        user: User = UserFactory.create(
            email="coord2@example.org", full_name="Otra Coordinación", role=User.Role.COORDINATOR
        )
        add_totp(user)
        return user

    def test_the_fourth_post_in_a_minute_is_refused_with_a_429(self) -> None:
        client = self.as_("coord")
        statuses = [
            client.post(UPLOAD, {"file": upload(b"ACTA\nFecha: 5 de junio de 2026\n")}).status_code,
            client.post(UPLOAD, {}).status_code,  # an invalid form counts too
            client.post(CONFIRM, {}).status_code,  # so does a confirmation
            client.post(UPLOAD, {"file": upload(SEED.encode())}).status_code,
            client.post(CONFIRM, {}).status_code,
        ]
        self.assertEqual(statuses, [200, 400, 400, 429, 429])
        refused = client.post(UPLOAD, {"file": upload(SEED.encode())})
        self.assertEqual(refused.status_code, 429)
        self.assertGreaterEqual(int(refused["Retry-After"]), 1)
        self.assertTemplateUsed(refused, "429.html")
        self.assertEqual(client.get(UPLOAD).status_code, 200)  # reading the page is free

    def test_another_coordinator_is_not_limited_by_the_first(self) -> None:
        client = self.as_("coord")
        for _attempt in range(4):
            client.post(UPLOAD, {})
        self.assertEqual(client.post(UPLOAD, {}).status_code, 429)
        other = client_for(self.another_coordinator())
        self.assertEqual(other.post(UPLOAD, {}).status_code, 400)
        self.assertEqual(self.as_("admin").post(UPLOAD, {}).status_code, 400)

    def test_members_are_refused_before_the_limit_is_counted(self) -> None:
        for _attempt in range(5):
            self.assertEqual(self.as_("mem_a").post(UPLOAD, {}).status_code, 403)
        self.assertEqual(self.as_("coord").post(UPLOAD, {}).status_code, 400)


# --- The command ------------------------------------------------------------------------------


@override_settings(LANGUAGE_CODE="en", IMPORT_PARSE_TIMEOUT=BUDGET)
class CommandTests(RoleTestCase):
    def write(self, content: bytes) -> Path:
        folder = self.enterContext(tempfile.TemporaryDirectory())
        path = Path(folder) / "acta.txt"
        path.write_bytes(content)
        return path

    def test_the_command_refuses_hostile_minutes_in_one_line_and_exits_with_2(self) -> None:
        path = self.write(hostile(900_000))
        started = time.monotonic()
        with self.assertRaises(CommandError) as raised:
            call_command("import_minutes", str(path), "--year", "2026")
        self.assertLess(time.monotonic() - started, MARGIN)
        self.assertEqual(raised.exception.returncode, 2)
        message = str(raised.exception)
        self.assertIn(TOO_COMPLEX_EN, message)
        self.assertNotIn("\n", message)
        self.assertEqual(Meeting.objects.count(), 0)

    def test_an_operator_may_give_a_larger_budget(self) -> None:
        path = self.write(SEED.encode())
        with mock.patch(
            "minka.meetings.management.commands.import_minutes.parse_minutes_within_budget",
            wraps=budget.parse_minutes_within_budget,
        ) as parse:
            call_command("import_minutes", str(path), "--dry-run", "--parse-timeout", "30")
        self.assertEqual(parse.call_args.kwargs["timeout"], 30)

    def test_the_budget_option_must_be_a_positive_number_of_seconds(self) -> None:
        path = self.write(SEED.encode())
        with self.assertRaises(CommandError):
            call_command("import_minutes", str(path), "--dry-run", "--parse-timeout", "0")


# --- The format layer stays linear ---------------------------------------------------------


OLD_TRAILING_SPACE = re.compile(r"[ \t\u00a0\u3000]+$", re.MULTILINE)
OLD_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
OLD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def every_text(alphabet: str, longest: int) -> list[str]:
    return [
        "".join(letters)
        for length in range(longest + 1)
        for letters in itertools.product(alphabet, repeat=length)
    ]


class LinearCleanUpTests(SimpleTestCase):
    def test_trailing_white_space_is_removed_as_before(self) -> None:
        differ = [
            text
            for text in every_text(" \ta\n\u00a0", 6)
            if tidy(text) != OLD_TRAILING_SPACE.sub("", text).strip("\n")
        ]
        self.assertEqual(differ, [])

    def test_headings_lose_their_marks_as_before(self) -> None:
        differ = [
            text
            for text in every_text("# a\t\n", 7)
            if markdown.strip_headings(text) != OLD_HEADING.sub(r"\1", text)
        ]
        self.assertEqual(differ, [])

    def test_strong_marks_are_removed_as_before_when_they_pair_up(self) -> None:
        for text in (
            "El **acuerdo** y __la fecha__.",
            "**Responsable:** Ana y **Plazo:** 30 de abril",
            "**a**b**c**",
            "***muy***",
            "** no ** y **sí**",
            "__init__ y **x**",
        ):
            with self.subTest(text=text):
                self.assertEqual(markdown._STRONG.sub(r"\2", text), OLD_STRONG.sub(r"\2", text))

    def test_hostile_lines_are_cleaned_quickly(self) -> None:
        clean = MarkdownFormat().clean
        for text in (
            "# x" + " " * 200_000 + "y",
            "**x " * 50_000,
            "__x " * 50_000,
            "*x *" * 50_000,
            " " * 200_000 + "x",
            "\u00a0\t" * 100_000 + "x",
        ):
            with self.subTest(text=text[:8]):
                started = time.process_time()
                tidy(clean(text))
                self.assertLess(time.process_time() - started, 2.0)
