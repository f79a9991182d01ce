"""Minutes PDF benchmark: how long WeasyPrint takes to render the minutes of a large meeting.

Builds (in memory, no database) the minutes of a meeting with ``--items`` presentations
(one per agenda item, with points in Markdown), ``--agreements`` agreements and
``--interventions`` long interventions (the talk of a 100-attendee meeting), then renders
them to a tagged PDF/UA-1 ``--repeats`` times through
:func:`minka.meetings.minutes.exports.to_pdf` (sanitized Markdown, refusing URL fetcher).
Prints the first (cold) render, the median and p95 of the others, then what a download
costs once the PDF is stored (``pdf_store``: HTML, hash, read), pages and size, the
machine, and a JSON line with the same figures::

    MINKA_TESTING=1 .venv/bin/python bench/minutes_pdf.py [--repeats 10]

Target (issue 5): the minutes of such a meeting as PDF in under a second. Layout alone
takes longer for long minutes, so PDFs are rendered once, in the background, and stored.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minka.meetings.minutes.models import Minutes, MinutesRevision

WORDS = """
red dorsal nacional fibra óptica selva internet acceso conectividad banda ancha telefonía
móvil política políticas públicas gobierno digital brecha comunidad comunidades rurales
organización sociedad civil ciberseguridad privacidad datos personales protección derechos
información transparencia participación ciudadana educación escuela universidad investigación
tecnología innovación infraestructura despliegue antena espectro radioeléctrico regulación
ministerio transportes comunicaciones municipalidad región provincia distrito amazonía andes
población indígena pueblos originarios quechua aimara lengua cultura mujeres jóvenes niñas
salud telemedicina agricultura comercio electrónico servicio plataforma gobernanza foro
""".split()  # noqa: SIM905 -- a word list reads better as prose.
NAMES = ["Ana Núñez", "José Peña", "María Quispe", "Luis Huamán", "Rosa Mamani", "Iñigo Ruiz"]


def sentences(rng: random.Random, count: int) -> str:
    return " ".join(
        " ".join(rng.choices(WORDS, k=rng.randint(8, 16))).capitalize() + "." for _ in range(count)
    )


def build(items: int, agreements: int, interventions: int) -> tuple[Minutes, MinutesRevision]:
    """Unsaved minutes of a large meeting (nothing touches the database)."""
    from minka.accounts.models import User
    from minka.meetings.minutes.content import (
        Agreement,
        Intervention,
        MinutesContent,
        NextMeeting,
        Presentation,
    )
    from minka.meetings.minutes.models import Minutes, MinutesRevision
    from minka.meetings.models import Meeting, Series

    rng = random.Random(5)  # noqa: S311 - reproducible sample text, not security
    starts = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
    series = Series(title="Desarrollo de las TIC en el Perú: aportes desde la sociedad civil")
    meeting = Meeting(
        series=series,
        number=3,
        title="Reunión mensual de noviembre",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        place="Auditorio de la PUCP, Lima",
    )
    content = MinutesContent(
        summary=sentences(rng, 12),
        presentations=[
            Presentation(
                title=f"Punto {n}: " + sentences(rng, 1)[:80],
                presenter=rng.choice(NAMES),
                organization="Asociación Señal",
                points="\n".join(f"- {sentences(rng, 2)}" for _ in range(4)),
            )
            for n in range(1, items + 1)
        ],
        interventions=[
            Intervention(
                topic=sentences(rng, 1)[:60], speaker=rng.choice(NAMES), text=sentences(rng, 6)
            )
            for _ in range(interventions)
        ],
        agreements=[
            Agreement(text=sentences(rng, 2), responsible=rng.choice(NAMES), due_date="2026-12-15")
            for _ in range(agreements)
        ],
        next_meeting=NextMeeting(starts_at="2026-12-19T10:00", text="En la PUCP."),
        notes=sentences(rng, 8),
    )
    approver = User(full_name="Coordinación de la red")
    minutes = Minutes(
        meeting=meeting,
        status=Minutes.Status.PUBLISHED,
        approved_by=approver,
        approved_at=starts + timedelta(days=21),
    )
    revision = MinutesRevision(minutes=minutes, number=4, content=content.to_json())
    return minutes, revision


def machine() -> str:
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} CPUs, {platform.platform()}"


def serve_stored(minutes: Minutes, revision: MinutesRevision, repeats: int) -> list[float]:
    """What a download costs once the PDF is stored (after approval, publication or an
    erratum the task stores it; see ``minka.meetings.minutes.pdf_store``): build the print
    HTML, hash it, find the file and read it. The database is not involved here (the view
    adds its permission queries, about 2 ms)."""
    from django.core.files.storage import default_storage

    from minka.meetings.minutes import pdf_store

    name, html = pdf_store.lookup(minutes, revision, errata=[])
    pdf_store.store(minutes, name, html)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        name, _html = pdf_store.lookup(minutes, revision, errata=[])
        if not pdf_store.exists(name):
            raise RuntimeError("the stored PDF was not found")
        with default_storage.open(name) as file:
            file.read()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def run(repeats: int, items: int, agreements: int, interventions: int) -> dict[str, object]:
    import pypdfium2

    from minka.meetings.minutes import exports

    minutes, revision = build(items, agreements, interventions)
    timings = []
    pdf = b""
    for _ in range(repeats + 1):
        started = time.perf_counter()
        pdf = exports.to_pdf(minutes, revision, errata=[])
        timings.append((time.perf_counter() - started) * 1000)
    cold, warm = timings[0], sorted(timings[1:])
    p95 = warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))]
    served = serve_stored(minutes, revision, repeats)
    return {
        "bench": "minutes_pdf",
        "items": items,
        "agreements": agreements,
        "interventions": interventions,
        "repeats": repeats,
        "cold_ms": round(cold, 1),
        "median_ms": round(statistics.median(warm), 1),
        "p95_ms": round(p95, 1),
        "served_median_ms": round(statistics.median(served), 1),
        "served_max_ms": round(max(served), 1),
        "pages": len(pypdfium2.PdfDocument(pdf)),
        "bytes": len(pdf),
        "machine": machine(),
        "python": platform.python_version(),
        "weasyprint": importlib.metadata.version("weasyprint"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--agreements", type=int, default=20)
    parser.add_argument("--interventions", type=int, default=100)
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("MINKA_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
    import tempfile

    media = tempfile.TemporaryDirectory(prefix="minka-bench-media-")
    os.environ["MINKA_MEDIA_ROOT"] = media.name
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # no per-step progress lines
    result = run(max(1, args.repeats), args.items, args.agreements, args.interventions)
    size_kib = int(str(result["bytes"])) / 1024
    lines = [
        f"minutes       {args.items} presentations, {args.agreements} agreements, "
        f"{args.interventions} interventions",
        f"pdf           {result['pages']} pages, {size_kib:.0f} KiB",
        f"render        cold {result['cold_ms']} ms; median {result['median_ms']} ms, "
        f"p95 {result['p95_ms']} ms over {args.repeats}",
        f"stored        median {result['served_median_ms']} ms, "
        f"max {result['served_max_ms']} ms over {args.repeats} (HTML, hash, read)",
        f"machine       {result['machine']}; Python {result['python']}; "
        f"WeasyPrint {result['weasyprint']}; load average {os.getloadavg()[0]:.1f}",
    ]
    for line in lines:
        print(line)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
