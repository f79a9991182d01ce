"""Task worker memory: RSS of ``db_worker`` over a realistic mix of tasks.

The mix, queued in a fresh PostgreSQL database (``flt_mem_*``): the minutes PDF task for
``--minutes`` long meetings (40 pages each, in both languages, WeasyPrint) and the extraction
task for ``--documents`` uploads alternating a 40-page PDF (one of those minutes, rendered)
and a 20-page DOCX. The same queue is run (``--batch``) by django-tasks-db's stock worker and
by Minka's ``minka db_worker`` (each task in a forked child); the worker's RSS is sampled
every 50 ms, children apart. Prints a readable line per worker and one JSON line::

    .venv/bin/python bench/worker_memory.py [--minutes 6] [--documents 10]

Target (issue 20): the task worker stays under 150 MB.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _procs as procs

TARGET_MB = 150
SETUP = """
import sys
from pathlib import Path
sys.path.insert(0, "{bench}")
import docx
import minutes_pdf
from minka.meetings.minutes import exports
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.models import Minutes
from minka.meetings.minutes.tests.factories import minutes_with
from minka.meetings.tests.factories import MeetingFactory, SeriesFactory
from minka.meetings.tasks import render_minutes_pdf
count, documents, folder = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
_m, revision = minutes_pdf.build(20, 20, 100)
content = MinutesContent.from_json(revision.content)
series = SeriesFactory.create()
for n in range(count):
    minutes = minutes_with(
        meeting=MeetingFactory.create(series=series), status=Minutes.Status.PUBLISHED,
        content=content,
    )
    render_minutes_pdf.enqueue(minutes.pk)
pdf = exports.to_pdf(_m, revision, errata=[])
for n in range(documents):
    if n % 2 == 0:
        (folder / f"{{n}}.pdf").write_bytes(pdf + f"%{{n}}\\n".encode())
        continue
    document = docx.Document()
    document.add_heading(f"Acta de la reunión {{n}}", level=1)
    for item in content.interventions:
        document.add_heading(item.topic, level=2)
        document.add_paragraph(item.text)
    document.save(str(folder / f"{{n}}.docx"))
"""
STOCK = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
django.setup()
from django.core.management import call_command
from django_tasks_db.management.commands.db_worker import Command
call_command(Command(), batch=True, interval=0.1, startup_delay=False, reload=False)
"""


def run_worker(site: procs.Site, stock: bool) -> dict[str, Any]:
    if stock:
        process = site.spawn([sys.executable, "-c", STOCK], "stock-worker.log")
    else:
        process = site.spawn(
            [
                str(procs.BIN / "minka"),
                "db_worker",
                "--batch",
                "--interval",
                "0.1",
                "--no-startup-delay",
            ],
            "minka-worker.log",
        )
    samples: list[float] = []
    child_peak = 0.0
    started = time.monotonic()
    while process.poll() is None:
        samples.append(procs.rss_mb(process.pid))
        for child in procs.children(process.pid):
            child_peak = max(child_peak, procs.rss_mb(child))
        time.sleep(0.05)
    samples = [s for s in samples if s > 0]
    return {
        "worker": "django_tasks_db stock" if stock else "minka db_worker (fork per task)",
        "exit_status": process.returncode,
        "peak_rss_mb": round(max(samples, default=0), 1),
        "end_rss_mb": round(samples[-1] if samples else 0, 1),
        "child_peak_rss_mb": round(child_peak, 1),
        "seconds": round(time.monotonic() - started, 1),
    }


def measure(stock: bool, minutes: int, documents: int) -> dict[str, Any]:
    with (
        procs.pg_database(f"flt_mem_{'stock' if stock else 'minka'}") as url,
        procs.site(database_url=url) as site,
    ):
        site.extra_env["MINKA_MEDIA_ROOT"] = str(site.folder / "media")
        site.prepare()
        site.python(
            SETUP.format(bench=Path(__file__).resolve().parent),
            str(minutes),
            str(documents),
            str(site.folder),
        )
        port = procs.free_port()
        web = site.gunicorn(port, workers=1)
        member = procs.members(site, 1)[0]
        for n in range(documents):
            source = site.folder / (f"{n}.pdf" if n % 2 == 0 else f"{n}.docx")
            status = procs.upload(port, member, source.name, source.read_bytes())
            assert status == 302, status
        web.terminate()
        web.wait()
        queued = procs.pg_rows(url, "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult")[0][0]
        result = run_worker(site, stock)
        statuses = dict(
            procs.pg_rows(
                url,
                "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult GROUP BY status",
            )
        )
        failures = procs.pg_rows(
            url,
            "SELECT task_path, exception_class_path, right(traceback, 300) "
            "FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'",
        )
        result.update({"tasks": queued, "statuses": statuses, "failures": failures[:3]})
        return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=int, default=6)
    parser.add_argument("--documents", type=int, default=10)
    args = parser.parse_args()
    results = [measure(stock, args.minutes, args.documents) for stock in (True, False)]
    for result in results:
        print(
            f"{result['worker']}: {result['tasks']} tasks in {result['seconds']} s, RSS "
            f"peak {result['peak_rss_mb']} MB, end "
            f"{result['end_rss_mb']} MB; largest child {result['child_peak_rss_mb']} MB"
        )
    minka = results[1]
    passed = minka["peak_rss_mb"] < TARGET_MB and minka["statuses"] == {
        "SUCCESSFUL": minka["tasks"]
    }
    print(json.dumps({"bench": "worker_memory", "target_mb": TARGET_MB, "results": results,
                      "pass": passed, "machine": "2 cpu, shared with other jobs"}))  # fmt: skip
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
