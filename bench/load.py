"""Load test (issue 20): 50 users for a fixed time on the dataset of ``bench/generate.py``.

Two set-ups, each started here on free ports of 127.0.0.1 from this checkout's venv, with
debug off, a fresh ``MINKA_SECRET_KEY``, ``MINKA_ALLOWED_HOSTS=127.0.0.1`` and
``MINKA_BEHIND_PROXY=true`` (the clients send ``X-Forwarded-Proto: https`` as the TLS proxy
of ``deploy/`` would), the gunicorn command of ``deploy/minka-web.service`` and a task worker
(``minka db_worker``):

- ``--setup sqlite``: the embedded default: SQLite, file cache, one gunicorn process.
- ``--setup postgres``: PostgreSQL (``--database-url``), two gunicorn processes, the cache in
  Redis (``--cache``, database 7 by default).

::

    make bench-load                     # both, on datasets generated at SCALE (default 1.0)
    .venv/bin/python bench/load.py --setup sqlite --data-dir /tmp/minka-bench --generate 0.1

The traffic (``bench/locustfile.py``, locust headless): visitors (3 in 5) and signed-in
members (2 in 5; signed in before the clock starts, one account each) wait 0.5–2.5 s between
pages: home, meetings list, meeting page, minutes, directory, search, documents list and
page, commitments dashboard; members also answer "¿Asistirá?" (a POST with the CSRF token)
and upload a small text file (which the task worker then processes). Statistics are reset
once every user has started. The search rate limit is raised (``MINKA_SEARCH_RATE_LIMIT``):
every simulated visitor comes from 127.0.0.1, where real ones come from many addresses.

Prints per page: requests, errors, median and p95 (ms); throughput; errors (and 5xx lines in
the server logs); the peak memory of the web processes (gunicorn and its workers) and of the
task worker (with its extraction children), as the sum of RSS and of PSS (which counts shared
pages once), sampled from /proc every 0.5 s; then one JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Run as a script from the checkout: the repository root makes `bench` importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._procs import free_port, memory_kb

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QUERIES = [
    "internet",
    "conectividad",
    "participación",
    "politicas",
    "ciberseguridad",
    "%22red+dorsal%22",
    "gobierno+digital",
    "acuerdos",
    "comunidades+rurales",
    "datos+personales",
]


def machine() -> str:
    model = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
    return (
        f"{model.group(1) if model else platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


def send_secure_cookies_over_http() -> None:
    """Let this client process send ``Secure`` cookies over the plain hop to gunicorn (TLS
    ends at the proxy in production). requests copies a session's cookies into a new jar for
    each request, so a policy set on the session's jar would be dropped: patch the default."""
    DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True  # type: ignore[method-assign]


# --- Memory of a process tree, from /proc ---------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def tree_pids(root: int, tree: dict[int, list[int]]) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(tree.get(pid, []))
    return pids


def cpu_seconds(root: int) -> float:
    """User and system CPU seconds of a process tree so far (its live processes, and the
    children they have waited for)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in tree_pids(root, _children()):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / ticks


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


class MemorySampler(threading.Thread):
    """Peak RSS and PSS (MiB) of each named process tree and of all of them together."""

    def __init__(self, roots: dict[str, int], interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.roots, self.interval = roots, interval
        self.peak: dict[str, dict[str, float]] = {
            name: {"rss_mb": 0.0, "pss_mb": 0.0, "processes": 0} for name in [*roots, "total"]
        }
        self.stopping = threading.Event()

    def sample(self) -> None:
        tree = _children()
        total_rss = total_pss = 0
        for name, root in self.roots.items():
            pids = tree_pids(root, tree)
            sizes = [memory_kb(pid) for pid in pids]
            rss, pss = sum(s[0] for s in sizes), sum(s[1] for s in sizes)
            total_rss, total_pss = total_rss + rss, total_pss + pss
            peak = self.peak[name]
            peak["rss_mb"] = max(peak["rss_mb"], round(rss / 1024, 1))
            peak["pss_mb"] = max(peak["pss_mb"], round(pss / 1024, 1))
            peak["processes"] = max(peak["processes"], len(pids))
        total = self.peak["total"]
        total["rss_mb"] = max(total["rss_mb"], round(total_rss / 1024, 1))
        total["pss_mb"] = max(total["pss_mb"], round(total_pss / 1024, 1))

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.sample()


# --- Servers --------------------------------------------------------------------------------


def server_env(args: argparse.Namespace, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINKA_", "DATABASE_URL"))}
    env.update(
        {
            "MINKA_DEBUG": "false",
            "MINKA_SECRET_KEY": secrets.token_urlsafe(64),
            "MINKA_ALLOWED_HOSTS": "127.0.0.1",
            "MINKA_BASE_URL": f"https://127.0.0.1:{port}",
            "MINKA_BEHIND_PROXY": "true",
            "MINKA_DATA_DIR": str(args.data_dir),
            "MINKA_SEARCH_RATE_LIMIT": "1000000",
            "DJANGO_SETTINGS_MODULE": "minka.settings",
            "PYTHONPATH": str(ROOT),
        }
    )
    if args.setup == "postgres":
        env["DATABASE_URL"] = args.database_url
        env["MINKA_CACHE_URL"] = args.cache
    return env


def recreate_database(url: str) -> None:
    """Drop and create the PostgreSQL database of ``url`` (for a fresh dataset)."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def run_quiet(command: Sequence[str], env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextlib.contextmanager
def servers(args: argparse.Namespace, env: dict[str, str], port: int) -> Iterator[dict[str, Any]]:
    """gunicorn and ``minka db_worker`` in the data folder (no ``minka.env`` there), their
    logs in it; stopped (SIGTERM, then SIGKILL) on the way out."""
    web_command = [
        str(BIN / "gunicorn"),
        "minka.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.web_workers),
        "--timeout",
        "30",
        "--no-control-socket",  # gunicorn 23+ binds one fixed path otherwise
        "--config",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        *(["--preload"] if args.preload else []),
        *(["--threads", str(args.threads)] if args.threads > 1 else []),
    ]
    logs = {name: (args.data_dir / f"bench-{name}.log").open("w") for name in ("web", "worker")}
    processes = {
        "web": subprocess.Popen(  # noqa: S603 -- our own commands
            web_command, env=env, cwd=args.data_dir, stdout=logs["web"], stderr=subprocess.STDOUT
        ),
        "worker": subprocess.Popen(  # noqa: S603
            [str(BIN / "minka"), "db_worker"],
            env=env,
            cwd=args.data_dir,
            stdout=logs["worker"],
            stderr=subprocess.STDOUT,
        ),
    }
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                    break
            except OSError as error:
                if time.monotonic() > deadline or processes["web"].poll() is not None:
                    raise SystemExit(f"gunicorn did not start: {error}") from None
                time.sleep(0.3)
        yield {"processes": processes, "web_command": " ".join(web_command[1:])}
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs.values():
            log.close()


# --- Clients --------------------------------------------------------------------------------


def sign_in(
    origin_port: int, emails: Sequence[str], password: str
) -> tuple[list[dict[str, str]], list[float]]:
    """Sign each member in (allauth's form, as a browser does); return their cookies and
    the seconds each sign-in took."""
    import requests

    send_secure_cookies_over_http()
    base = f"http://127.0.0.1:{origin_port}"
    origin = f"https://127.0.0.1:{origin_port}"
    sessions, seconds = [], []
    for email in emails:
        client = requests.Session()
        client.headers.update({"X-Forwarded-Proto": "https"})
        started = time.perf_counter()
        client.get(base + "/cuenta/login/", timeout=30).raise_for_status()
        token = next(c.value for c in client.cookies if c.name.endswith("csrftoken"))
        response = client.post(
            base + "/cuenta/login/",
            data={"login": email, "password": password, "csrfmiddlewaretoken": token},
            headers={"Origin": origin, "Referer": origin + "/cuenta/login/"},
            allow_redirects=False,
            timeout=30,
        )
        seconds.append(time.perf_counter() - started)
        cookies = {c.name: str(c.value) for c in client.cookies}
        if response.status_code != 302 or not any(n.endswith("sessionid") for n in cookies):
            raise SystemExit(f"sign-in of {email} failed: HTTP {response.status_code}")
        sessions.append(cookies)
    return sessions, seconds


def collect_ids() -> dict[str, Any]:
    """Public ids for the traffic (run in a child with the server's environment)."""
    import django

    django.setup()
    from django.utils import timezone

    from minka.documents.models import Document
    from minka.meetings.minutes.models import Minutes
    from minka.meetings.models import Meeting

    def ids(queryset: Any, field: str = "public_id", limit: int = 2000) -> list[str]:
        return [str(v) for v in queryset.values_list(field, flat=True)[:limit]]

    published = Minutes.objects.filter(status=Minutes.Status.PUBLISHED)
    upcoming = Meeting.objects.filter(starts_at__gt=timezone.now(), status=Meeting.Status.PLANNED)
    scopes: dict[str, Any] = {}
    for scope, visible in (("public", ["public"]), ("members", ["public", "members"])):
        scopes[scope] = {
            "meetings": ids(Meeting.objects.filter(visibility__in=visible).order_by("?")),
            "minutes": ids(
                published.filter(visibility__in=visible, meeting__visibility__in=visible).order_by(
                    "?"
                ),
                "meeting__public_id",
            ),
            "documents": ids(Document.objects.filter(visibility__in=visible).order_by("?")),
            "upcoming": ids(upcoming.filter(visibility__in=visible)),
        }
    return scopes


def run_locust(
    args: argparse.Namespace, params: dict[str, Any], port: int, folder: Path
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    params_path = folder / "params.json"
    params_path.write_text(json.dumps(params))
    prefix = folder / "locust"
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.duration}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--reset-stats",
        "--only-summary",
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "MINKA_BENCH_PARAMS": str(params_path)}
    with (folder / "locust.log").open("w") as log:
        subprocess.run(  # noqa: S603 -- our own command
            command, env=env, cwd=folder, check=False, stdout=log, stderr=subprocess.STDOUT
        )
    with (folder / "locust_stats.csv").open(encoding="utf-8") as handle:
        stats = list(csv.DictReader(handle))
    with (folder / "locust_failures.csv").open(encoding="utf-8") as handle:
        failures = list(csv.DictReader(handle))
    return stats, failures


def summarize(stats: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    pages: dict[str, Any] = {}
    total: dict[str, Any] = {}
    for row in stats:
        figures = {
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            "median_ms": float(row["50%"] if row["50%"] != "N/A" else 0),
            "p95_ms": float(row["95%"] if row["95%"] != "N/A" else 0),
            "mean_ms": round(float(row["Average Response Time"]), 1),
            "per_second": round(float(row["Requests/s"]), 2),
        }
        if row["Name"] == "Aggregated":
            total = figures
        else:
            pages[f"{row['Type']} {row['Name']}"] = figures
    return pages, total


def server_errors(data_dir: Path) -> int:
    """Lines of the web log that report a 5xx or an exception."""
    text = (data_dir / "bench-web.log").read_text(errors="replace")
    return len(re.findall(r"Internal Server Error|Traceback \(most recent", text))


def load(args: argparse.Namespace) -> dict[str, Any]:
    from bench.generate import MEMBER_EMAIL, MEMBER_PASSWORD

    port = free_port()
    env = server_env(args, port)
    if args.generate is not None:
        if args.setup == "postgres":
            recreate_database(args.database_url)
        else:  # the dataset's files in the data folder, nothing else
            for path in args.data_dir.glob("minka.sqlite3*"):
                path.unlink()
            for folder in ("media", "cache"):
                shutil.rmtree(args.data_dir / folder, ignore_errors=True)
        generated = run_quiet(
            [sys.executable, str(ROOT / "bench" / "generate.py"), "--scale", str(args.generate)],
            env,
            args.data_dir,
        )
        print(generated.strip().splitlines()[-1][:300], file=sys.stderr)
    run_quiet([str(BIN / "minka"), "collectstatic", "--no-input", "-v", "0"], env, args.data_dir)
    scopes = json.loads(run_quiet([sys.executable, __file__, "--ids"], env, args.data_dir))
    with (
        servers(args, env, port) as running,
        tempfile.TemporaryDirectory(prefix="minka-load-") as tmp,
    ):
        emails = [MEMBER_EMAIL.format(n) for n in range(1, args.members + 1)]
        sessions, sign_in_seconds = sign_in(port, emails, MEMBER_PASSWORD)
        processes = running["processes"]
        sampler = MemorySampler({"web": processes["web"].pid, "worker": processes["worker"].pid})
        sampler.sample()
        idle = json.loads(json.dumps(sampler.peak))
        sampler.start()
        params = {
            **scopes,
            "sessions": sessions,
            "cookie_domain": "127.0.0.1",
            "origin": f"https://127.0.0.1:{port}",
            "queries": QUERIES,
            "think": args.think,
        }
        roots = {"web": processes["web"].pid, "worker": processes["worker"].pid}
        cpu_before = {name: cpu_seconds(pid) for name, pid in roots.items()}
        loads = [load_average()]
        started = time.perf_counter()
        stats, failures = run_locust(args, params, port, Path(tmp))
        elapsed = time.perf_counter() - started
        loads.append(load_average())
        time.sleep(2)  # the worker finishes the last uploads
        cpu = {name: round(cpu_seconds(pid) - cpu_before[name], 1) for name, pid in roots.items()}
        sampler.stopping.set()
        sampler.join()
    pages, total = summarize(stats)
    return {
        "benchmark": "load",
        "setup": args.setup,
        "web": running["web_command"],
        "cache": env.get("MINKA_CACHE_URL", "file (MINKA_DATA_DIR/cache)"),
        "users": args.users,
        "duration_s": args.duration,
        "wall_s": round(elapsed, 1),
        "think_s": args.think,
        "members_signed_in": len(sessions),
        "sign_in_median_s": round(sorted(sign_in_seconds)[len(sign_in_seconds) // 2], 3),
        "throughput_rps": total.get("per_second", 0),
        "requests": total.get("requests", 0),
        "errors": total.get("errors", 0),
        "median_ms": total.get("median_ms", 0),
        "p95_ms": total.get("p95_ms", 0),
        "pages": pages,
        "failures": [
            {"page": f["Name"], "error": f["Error"][:200], "count": int(f["Occurrences"])}
            for f in failures
        ],
        "server_errors_logged": server_errors(args.data_dir),
        # CPU the servers used during the run (spawning included), and per request: what the
        # pages cost whatever else shares the cores; the load average says how busy they were.
        "cpu_s": cpu,
        "web_cpu_ms_per_request": round(1000 * cpu["web"] / max(1, total.get("requests", 0)), 1),
        "load_average_1min": loads,
        "memory_idle": idle,
        "memory_peak": sampler.peak,
        "machine": machine(),
    }


def report(result: dict[str, Any]) -> None:
    print(
        f"\n{result['setup']}: {result['web']}; {result['users']} users "
        f"for {result['duration_s']} s, "
        f"think {result['think_s'][0]}–{result['think_s'][1]} s"
    )
    print(f"{'page':40} {'requests':>8} {'errors':>6} {'median':>7} {'p95':>7}")
    for name, figures in sorted(result["pages"].items(), key=lambda item: -item[1]["p95_ms"]):
        print(
            f"{name:40} {figures['requests']:8} {figures['errors']:6} "
            f"{figures['median_ms']:6.0f}  {figures['p95_ms']:6.0f}"
        )
    print(
        f"throughput {result['throughput_rps']} req/s, {result['requests']} requests, "
        f"{result['errors']} errors ({result['server_errors_logged']} 5xx/tracebacks logged), "
        f"median {result['median_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms"
    )
    peak = result["memory_peak"]
    print(
        f"peak memory: web {peak['web']['rss_mb']} MB RSS / {peak['web']['pss_mb']} MB PSS, "
        f"worker {peak['worker']['rss_mb']} / {peak['worker']['pss_mb']}, "
        f"together {peak['total']['rss_mb']} / {peak['total']['pss_mb']}"
    )
    print(
        f"server CPU: web {result['cpu_s']['web']} s ({result['web_cpu_ms_per_request']} ms per "
        f"request), worker {result['cpu_s']['worker']} s; load average "
        f"{result['load_average_1min'][0]} → {result['load_average_1min'][1]} "
        f"on {os.cpu_count()} cores"
    )
    for failure in result["failures"]:
        print(f"  failure: {failure['page']}: {failure['error']} ×{failure['count']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ids", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--setup", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--data-dir", type=Path, help="MINKA_DATA_DIR of the dataset")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/minka_bench")
    parser.add_argument("--cache", default="redis://127.0.0.1:6379/7")
    parser.add_argument(
        "--generate",
        type=float,
        help="first generate a dataset at this scale (replaces the SQLite file and media of "
        "--data-dir; on PostgreSQL drops and creates the database)",
    )
    parser.add_argument(
        "--web-workers", type=int, help="gunicorn workers (1 on SQLite, 2 on PostgreSQL)"
    )
    parser.add_argument("--preload", action="store_true", help="gunicorn --preload")
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn --threads (gthread workers when > 1)"
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=25)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--members", type=int, default=20, help="member accounts signed in")
    parser.add_argument("--think", type=float, nargs=2, default=[0.5, 2.5], metavar=("MIN", "MAX"))
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.ids:
        print(json.dumps(collect_ids()))
        return 0
    if args.data_dir is None:
        parser.error("--data-dir is required")
    args.data_dir = args.data_dir.resolve()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    args.web_workers = args.web_workers or (1 if args.setup == "sqlite" else 2)
    if shutil.which("locust", path=str(BIN)) is None:
        raise SystemExit("locust is missing: make bench-load installs requirements/bench.lock")
    result = load(args)
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
