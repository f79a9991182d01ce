"""Server time of the public pages: median of N WSGI calls, anonymous, debug off.

Each page is requested straight through Django's WSGI handler (no network, no test-client
instrumentation), so the figure is what gunicorn's worker spends inside Django: middleware,
view, SQL and templates. Two figures per page: **uncached** (the rendered-page cache off) and
**warm** (``MINKA_PAGE_CACHE_SECONDS`` on and the page already stored once).

Run as a script::

    MINKA_TESTING=1 .venv/bin/python bench/pages.py [--runs 30] [--meetings 300]
        [--documents 300] [--organizations 200] [--cache locmem|file]

It builds a throw-away SQLite database (or uses ``DATABASE_URL`` when ``--keep-database-url``
is given), loads the demo data plus a generated set of public meetings, documents and
organizations (through the test factories: this bench must not depend on
``bench/generate.py``), prints a table and one JSON line, and writes
``bench/results/pages.json``. Timings on a shared machine are noisy: compare runs made
side by side.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

# (label, path, page size override or None). Paths with "{...}" are filled in after the data.
PAGES: list[tuple[str, str, int | None]] = [
    ("home", "/", None),
    ("meetings list", "/reuniones/", None),
    ("meetings list, 250 rows", "/reuniones/", 250),
    ("meeting page", "{meeting}", None),
    ("repository list", "/repositorio/", None),
    ("repository list, 250 rows", "/repositorio/", 250),
    ("directory", "/directorio/", None),
    ("document page", "{document}", None),
]


def _generate(*, meetings: int, documents: int, organizations: int) -> dict[str, str]:
    """Public meetings (some with agenda items), documents with one version, organizations."""
    from django.utils import timezone

    from minka.directory.tests.factories import OrganizationFactory
    from minka.documents.tests.factories import DocumentFactory, add_version
    from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory

    orgs = [OrganizationFactory.create() for _ in range(organizations)]
    series = [SeriesFactory.create(slug=f"bench-serie-{n}") for n in range(6)]
    now = timezone.now()
    first_meeting = None
    for n in range(meetings):
        starts = now + timedelta(days=(n - meetings + 20) * 3)
        meeting = MeetingFactory.create(
            series=series[n % len(series)],
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            status="held" if starts < now else "planned",
        )
        meeting.organizations.add(orgs[n % len(orgs)], orgs[(n * 7) % len(orgs)])
        if n % 10 == 0:
            for _ in range(5):
                AgendaItemFactory.create(meeting=meeting)
            first_meeting = first_meeting or meeting
    first_document = None
    for n in range(documents):
        document = DocumentFactory.create()
        document.organizations.add(orgs[n % len(orgs)])
        add_version(document, text=f"Texto del documento de prueba {n}. " * 20)
        first_document = first_document or document
    assert first_meeting is not None and first_document is not None
    return {
        "meeting": first_meeting.get_absolute_url(),
        "document": first_document.get_absolute_url(),
    }


def _call(app: Any, path: str) -> tuple[int, bytes, list[tuple[str, str]]]:
    from wsgiref.util import setup_testing_defaults

    route, _, query = path.partition("?")
    environ: dict[str, Any] = {
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "REQUEST_METHOD": "GET",
        "SERVER_NAME": "testserver",
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(b""),
    }
    setup_testing_defaults(environ)
    state: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
        state["status"] = int(status.split()[0])
        state["headers"] = headers

    body = b"".join(app(environ, start_response))
    return state["status"], body, state["headers"]


def _median_ms(
    app: Any, path: str, runs: int
) -> tuple[float, float, int, int, list[tuple[str, str]]]:
    from django.db import connection

    status, body, headers = _call(app, path)  # warm-up (and, with the cache on, store)
    queries: list[str] = []

    def count(execute: Any, sql: str, *rest: Any) -> Any:
        queries.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(count):
        _call(app, path)
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        _call(app, path)
        cpu.append((time.process_time() - start_cpu) * 1000)
        times.append((time.perf_counter() - start) * 1000)
    del body
    return statistics.median(times), statistics.median(cpu), status, len(queries), headers


def _profile(app: Any, path: str) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        _call(app, path)
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats(
        os.environ.get("PROFILE_SORT", "cumulative")
    ).print_stats(45)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--meetings", type=int, default=300)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--organizations", type=int, default=200)
    parser.add_argument("--cache", choices=["locmem", "file"], default="file")
    parser.add_argument("--keep-database-url", action="store_true")
    parser.add_argument("--only", default="", help="measure only pages whose label has this")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    args = parser.parse_args()

    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    with tempfile.TemporaryDirectory(prefix="minka-bench-") as tmp:
        os.environ.setdefault("MINKA_TESTING", "1")
        os.environ["MINKA_DATA_DIR"] = tmp
        if not args.keep_database_url or "DATABASE_URL" not in os.environ:
            os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ["MINKA_TASKS_BACKEND"] = "immediate"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
        import logging

        import django

        django.setup()
        logging.disable(logging.INFO)
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.management import call_command
        from django.test.utils import override_settings

        from minka.site import demo

        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        if engine != "sqlite3":
            call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        demo.load(password=demo.DEMO_PASSWORD)
        filled = _generate(
            meetings=args.meetings, documents=args.documents, organizations=args.organizations
        )
        caches: dict[str, Any] = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        }
        if args.cache == "file":
            caches["pages"] = {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(Path(tmp) / "page-cache"),
            }
        else:
            caches["pages"] = {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "pages",
            }
        app = WSGIHandler()
        rows = []
        for label, template, page_size in PAGES:
            if args.only and args.only not in label:
                continue
            path = template.format(**filled)
            sizes = {"REPOSITORY_PAGE_SIZE": page_size} if page_size else {}
            row: dict[str, Any] = {"page": label, "path": path}
            for mode, seconds in (("uncached", 0), ("warm", 300)):
                with override_settings(
                    DEBUG=False,
                    ALLOWED_HOSTS=["testserver"],
                    CACHES=caches,
                    PAGE_CACHE_SECONDS=seconds,
                    **sizes,
                ):
                    median, cpu, status, queries, headers = _median_ms(app, path, args.runs)
                    if args.profile and mode == "uncached":
                        _profile(app, path)
                row[f"{mode}_ms"] = round(median, 2)
                row[f"{mode}_cpu_ms"] = round(cpu, 2)
                row[f"{mode}_queries"] = queries
                row["status"] = status
                if mode == "uncached":
                    row["cache_control"] = dict(headers).get("Cache-Control", "")
                    row["set_cookie"] = sum(1 for name, _ in headers if name == "Set-Cookie")
            rows.append(row)

    header = f"{'page':<28}{'status':>7}{'uncached ms':>13}{'(cpu)':>8}{'queries':>9}"
    header += f"{'warm ms':>9}{'(cpu)':>7}"
    header += "  cache-control / cookies"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['page']:<28}{row['status']:>7}{row['uncached_ms']:>13.2f}"
            f"{row['uncached_cpu_ms']:>8.2f}{row['uncached_queries']:>9}"
            f"{row['warm_ms']:>9.2f}{row['warm_cpu_ms']:>7.2f}  "
            f"{row['cache_control'] or '-'} / {row['set_cookie']}"
        )
    result = {
        "bench": "pages",
        "engine": engine,
        "cache": args.cache,
        "runs": args.runs,
        "load_average": os.getloadavg()[0],
        "meetings": args.meetings,
        "documents": args.documents,
        "organizations": args.organizations,
        "pages": rows,
    }
    print(json.dumps(result))
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "pages.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0 if all(row["status"] == 200 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
