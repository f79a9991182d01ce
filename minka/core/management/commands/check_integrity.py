"""``minka check_integrity``: database against storage (:mod:`minka.core.integrity`)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minka.core import integrity


class Command(BaseCommand):
    # Like Django's own commands, the help and the report are for administrators, in English.
    help = (
        "Check that every stored file named in the database exists (and, for document "
        "versions, has the recorded SHA-256) and that every stored file belongs to a row. "
        "With --repair, delete orphan files older than the grace period; missing and "
        "corrupt files are only reported. Exits with status 1 while problems remain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Delete orphan files older than the grace period (nothing else is changed).",
        )
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=int(integrity.GRACE.total_seconds() // 60),
            help="Orphans younger than this may be uploads in progress and are kept "
            "(default: %(default)s).",
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["grace_minutes"] < 0:
            raise CommandError("--grace-minutes cannot be negative.")
        report = integrity.check(
            repair=options["repair"], grace=timedelta(minutes=options["grace_minutes"])
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            self._write_text(report)
        if not report.clean:
            raise CommandError("Integrity problems remain.", returncode=1)

    def _write_text(self, report: integrity.Report) -> None:
        self.stdout.write(f"Stored files checked: {report.checked_files}.")
        sections = [
            ("Missing files (a row names a file the storage does not have)", report.missing),
            ("Corrupt files (SHA-256 differs from the recorded one)", report.corrupt),
            ("Orphan files (referenced by no row)", report.orphans),
        ]
        removed = set(report.removed)
        for title, problems in sections:
            if not problems:
                continue
            self.stdout.write(self.style.WARNING(f"{title}: {len(problems)}"))
            for problem in problems:
                line = f"  {problem.name}"
                if problem.owner:
                    line += f" ({problem.owner})"
                if problem.detail:
                    line += f": {problem.detail}"
                if problem.name in removed:
                    line += " [deleted]"
                self.stdout.write(line)
        if report.removed:
            self.stdout.write(f"Orphan files deleted: {len(report.removed)}.")
        kept = len(report.remaining_orphans)
        if kept:
            self.stdout.write(
                f"Orphan files kept: {kept} (younger than the grace period, or no --repair)."
            )
        if report.clean:
            self.stdout.write(self.style.SUCCESS("Storage and database agree: clean."))
