"""``minka purge``: delete what has outlived its retention (run it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minka.core.retention import purge


class Command(BaseCommand):
    help = (
        "Apply the retention schedule: delete finished task results and whatever else has "
        "outlived its retention. Run it daily (deploy/minka-purge.timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for label, count in purge().items():
            self.stdout.write(f"{label}: {count}")
