"""``minka reindex``: rebuild the search index from every registered model."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from minka import search


class Command(BaseCommand):
    # Like Django's own commands, the help is for administrators and stays in English.
    help = (
        "Rebuild the search index from every searchable object. Searches see the old index "
        "until the new one is complete."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = search.reindex()
        seconds = time.perf_counter() - started
        # es: "Se indexó %(count)d entrada en %(seconds).1f s." /
        # "Se indexaron %(count)d entradas en %(seconds).1f s."
        message = ngettext(
            "Indexed %(count)d entry in %(seconds).1f s.",
            "Indexed %(count)d entries in %(seconds).1f s.",
            count,
        ) % {"count": count, "seconds": seconds}
        self.stdout.write(self.style.SUCCESS(message))
