"""Side by side: one page of Minka against one page of another server (Indico), same machine.

``wrk -t2 -c8 -d20s`` (10 s timeout) runs against each URL in turn, alternating which goes first,
for N rounds (a short unmeasured warm-up first), and the script prints the requests per second of
every run, the medians and the ratio Minka / other as one JSON line (plus readable text). A run
with socket errors or non-2xx responses is reported as such and fails the command (exit 1).

It also counts the CPU time each server spends per request: its processes (``--other-pid``, a
master with its children, read from /proc) and its PostgreSQL backends (``--other-db``). On a
machine shared with other work, requests per second follow the load; CPU time per request much
less, so its ratio is printed too, with each server's memory (PSS: shared pages split).

Against two servers already running::

    .venv/bin/python bench/side_by_side.py --minka-url URL --other-url URL --rounds 3

Or Minka is started here as ``deploy/`` documents it (debug off, ``gunicorn --preload`` with the
worker count of ``deploy/minka-web.service``, behind nginx, ``collectstatic``, the settings of
``deploy/minka.env.example`` that are not site-specific, ``minka migrate`` and ``minka load_demo``),
on PostgreSQL (``MINKA_DB_CONN_MAX_AGE`` left at its default) and/or SQLite, each measured against
the other URL in turn::

    .venv/bin/python bench/side_by_side.py --start-minka postgres --start-minka sqlite \\
        --other-url http://127.0.0.1:PORT/event/3/ --other-db ind_indico \\
        --other-pid $(cat /work/indico/web/uwsgi.pid) --other-pid $(cat /work/indico/web/nginx.pid)

The Minka page is the demo's next meeting (its agenda, RSVP open: as an Indico meeting with a
timetable) or, with ``--meeting first``, the first meeting with its published minutes. Everything
is temporary: a data folder under /tmp, the PostgreSQL database ``--db-name`` (dropped and created
again), free ports on 127.0.0.1; the processes it starts are stopped at the end. wrk comes from
Debian (``apt-get install wrk``). How Indico 3.3.14 was set up beside it: the README.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

# Run as a script from the checkout: the repository root makes `bench` importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._procs import descendants, free_port, memory_kb

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432"
DEFAULT_REDIS = "redis://127.0.0.1:6379/9"
DEFAULT_WORKERS = 3


@dataclass
class Run:
    name: str
    url: str
    requests_per_second: float
    latency_avg_ms: float
    requests: int
    socket_errors: int
    non_2xx: int
    loadavg_before: float
    cpu_ms_per_request: float | None = None

    @property
    def clean(self) -> bool:
        return self.socket_errors == 0 and self.non_2xx == 0


@dataclass
class Comparison:
    minka: str
    minka_url: str
    other_url: str
    runs: list[Run] = field(default_factory=list)
    minka_pss_mb: float | None = None
    other_pss_mb: float | None = None

    def median(self, name: str) -> float:
        values = [run.requests_per_second for run in self.runs if run.name == name]
        return statistics.median(values) if values else 0.0

    def median_cpu(self, name: str) -> float | None:
        values = [run.cpu_ms_per_request for run in self.runs if run.name == name]
        known = [value for value in values if value is not None]
        return round(statistics.median(known), 2) if known and len(known) == len(values) else None

    def summary(self) -> dict[str, object]:
        minka, other = self.median("minka"), self.median("other")
        minka_cpu, other_cpu = self.median_cpu("minka"), self.median_cpu("other")
        ratios = [
            a.requests_per_second / b.requests_per_second
            for a, b in zip(
                [run for run in self.runs if run.name == "minka"],
                [run for run in self.runs if run.name == "other"],
                strict=False,
            )
            if b.requests_per_second
        ]
        return {
            "minka": self.minka,
            "minka_url": self.minka_url,
            "other_url": self.other_url,
            "minka_rps": [run.requests_per_second for run in self.runs if run.name == "minka"],
            "other_rps": [run.requests_per_second for run in self.runs if run.name == "other"],
            "minka_median_rps": minka,
            "other_median_rps": other,
            "ratio_of_medians": round(minka / other, 2) if other else None,
            "ratio_per_round": [round(ratio, 2) for ratio in ratios],
            "minka_cpu_ms_per_request": minka_cpu,
            "other_cpu_ms_per_request": other_cpu,
            "cpu_ratio": round(other_cpu / minka_cpu, 2) if minka_cpu and other_cpu else None,
            "clean": all(run.clean for run in self.runs),
            "minka_pss_mb": self.minka_pss_mb,
            "other_pss_mb": self.other_pss_mb,
            "runs": [asdict(run) for run in self.runs],
        }


# --- wrk ---------------------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> tuple[float, float, int, int, int]:
    """Requests/s, mean latency (ms), requests, socket errors and non-2xx/3xx responses."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rps is None:
        raise RuntimeError(f"wrk printed no Requests/sec:\n{output}")
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s|m)\b", output)
    latency_ms = float(latency.group(1)) * _UNITS_MS[latency.group(2)] if latency else 0.0
    total = re.search(r"(\d+) requests in", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return (
        float(rps.group(1)),
        round(latency_ms, 2),
        int(total.group(1)) if total else 0,
        sum(int(value) for value in errors.groups()) if errors else 0,
        int(non_2xx.group(1)) if non_2xx else 0,
    )


def run(
    command: list[str],
    *,
    check: bool = False,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a program found on PATH (or given by its full path) with fixed arguments."""
    program = shutil.which(command[0]) or command[0]
    return subprocess.run(  # noqa: S603 -- our own programs, arguments from this script.
        [program, *command[1:]], capture_output=True, text=True, check=check, env=env, cwd=cwd
    )


def wrk(url: str, *, threads: int, connections: int, seconds: int, timeout: int = 10) -> str:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={timeout}s",
        "--latency",
        url,
    ]
    return run(command, check=True).stdout


def check_page(url: str) -> int:
    """Fetch the page once: it must answer 200 without a redirect. Returns its size."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return len(response.read())
    except urllib.error.HTTPError as error:
        raise SystemExit(
            f"{url} answered {error.code}, not 200: fix it before measuring"
        ) from error
    except OSError as error:
        raise SystemExit(f"{url} cannot be reached: {error}") from error


# --- CPU time of the servers -------------------------------------------------------------------


@dataclass
class Server:
    """What serves a URL, for CPU accounting: process trees (a master and its children) and the
    PostgreSQL databases whose backends work for it."""

    pids: list[int] = field(default_factory=list)
    databases: list[str] = field(default_factory=list)
    pg_url: str = DEFAULT_PG

    @property
    def known(self) -> bool:
        return bool(self.pids)


def _ticks(pid: int, *, reaped: bool = False) -> int | None:
    """CPU ticks of a process (with ``reaped``, also of its children that it has waited for)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # After the name: state is field 3, utime 14, stime 15, cutime 16, cstime 17 (1-based).
    used = int(fields[11]) + int(fields[12])
    return used + int(fields[13]) + int(fields[14]) if reaped else used


def _backends(server: Server) -> list[int]:
    if not server.databases:
        return []
    names = ",".join(f"'{name}'" for name in server.databases)
    sql = f"SELECT pid FROM pg_stat_activity WHERE datname IN ({names})"  # noqa: S608 -- checked names
    result = run(["psql", f"{server.pg_url}/postgres", "-tAc", sql])
    return [int(line) for line in result.stdout.split() if line.isdigit()]


def cpu_snapshot(server: Server) -> dict[int, tuple[int, bool]]:
    """Ticks per process: roots (with reaped children), their live children, and backends.
    The flag says whether the process's ticks go to a root's count when it ends."""
    snapshot: dict[int, tuple[int, bool]] = {}
    for root in server.pids:
        ticks = _ticks(root, reaped=True)
        if ticks is not None:
            snapshot[root] = (ticks, False)
        for child in descendants(root):
            ticks = _ticks(child)
            if ticks is not None:
                snapshot[child] = (ticks, True)
    for backend in _backends(server):
        ticks = _ticks(backend)
        if ticks is not None:
            snapshot.setdefault(backend, (ticks, False))
    return snapshot


def cpu_seconds_between(
    before: dict[int, tuple[int, bool]], after: dict[int, tuple[int, bool]]
) -> float:
    """CPU seconds used between two snapshots. A child that ended was counted in its root's
    reaped ticks for its whole life: its ticks before the first snapshot come off. A backend that
    ended is lost (with persistent connections, none should)."""
    ticks = 0
    for pid, (value, _child) in after.items():
        ticks += value - before.get(pid, (0, False))[0]
    ticks -= sum(value for pid, (value, child) in before.items() if child and pid not in after)
    return ticks / os.sysconf("SC_CLK_TCK")


def compare(
    comparison: Comparison,
    servers: dict[str, Server],
    *,
    rounds: int,
    threads: int,
    connections: int,
    seconds: int,
) -> Comparison:
    urls = {"minka": comparison.minka_url, "other": comparison.other_url}
    for name, url in urls.items():
        size = check_page(url)
        warm_up = min(3, seconds)
        print(f"  {name}: {url} answers 200 ({size} bytes); warming up {warm_up} s", flush=True)
        wrk(url, threads=threads, connections=connections, seconds=warm_up)
    for number in range(1, rounds + 1):
        # Alternate which goes first, so neither always follows the other's load.
        order = ["minka", "other"] if number % 2 else ["other", "minka"]
        for name in order:
            load = os.getloadavg()[0]
            server = servers.get(name, Server())
            before = cpu_snapshot(server) if server.known else {}
            output = wrk(urls[name], threads=threads, connections=connections, seconds=seconds)
            after = cpu_snapshot(server) if server.known else {}
            rps, latency, total, errors, non_2xx = parse_wrk(output)
            cpu = (
                round(cpu_seconds_between(before, after) * 1000 / total, 2)
                if server.known and total
                else None
            )
            result = Run(
                name, urls[name], rps, latency, total, errors, non_2xx, round(load, 2), cpu
            )
            comparison.runs.append(result)
            flag = "" if result.clean else f"  ({errors} socket errors, {non_2xx} non-2xx)"
            cpu_text = f"  CPU {cpu:6.2f} ms/request" if cpu is not None else ""
            print(
                f"  round {number} {name:<5} {rps:9.1f} req/s  mean {latency:7.2f} ms"
                f"{cpu_text}  load {load:.2f}{flag}",
                flush=True,
            )
    return comparison


# --- Starting Minka as deploy/ documents it ----------------------------------------------------


def unit_workers(unit: Path, instances: int = 2) -> int:
    """The gunicorn workers the guide runs in all: the literal ``--workers N`` of
    ``deploy/minka-web@.service`` times its ``instances`` (two in the guide)."""
    text = unit.read_text(encoding="utf-8") if unit.exists() else ""
    match = re.search(r"(?:--workers[= ]|-w\s*)(\d+)", text)
    return int(match.group(1)) * instances if match else DEFAULT_WORKERS


def example_env(path: Path) -> dict[str, str]:
    """The settings of ``deploy/minka.env.example`` that are not site-specific."""
    keep = {}
    site_specific = ("HOST", "URL", "DATA_DIR", "SECRET", "FILE", "EMAIL", "DATABASE")
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or name.startswith("#") or any(part in name for part in site_specific):
            continue
        keep[name] = value.strip().strip('"')
    return keep


def pss_mb(pids: list[int]) -> float | None:
    """Memory of processes and their children, shared pages split between them (PSS)."""
    every = [*pids, *(child for pid in pids for child in descendants(pid))]
    total = sum(memory_kb(pid)[1] for pid in every)
    return round(total / 1024, 1) if every else None


NGINX_CONF = """
# As deploy/nginx.conf, on plain HTTP at 127.0.0.1 (TLS terminated: X-Forwarded-Proto https).
worker_processes auto;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path {tmp}/nginx-body;
  proxy_temp_path {tmp}/nginx-proxy;
  gzip on;
  gzip_types text/css application/javascript application/json image/svg+xml;
  server {{
    listen 127.0.0.1:{port};
    server_name 127.0.0.1;
    client_max_body_size 60m;
    location /static/ {{
      alias {static}/;
      expires max;
    }}
    location / {{
      proxy_pass http://127.0.0.1:{app_port};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_buffering on;
      proxy_request_buffering on;
    }}
  }}
}}
"""

MEETING_URL = """
from minka.meetings import demo
from minka.meetings.models import Meeting
from django.utils import timezone
schedule = demo.demo_schedule(timezone.now())
number = {number!r} or schedule.next
start = demo.meeting_start(number)
meeting = Meeting.objects.filter(starts_at=start).order_by("pk").first()
print("URL", meeting.get_absolute_url())
"""


class Minka:
    """One Minka started as deploy/ documents it; a context manager that stops it."""

    def __init__(self, engine: str, args: argparse.Namespace) -> None:
        self.engine = engine
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix=f"side-by-side-{engine}-"))
        self.processes: list[subprocess.Popen[bytes]] = []
        self.port = free_port()
        self.app_port = free_port()
        self.env = dict(os.environ)
        for name in [name for name in self.env if name.startswith("MINKA_")]:
            del self.env[name]
        self.env.pop("DATABASE_URL", None)
        self.env.update(example_env(ROOT / "deploy" / "minka.env.example"))
        self.env.update(
            {
                "DJANGO_SETTINGS_MODULE": "minka.settings",
                "MINKA_DEBUG": "false",
                "MINKA_SECRET_KEY": os.urandom(40).hex(),
                "MINKA_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "MINKA_BASE_URL": f"https://127.0.0.1:{self.port}",
                "MINKA_BEHIND_PROXY": "true",
                "MINKA_DATA_DIR": str(self.tmp / "data"),
                "MINKA_CACHE_URL": args.redis_url,
                "MINKA_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            }
        )
        for setting in args.minka_env:
            name, _, value = setting.partition("=")
            self.env[name] = value
        if not args.nginx:
            self.env["MINKA_BEHIND_PROXY"] = "false"
            self.env["MINKA_BASE_URL"] = f"http://127.0.0.1:{self.app_port}"
        if engine == "postgres":
            self.env["DATABASE_URL"] = f"{args.pg_url}/{args.db_name}"

    def minka(self, *command: str) -> str:
        result = run([str(VENV_BIN / "minka"), *command], env=self.env, cwd=self.tmp)
        if result.returncode:
            raise SystemExit(f"minka {' '.join(command)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def psql(self, sql: str, *, check: bool = True) -> None:
        run(["psql", f"{self.args.pg_url}/postgres", "-qc", sql], check=check)

    def start(self, command: list[str], log: str) -> subprocess.Popen[bytes]:
        with (self.tmp / log).open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 -- our own programs and arguments.
                command, env=self.env, cwd=self.tmp, stdout=out, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def __enter__(self) -> Minka:
        database = self.args.db_name
        if self.engine == "postgres":
            self.psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            self.psql(f'CREATE DATABASE "{database}"')
        print(f"Starting Minka on {self.engine} in {self.tmp}", flush=True)
        self.minka("migrate", "--no-input")
        self.minka("collectstatic", "--no-input")
        self.minka("load_demo")
        self.minka("check", "--deploy", "--fail-level", "ERROR")
        number = 1 if self.args.meeting == "first" else None
        printed = self.minka("shell", "-c", MEETING_URL.format(number=number))
        found = re.search(r"^URL (\S+)", printed, re.MULTILINE)
        if found is None:
            raise SystemExit(f"No demo meeting found:\n{printed}")
        workers = self.args.workers or unit_workers(ROOT / "deploy" / "minka-web@.service")
        gunicorn = [
            str(VENV_BIN / "gunicorn"),
            "minka.wsgi",
            "--preload",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{self.app_port}",
            "--timeout=30",
        ]
        print(f"  {shlex.join(gunicorn)}", flush=True)
        self.gunicorn = self.start(gunicorn, "gunicorn.log")
        port = self.app_port
        if self.args.nginx:
            port = self.port
            (self.tmp / "nginx-body").mkdir()
            (self.tmp / "nginx-proxy").mkdir()
            conf = self.tmp / "nginx.conf"
            static = self.tmp / "data" / "static"
            conf.write_text(
                NGINX_CONF.format(tmp=self.tmp, port=port, app_port=self.app_port, static=static)
            )
            nginx = shutil.which("nginx") or "/usr/sbin/nginx"
            self.start([nginx, "-c", str(conf), "-g", "daemon off;"], "nginx.log")
        self.url = f"http://127.0.0.1:{port}{found.group(1)}"
        databases = [database] if self.engine == "postgres" else []
        self.server = Server(
            [process.pid for process in self.processes], databases, self.args.pg_url
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                check_page(self.url)
                return self
            except (OSError, SystemExit):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def __exit__(self, *exc: object) -> None:
        for process in reversed(self.processes):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.engine == "postgres":
            self.psql(f'DROP DATABASE IF EXISTS "{self.args.db_name}" WITH (FORCE)', check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)


def machine() -> dict[str, object]:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else ""
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minka-url", help="a running Minka page (instead of --start-minka)")
    parser.add_argument("--other-url", required=True, help="the page to compare with (Indico)")
    parser.add_argument(
        "--start-minka",
        action="append",
        choices=["postgres", "sqlite"],
        default=[],
        help="start Minka as deploy/ documents it on this engine (repeatable)",
    )
    parser.add_argument("--meeting", choices=["next", "first"], default="next")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the unit's)")
    parser.add_argument(
        "--minka-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the Minka it starts, e.g. MINKA_PAGE_CACHE_SECONDS=0 (repeatable)",
    )
    parser.add_argument("--no-nginx", dest="nginx", action="store_false")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--db-name", default="ind_side_by_side")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    for side in ("minka", "other"):
        parser.add_argument(
            f"--{side}-pid",
            type=int,
            action="append",
            default=[],
            help=f"a master process serving the {side} URL (CPU time per request; repeatable)",
        )
        parser.add_argument(
            f"--{side}-db",
            action="append",
            default=[],
            help=f"a PostgreSQL database of the {side} server (its backends' CPU time too)",
        )
    args = parser.parse_args(argv)
    for name in [args.db_name, *args.minka_db, *args.other_db]:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            parser.error(f"{name!r}: database names take lower-case letters, digits and _")
    if not args.minka_url and not args.start_minka:
        parser.error("give --minka-url or --start-minka")
    if shutil.which("wrk") is None:
        parser.error("wrk is missing: apt-get install wrk")
    options = {
        "rounds": args.rounds,
        "threads": args.threads,
        "connections": args.connections,
        "seconds": args.seconds,
    }
    check_page(args.other_url)  # before spending minutes on starting Minka
    other = Server(args.other_pid, args.other_db, args.pg_url)
    comparisons = []
    if args.minka_url:
        print(f"Minka at {args.minka_url} against {args.other_url}", flush=True)
        servers = {"minka": Server(args.minka_pid, args.minka_db, args.pg_url), "other": other}
        comparison = Comparison("given", args.minka_url, args.other_url)
        comparisons.append(compare(comparison, servers, **options))
        comparison.minka_pss_mb = pss_mb(args.minka_pid)
        comparison.other_pss_mb = pss_mb(args.other_pid)
    for engine in args.start_minka:
        with Minka(engine, args) as minka:
            comparison = Comparison(engine, minka.url, args.other_url)
            compare(comparison, {"minka": minka.server, "other": other}, **options)
            comparison.minka_pss_mb = pss_mb(minka.server.pids)
            comparison.other_pss_mb = pss_mb(args.other_pid)
            comparisons.append(comparison)
    print()
    for comparison in comparisons:
        summary = comparison.summary()
        print(
            f"Minka ({comparison.minka}) median {summary['minka_median_rps']:.1f} req/s, "
            f"other {summary['other_median_rps']:.1f} req/s: "
            f"ratio {summary['ratio_of_medians']} (per round {summary['ratio_per_round']})"
        )
        if summary["cpu_ratio"]:
            print(
                f"  CPU per request: Minka {summary['minka_cpu_ms_per_request']} ms, "
                f"other {summary['other_cpu_ms_per_request']} ms: "
                f"Minka needs {summary['cpu_ratio']}x less"
            )
    result = {
        "benchmark": "side_by_side",
        "wrk": f"-t{args.threads} -c{args.connections} -d{args.seconds}s",
        "rounds": args.rounds,
        "machine": machine(),
        "comparisons": [comparison.summary() for comparison in comparisons],
    }
    print(json.dumps(result))
    return 0 if all(comparison.summary()["clean"] for comparison in comparisons) else 1


if __name__ == "__main__":
    sys.exit(main())
