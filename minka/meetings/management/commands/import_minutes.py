"""``minka import_minutes FILE``: read minutes people already write and import them.

The file (text, Markdown, PDF, DOCX or ODT) is read by
:func:`minka.meetings.minutes.importers.formats.read_minutes`, its structure found by
:func:`minka.meetings.minutes.importers.spanish.parse_minutes` within the same time budget
as on the "Importar acta" page (``IMPORT_PARSE_TIMEOUT``, or ``--parse-timeout``; see
:mod:`minka.meetings.minutes.importers.budget`), and, unless ``--dry-run``, saved by
:func:`minka.meetings.minutes.importers.service.minutes_import` as a held meeting with
draft minutes, acting as the system. ``--json`` prints the parsed structure and nothing
else on standard output. Failures exit with status 2 and save nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from minka.directory.models import Person
from minka.meetings.minutes.importers.budget import parse_minutes_within_budget
from minka.meetings.minutes.importers.errors import UnreadableMinutes
from minka.meetings.minutes.importers.formats import SUPPORTED_EXTENSIONS, read_minutes
from minka.meetings.minutes.importers.matching import AttendeeMatch, match_attendees
from minka.meetings.minutes.importers.service import (
    minutes_import,
    series_find,
    series_get_or_create,
)
from minka.meetings.models import Series

if TYPE_CHECKING:
    from minka.meetings.minutes.importers.parsed import ParsedMinutes
    from minka.meetings.models import Meeting

FAILED = 2  # the exit status of every refusal (unreadable file, no date, bad series)


def _seconds(value: str) -> int:
    try:
        seconds = int(value)
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of seconds above 0")
    return seconds


def _plain(text: str) -> str:
    return text


class Command(BaseCommand):
    # Like Django's own commands, the help is for administrators and stays in English.
    help = (
        "Read minutes written as text, Markdown, PDF, DOCX or ODT, show what was found, and "
        "import them as a held meeting with draft minutes. Unmatched attendees are recorded "
        "by the name written unless --create-people adds them to the directory. Exits with "
        "status 2 when the file cannot be read or the minutes cannot be imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help=f"The minutes file ({', '.join(SUPPORTED_EXTENSIONS)})."
        )
        parser.add_argument(
            "--year", type=int, help="The year of dates written without one ('del presente')."
        )
        parser.add_argument(
            "--series",
            default="",
            help="The meeting series, by title or slug (created if missing).",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print the parsed minutes as JSON on standard output (messages go to stderr).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and report only: save nothing."
        )
        parser.add_argument(
            "--create-people",
            action="store_true",
            help="Add the attendees not found in the directory (pending, without consent).",
        )
        parser.add_argument(
            "--parse-timeout",
            type=_seconds,
            metavar="SECONDS",
            help=(
                "CPU seconds allowed for reading the structure of the minutes (default: "
                "MINKA_IMPORT_PARSE_TIMEOUT); raise it for very long minutes you trust."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        parsed = self._parse(
            self._read(path), year=options["year"], timeout=options["parse_timeout"]
        )
        report = self.stdout
        if options["json"]:
            self.stdout.write(json.dumps(parsed.to_dict(), ensure_ascii=False, indent=2))
            report = self.stderr
        matches = self._match(report, parsed, dry_run=options["dry_run"])
        create = options["create_people"]
        self._summary(report, parsed, matches or [], create=create)
        if options["dry_run"]:
            if options["series"] and matches is not None and series_find(options["series"]) is None:
                self._say(
                    report,
                    _("The series would be created: %(name)s.")
                    % {"name": " ".join(options["series"].split())},
                )
            self._say(report, _("Dry run: nothing was saved."))
            return
        new_people = {
            index
            for index, match in enumerate(matches or [])  # None only in a dry run
            if create and match.person is None and not match.ambiguous
        }
        meeting, series_created = self._import(
            parsed, series_name=options["series"], create_people=new_people, source=path.name
        )
        if series_created and meeting.series is not None:
            self._say(report, _("Series created: %(name)s.") % {"name": meeting.series.title})
        self._say(
            report,
            _("Imported as a held meeting with draft minutes: %(path)s")
            % {"path": meeting.get_absolute_url()},
        )

    def _match(
        self, out: OutputWrapper, parsed: ParsedMinutes, *, dry_run: bool
    ) -> list[AttendeeMatch] | None:
        """The attendees matched against the directory; ``None`` when a dry run finds no
        database ready (a fresh install before ``migrate``): it still parses and prints, and
        says that the matching was skipped rather than claim anyone is missing."""
        if _database_ready():
            return match_attendees(parsed.attendees)
        if not dry_run:
            raise CommandError(
                _("The database is not ready: run `minka migrate` first."), returncode=FAILED
            )
        self._say(
            out,
            _(
                "Warning: the database is not ready (run `minka migrate`), so the "
                "attendees were not matched against the directory."
            ),
        )
        return None

    def _read(self, path: Path) -> str:
        if not path.is_file():
            raise CommandError(
                _("There is no minutes file at %(path)s.") % {"path": path}, returncode=FAILED
            )
        try:
            return read_minutes(path, filename=path.name)
        except UnreadableMinutes as error:
            raise CommandError(str(error), returncode=FAILED) from None

    def _parse(self, text: str, *, year: int | None, timeout: int | None) -> ParsedMinutes:
        try:
            return parse_minutes_within_budget(text, year=year, timeout=timeout)
        except UnreadableMinutes as error:
            raise CommandError(str(error), returncode=FAILED) from None

    @transaction.atomic
    def _import(
        self, parsed: ParsedMinutes, *, series_name: str, create_people: set[int], source: str
    ) -> tuple[Meeting, bool]:
        """The series (found or created) and the meeting, in one transaction: a refusal
        leaves no new series behind."""
        series: Series | None = None
        created = False
        try:
            if series_name.strip():
                series, created = series_get_or_create(actor=None, name=series_name)
            meeting = minutes_import(
                actor=None,
                parsed=parsed,
                series=series,
                create_people=create_people,
                source_name=source,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=FAILED) from None
        return meeting, created

    def _say(self, out: OutputWrapper, message: str = "") -> None:
        # Messages, even on standard error, are not errors: no error colour.
        out.write(message, style_func=_plain)

    def _summary(
        self,
        out: OutputWrapper,
        parsed: ParsedMinutes,
        matches: list[AttendeeMatch],
        *,
        create: bool,
    ) -> None:
        unknown = _("(not found)")
        self._say(out, _("Title: %(title)s") % {"title": parsed.title or unknown})
        date = parsed.date.isoformat() if parsed.date else unknown
        self._say(out, _("Date: %(date)s") % {"date": date})
        self._say(out, _("Place: %(place)s") % {"place": parsed.place or unknown})
        sections = (
            (_("Attendees"), len(parsed.attendees)),
            (_("Agenda items"), len(parsed.agenda)),
            (_("Presentations"), len(parsed.presentations)),
            (_("Interventions"), len(parsed.interventions)),
            (_("Agreements"), len(parsed.agreements)),
            (_("Notes"), len(parsed.notes)),
        )
        for label, count in sections:
            self._say(out, f"  {label}: {count}")
        if parsed.next_meeting is not None:
            when = " ".join(
                part
                for part in (
                    parsed.next_meeting.date.isoformat() if parsed.next_meeting.date else "",
                    parsed.next_meeting.time.strftime("%H:%M") if parsed.next_meeting.time else "",
                )
                if part
            )
            self._say(
                out,
                _("Next meeting: %(when)s %(text)s")
                % {"when": when or unknown, "text": parsed.next_meeting.text},
            )
        if parsed.warnings:
            self._say(out, _("Warnings:"))
            for warning in parsed.warnings:
                self._say(out, f"  - {warning}")
        if matches:
            self._say(out, _("Attendees and the directory:"))
        for match in matches:
            first, *rest = self._match_lines(match, create=create)
            self._say(out, f"  {first}")
            for line in rest:
                self._say(out, f"      {line}")

    def _match_lines(self, match: AttendeeMatch, *, create: bool) -> list[str]:
        name = match.attendee.name
        if match.attendee.organization:
            name = f"{name} ({match.attendee.organization})"
        if match.person is not None:
            line = _("%(name)s: found in the directory.") % {"name": name}
        elif match.ambiguous:
            line = _(
                "%(name)s: several people in the directory have this name; record the "
                "attendance by hand."
            ) % {"name": name}
        elif create:
            line = _("%(name)s: will be added to the directory, pending consent.") % {"name": name}
        else:
            line = _(
                "%(name)s: not in the directory; recorded as written (--create-people adds "
                "them, pending consent)."
            ) % {"name": name}
        lines = [line]
        if match.attendee.organization and match.organization is None:
            lines.append(
                _("Organization not found in the directory: %(organization)s")
                % {"organization": match.attendee.organization}
            )
        return lines


def _database_ready() -> bool:
    """Whether the tables the import reads exist (``minka migrate`` has run)."""
    try:
        tables = set(connection.introspection.table_names())
    except DatabaseError:
        return False
    return {Person._meta.db_table, Series._meta.db_table} <= tables
