"""Minutes importer benchmark: how long the structure parser takes.

Times :func:`minka.meetings.minutes.importers.spanish.parse_minutes` (text already
extracted: no file reading) on these inputs, ``--repeats`` times each (median reported):

- the seed minutes (``minka/meetings/minutes/tests/fixtures/minutes/seed_2026_03.txt``);
- generated minutes of ``--pages`` pages of about 40 lines (attendees, agenda, several
  presentations with wrapped points, interventions, agreements with "Responsable:" and
  "Plazo:", next meeting);
- the seed again, in the budgeted child process the web page and the command use
  (:mod:`minka.meetings.minutes.importers.budget`; the child's start dominates);
- hostile text: 1 MB lines of quotes, brackets, digits, date and name fragments, and of short
  "Acuerdo:" lines (the slowest per byte: each line is tried as every kind of line) (the
  slowest of them is reported), to show no pattern backtracks; the slowest is linear but costs
  seconds, which the child's budget (``MINKA_IMPORT_PARSE_TIMEOUT``) cuts short.

Then prints the machine and a JSON line with the same figures::

    MINKA_TESTING=1 .venv/bin/python bench/importer.py [--repeats 20] [--pages 20]

Target (issue): the seed in under 20 ms on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parent.parent
SEED = (
    ROOT / "minka" / "meetings" / "minutes" / "tests" / "fixtures" / "minutes" / "seed_2026_03.txt"
)
WORDS = """
red dorsal nacional fibra óptica selva internet acceso conectividad banda ancha telefonía
móvil política políticas públicas gobierno digital brecha comunidad comunidades rurales
organización sociedad civil ciberseguridad privacidad datos personales protección derechos
información transparencia participación ciudadana educación escuela universidad investigación
""".split()  # noqa: SIM905 -- a word list reads better as prose.
NAMES = ["Ana Núñez", "José Peña", "María Quispe", "Luis Huamán", "Rosa Mamani", "Iñigo Ruiz"]
ORGANIZATIONS = ["Asociación Señal", "Red TIC Rural", "CONCORTV", "Hiperderecho"]
HOSTILE = (
    "“a ",
    "(",
    "1 de ",
    "16/03/",
    "Sr. Ana ",
    "de la ",
    "a las 1",
    "- ",
    "x" * 50,
    "Acuerdo:\n",
)


def sentence(rng: random.Random, low: int = 8, high: int = 16) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high))).capitalize() + "."


def wrapped(rng: random.Random, marker: str, text: str) -> list[str]:
    """An item as a narrow document wraps it: continuation lines start in lower case."""
    words = text.split()
    cut = rng.randint(1, len(words))
    lines = [marker + " ".join(words[:cut])]
    if cut < len(words):
        lines += ["", " ".join(words[cut:])]
    return lines


def generated_minutes(pages: int, seed: int = 5) -> str:
    """Minutes of about ``pages`` × 40 lines."""
    rng = random.Random(seed)  # noqa: S311 -- reproducible sample text, not security
    lines = ["ACTA DE LA REUNIÓN AMPLIADA DE LA RED DE PARTICIPACIÓN DIGITAL", ""]
    lines += ["Lima, 16 de marzo de 2026", "", "ASISTENTES"]
    lines += [f"- {rng.choice(NAMES)} ({rng.choice(ORGANIZATIONS)})" for _ in range(pages * 2)]
    lines += ["", "AGENDA"] + [f"{n}. {sentence(rng, 3, 6)}" for n in range(1, pages + 1)]
    target = pages * 40
    while len(lines) < target * 0.6:
        lines += ["", f"Presentación del Sr. {rng.choice(NAMES)} quien planteó:"]
        for _ in range(6):
            lines += wrapped(rng, "- ", sentence(rng))
    lines += ["", "Intervenciones"]
    while len(lines) < target * 0.85:
        lines += wrapped(rng, "• ", sentence(rng))
    lines += ["", "Acuerdos"]
    number = 0
    while len(lines) < target:
        number += 1
        lines += wrapped(rng, f"{number}) ", sentence(rng))
        lines += [f"Responsable: {rng.choice(NAMES)}", "Plazo: 30 de abril de 2026"]
    lines += ["", "Próxima reunión", "18 de mayo de 2026, 10:00 horas."]
    return "\n".join(lines)


def median_ms(function: Callable[[], object], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def machine() -> str:
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} CPUs, {platform.platform()}"


def run(repeats: int, pages: int) -> dict[str, object]:
    from minka.meetings.minutes.importers.budget import parse_minutes_within_budget
    from minka.meetings.minutes.importers.spanish import parse_minutes

    seed = SEED.read_text(encoding="utf-8")
    big = generated_minutes(pages)
    parse_minutes(seed, year=2026)  # warm up (imports, compiled patterns)
    hostile = {}
    for chunk in HOSTILE:
        text = chunk * (1_000_000 // len(chunk))
        hostile[chunk] = median_ms(partial(parse_minutes, text, year=2026), max(1, repeats // 5))
    worst = max(hostile, key=lambda chunk: hostile[chunk])
    return {
        "bench": "importer",
        "repeats": repeats,
        "seed_ms": round(median_ms(lambda: parse_minutes(seed, year=2026), repeats), 2),
        "seed_child_ms": round(
            median_ms(lambda: parse_minutes_within_budget(seed, year=2026), max(1, repeats // 4)),
            1,
        ),
        "pages": pages,
        "generated_lines": big.count("\n") + 1,
        "generated_ms": round(median_ms(lambda: parse_minutes(big, year=2026), repeats), 1),
        "hostile_worst_ms": round(hostile[worst], 1),
        "hostile_worst_chunk": worst[:12],
        "machine": machine(),
        "python": platform.python_version(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("MINKA_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
    import django

    django.setup()
    result = run(max(1, args.repeats), max(1, args.pages))
    lines = [
        f"seed          median {result['seed_ms']} ms over {args.repeats} (target < 20 ms)",
        f"seed, child   median {result['seed_child_ms']} ms (the budgeted child process)",
        f"generated     {args.pages} pages, {result['generated_lines']} lines: "
        f"median {result['generated_ms']} ms",
        f"hostile       1 MB lines, slowest {result['hostile_worst_ms']} ms "
        f"({result['hostile_worst_chunk']!r} repeated)",
        f"machine       {result['machine']}; Python {result['python']}; "
        f"load average {os.getloadavg()[0]:.1f}",
    ]
    for line in lines:
        print(line)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
