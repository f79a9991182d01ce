"""Fault tests of SECURITY.md §4.2 on real processes (127.0.0.1, debug off, gunicorn, workers).

Each test prints a readable line and one JSON line with its figures and ``pass``::

    .venv/bin/python bench/faults.py            # all of them
    .venv/bin/python bench/faults.py F1 F15     # a subset

* **F1**  ``kill -9`` of gunicorn workers during uploads (their master respawns them), then
  ``minka check_integrity`` and ``--repair --grace-minutes 0``.
* **FW**  ``kill -9`` of the task worker (``minka db_worker``) during tasks: every task
  done, none lost, none failed.
* **F2**  Every process killed at once on SQLite (``synchronous=FULL``): acknowledged
  commits present, ``PRAGMA integrity_check`` ok (an application crash; a power loss needs a VM).
* **F4**  PostgreSQL restarted (``-m immediate``) under load, on a throwaway cluster of its own.
* **F5**  SQLite write contention: two gunicorn workers, the task worker and an online backup.
* **F6**  Disk full: the media folder on a small tmpfs (needs root to mount).
* **F10** Slow clients: 100 slowloris connections, through nginx and straight at gunicorn.
* **F15** ``kill -9`` during ``migrate`` on PostgreSQL and SQLite, then migrate again.
* **F16** Four parallel 50 MB uploads: peak RSS of each gunicorn worker.

PostgreSQL at ``MINKA_BENCH_POSTGRES`` (default the shared 127.0.0.1:5432; databases
``flt_*``), Redis database 8 (``MINKA_BENCH_REDIS``). Sizes are kept modest for a 2-core
machine that others share: timings are noisy.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _procs as procs

if TYPE_CHECKING:
    from collections.abc import Callable

SEED = 2026
MACHINE = f"{platform.machine()} {os.cpu_count()} cpu, shared with other jobs"


def report(name: str, figures: dict[str, Any], passed: bool) -> dict[str, Any]:
    line = {"test": name, **figures, "pass": passed, "machine": MACHINE}
    print(
        f"{name}: {'PASS' if passed else 'FAIL'} "
        + ", ".join(f"{k}={v}" for k, v in figures.items())
    )
    print(json.dumps(line), flush=True)
    return line


def versions(database_url: str) -> list[tuple[str, str, int]]:
    """(sha256, storage name, size) of every stored version."""
    query = "SELECT sha256, file, size FROM documents_version"
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            rows = list(db.execute(query))
    else:
        rows = procs.pg_rows(database_url, query)
    return [(str(sha), str(name), int(size)) for sha, name, size in rows]


def tasks(database_url: str) -> list[tuple[str, list[str]]]:
    rows = procs.pg_rows(
        database_url, "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
    )
    return [(str(s), list(w)) for s, w in rows]


class Sampler(threading.Thread):
    """Peak RSS (MB) of each process ``pids()`` names, sampled every 50 ms."""

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.peak: dict[int, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for pid in self.pids():
                self.peak[pid] = max(self.peak.get(pid, 0.0), procs.rss_mb(pid))
            time.sleep(0.05)


def uploads_with_faults(
    port: int, members: list[procs.Member], count: int, sizes: tuple[int, int], rng: random.Random,
    fault: Callable[[], None] | None = None, clients: int = 4,
) -> tuple[dict[str, int], dict[str, int]]:  # fmt: skip
    """``count`` uploads from ``clients`` threads while ``fault`` runs in another;
    returns (acknowledged sha → size, failed sha → status or -1 for a broken connection)."""
    files = [procs.text_file(rng.randint(*sizes)) for _ in range(count)]
    acked: dict[str, int] = {}
    failed: dict[str, int] = {}
    lock = threading.Lock()

    def one(index: int) -> None:
        data = files[index]
        digest = hashlib.sha256(data).hexdigest()
        try:
            status = procs.upload(port, members[index % len(members)], f"f{index}.txt", data)
        except OSError:
            status = -1
        with lock:
            (acked if status == 302 else failed)[digest] = status if status != 302 else len(data)

    done = threading.Event()
    killer = None
    if fault is not None:

        def run_fault() -> None:
            fault()
            done.set()

        killer = threading.Thread(target=run_fault, daemon=True)
        killer.start()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(count)))
    if killer is not None:
        killer.join(timeout=120)
    return acked, failed


# --- F1 ---------------------------------------------------------------------------------------


def f1(kills: int = 12, count: int = 80) -> dict[str, Any]:
    rng = random.Random(SEED)  # noqa: S311 - reproducible faults, not secrets
    folder = Path(tempfile.mkdtemp(prefix="minka-f1-"))
    with (
        procs.pg_database("flt_f1") as url,
        procs.site(folder, database_url=url, media_root=folder / "media") as site,
    ):
        site.prepare()
        port = procs.free_port()
        master = site.gunicorn(port, workers=2)
        site.worker()
        members = procs.members(site, 4)
        killed = []

        def killer() -> None:
            for _ in range(kills):
                time.sleep(rng.uniform(0.3, 1.5))
                workers = procs.children(master.pid)
                if workers:
                    victim = rng.choice(workers)
                    os.kill(victim, signal.SIGKILL)
                    killed.append(victim)

        started = time.monotonic()
        acked, failed = uploads_with_faults(port, members, count, (200_000, 3_000_000), rng, killer)
        elapsed = time.monotonic() - started
        time.sleep(2)
        stored = {sha: size for sha, _name, size in versions(url)}
        lost = [sha for sha in acked if sha not in stored]
        wrong_size = [sha for sha, size in acked.items() if sha in stored and stored[sha] != size]
        before = site.integrity("--grace-minutes", "0")
        site.integrity("--repair", "--grace-minutes", "0")
        after = site.integrity("--grace-minutes", "0")
        # Stored but never acknowledged: the upload committed, the answer was cut. Not lost.
        committed_unacked = len([sha for sha in failed if sha in stored])
    shutil.rmtree(folder, ignore_errors=True)
    figures = {
        "uploads": count, "acknowledged": len(acked), "not_acknowledged": len(failed),
        "committed_but_answer_cut": committed_unacked, "kills": len(killed),
        "acknowledged_lost": len(lost), "wrong_size": len(wrong_size),
        "rows_without_file": before["missing"]["count"], "corrupt": before["corrupt"]["count"],
        "orphans_before_sweep": before["orphans"]["count"],
        "orphans_after_sweep": after["orphans"]["count"], "integrity_clean_after": after["clean"],
        "seconds": round(elapsed, 1),
    }  # fmt: skip
    passed = (
        not lost and not wrong_size and before["missing"]["count"] == 0
        and before["corrupt"]["count"] == 0 and after["clean"] and len(killed) >= kills // 2
    )  # fmt: skip
    return report("F1", figures, passed)


# --- FW: kill -9 of the task worker ------------------------------------------------------------

ENQUEUE = """
import sys
from minka.documents.models import Version
from minka.documents.tasks import process_version
for version in Version.objects.all():
    process_version.enqueue(version.pk)
print(Version.objects.count())
"""


def fw(kills: int = 6, count: int = 40) -> dict[str, Any]:
    rng = random.Random(SEED)  # noqa: S311 - reproducible faults, not secrets
    folder = Path(tempfile.mkdtemp(prefix="minka-fw-"))
    with (
        procs.pg_database("flt_fw") as url,
        procs.site(folder, database_url=url, media_root=folder / "media") as site,
    ):
        site.prepare()
        port = procs.free_port()
        site.gunicorn(port, workers=2)
        members = procs.members(site, 2)
        acked, _failed = uploads_with_faults(port, members, count, (20_000, 400_000), rng)
        site.python(ENQUEUE)  # a second task per version: 2 × count queued
        queued = len(tasks(url))
        done_kills = 0
        for _ in range(kills):
            worker = site.worker()
            # Kill it at a random moment once it runs tasks (a task child exists).
            deadline = time.monotonic() + 30
            while not procs.children(worker.pid) and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 2.5))
            while not procs.children(worker.pid) and time.monotonic() < deadline:
                time.sleep(0.01)  # in the middle of a task, not between two
            if worker.poll() is None:
                os.kill(worker.pid, signal.SIGKILL)  # its task child dies with it
                worker.wait()
                done_kills += 1
        started = time.monotonic()
        site.worker()
        deadline = started + 240
        while time.monotonic() < deadline:
            rows = tasks(url)
            if all(s in ("SUCCESSFUL", "FAILED") for s, _w in rows):
                break
            time.sleep(0.5)
        drain = time.monotonic() - started
        rows = tasks(url)
        statuses: dict[str, int] = {}
        for status, _w in rows:
            statuses[status] = statuses.get(status, 0) + 1
        reruns = sum(len(w) - 1 for _s, w in rows)
        failures = procs.pg_rows(
            url,
            "SELECT exception_class_path, right(traceback, 300) "
            "FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'",
        )
        version_states = procs.pg_rows(
            url, "SELECT status, COUNT(*) FROM documents_version GROUP BY status"
        )
    shutil.rmtree(folder, ignore_errors=True)
    figures = {
        "tasks_queued": queued, "kills": done_kills, "statuses": statuses,
        "interrupted_runs_redone": reruns, "versions": dict(version_states),
        "drain_s": round(drain, 1), "uploads_acknowledged": len(acked),
        "failures": failures[:3],
    }  # fmt: skip
    passed = (
        statuses == {"SUCCESSFUL": queued} and 0 < reruns <= done_kills
        and dict(version_states) == {"done": len(acked)}
    )  # fmt: skip
    return report("FW", figures, passed)


# --- F4: PostgreSQL restart under load ----------------------------------------------------------


def f4(duration: float = 40.0, down_at: float = 10.0, down_for: float = 5.0) -> dict[str, Any]:
    rng = random.Random(SEED)  # noqa: S311 - reproducible faults, not secrets
    folder = Path(tempfile.mkdtemp(prefix="minka-f4-"))
    with procs.own_postgres() as pg:
        import psycopg

        with psycopg.connect(f"{pg.url}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE flt_f4")
        url = f"{pg.url}/flt_f4"
        with procs.site(folder, database_url=url, media_root=folder / "media") as site:
            site.prepare()
            port = procs.free_port()
            site.gunicorn(port, workers=2)
            site.worker()
            members = procs.members(site, 2)
            events: list[tuple[float, str, int]] = []  # (time, kind, status)
            acked: set[str] = set()
            lock = threading.Lock()
            stop = threading.Event()
            t0 = time.monotonic()

            def reader() -> None:
                while not stop.is_set():
                    try:
                        status, _ = procs.request(port, "GET", "/", timeout=10)
                    except OSError:
                        status = -1
                    with lock:
                        events.append((time.monotonic() - t0, "read", status))
                    time.sleep(0.05)

            def writer(member: procs.Member) -> None:
                while not stop.is_set():
                    data = procs.text_file(rng.randint(5_000, 50_000))
                    try:
                        status = procs.upload(port, member, "w.txt", data, timeout=20)
                    except OSError:
                        status = -1
                    with lock:
                        events.append((time.monotonic() - t0, "write", status))
                        if status == 302:
                            acked.add(hashlib.sha256(data).hexdigest())
                    time.sleep(0.1)

            threads = [threading.Thread(target=reader) for _ in range(2)]
            threads += [threading.Thread(target=writer, args=(m,)) for m in members]
            for thread in threads:
                thread.start()
            time.sleep(down_at)
            down = time.monotonic() - t0
            pg.stop("immediate")
            time.sleep(down_for)
            pg.start()
            back = time.monotonic() - t0
            time.sleep(max(0.0, duration - back))
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            stored = {sha for sha, _n, _s in versions(url)}
            integrity = site.integrity("--grace-minutes", "0")
    shutil.rmtree(folder, ignore_errors=True)
    bad = [(t, k, s) for t, k, s in events if s >= 500 or s < 0]
    outside = [e for e in bad if not (down - 0.5 <= e[0] <= back + 2.0)]
    first_ok = min((t for t, _k, s in events if t >= back and 200 <= s < 400), default=None)
    figures = {
        "requests": len(events), "errors_total": len(bad), "errors_outside_outage": len(outside),
        "outage_s": round(back - down, 1),
        "error_window_s": round(max(e[0] for e in bad) - min(e[0] for e in bad), 1) if bad else 0,
        "first_2xx_after_db_back_s": round(first_ok - back, 2) if first_ok else None,
        "acknowledged_writes": len(acked), "acknowledged_writes_lost": len(acked - stored),
        "integrity_clean": integrity["clean"], "manual_steps": 0,
    }  # fmt: skip
    passed = not outside and first_ok is not None and not (acked - stored) and integrity["clean"]
    return report("F4", figures, passed)


# --- F6: disk full --------------------------------------------------------------------------------


def f6(size_mb: int = 24, file_mb: float = 3.0) -> dict[str, Any]:
    if os.geteuid() != 0:
        return report("F6", {"skipped": "needs root to mount a tmpfs"}, False)
    rng = random.Random(SEED)  # noqa: S311 - reproducible faults, not secrets
    folder = Path(tempfile.mkdtemp(prefix="minka-f6-"))
    media = folder / "media"
    media.mkdir()
    subprocess.run(  # noqa: S603 - fixed arguments
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0755", "none", str(media)],  # noqa: S607
        check=True,
    )
    try:
        with (
            procs.pg_database("flt_f6") as url,
            procs.site(folder, database_url=url, media_root=media) as site,
        ):
            site.prepare()
            port = procs.free_port()
            site.gunicorn(port, workers=2)
            member = procs.members(site, 1)[0]
            statuses: list[int] = []
            bodies: list[bytes] = []
            acked: dict[str, int] = {}
            for index in range(int(size_mb / file_mb) + 6):
                data = procs.text_file(int(file_mb * 1_000_000) + rng.randint(0, 1000))
                body, content_type = procs.multipart(
                    procs.UPLOAD_FIELDS, [("uploads", f"d{index}.txt", data)]
                )
                status, answer = procs.request(
                    port,
                    "POST",
                    "/repositorio/subir/",
                    body=body,
                    headers=member.headers(content_type),
                )
                statuses.append(status)
                if status == 302:
                    acked[hashlib.sha256(data).hexdigest()] = len(data)
                else:
                    bodies.append(answer)
            # Reads during the fault: the list and each stored version's page.
            reads = [
                procs.request(port, "GET", "/repositorio/", headers=member.headers("text/plain"))[0]
                for _ in range(10)
            ]
            reads_ok = sum(1 for s in reads if s == 200)
            full = site.integrity("--grace-minutes", "0")
            # Free space without a restart, then upload again.
            subprocess.run(["mount", "-o", f"remount,size={size_mb * 4}m", str(media)], check=True)  # noqa: S603, S607
            status_after = procs.upload(port, member, "after.txt", procs.text_file(1_000_000))
            stored = {sha: size for sha, _n, size in versions(url)}
            after = site.integrity("--grace-minutes", "0")
            message = next((b for b in bodies if b), b"")
    finally:
        subprocess.run(["umount", str(media)], check=False)  # noqa: S603, S607
        shutil.rmtree(folder, ignore_errors=True)
    refused = [s for s in statuses if s != 302]
    clear = b"Traceback" not in message and (
        b"espacio" in message.lower() or b"space" in message.lower()
    )
    figures = {
        "uploads": len(statuses), "acknowledged": len(acked),
        "refused_statuses": sorted(set(refused)), "http_500": statuses.count(500),
        "clear_message": clear, "acknowledged_lost": len([s for s in acked if s not in stored]),
        "partial_or_orphan_files": full["orphans"]["count"],
        "rows_without_file": full["missing"]["count"], "reads_ok_pct": reads_ok * 10,
        "read_statuses": sorted(set(reads)), "upload_after_freeing": status_after,
        "restart_needed": 0,
        "integrity_clean_after": after["clean"],
    }  # fmt: skip
    passed = (
        statuses.count(500) == 0 and bool(refused) and full["clean"] and reads_ok == 10
        and status_after == 302 and clear
    )  # fmt: skip
    return report("F6", figures, passed)


# --- F10: slow clients ----------------------------------------------------------------------------

NGINX = """
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    client_header_timeout 10s;
    client_body_timeout 10s;
    send_timeout 10s;
    client_max_body_size 60m;
    upstream minka {{ server 127.0.0.1:{upstream}; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://minka;
            proxy_set_header Host $http_host;
            proxy_request_buffering on;
            proxy_buffering on;
        }}
    }}
}}
"""


def slowloris(port: int, count: int, stop: threading.Event) -> list[socket.socket]:
    """Open ``count`` connections that send a request line, then one header byte a second."""
    sockets = []
    for _ in range(count):
        try:
            sock = socket.create_connection((procs.HOST, port), timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            sockets.append(sock)
        except OSError:
            pass

    def trickle() -> None:
        while not stop.is_set():
            for sock in list(sockets):
                try:
                    sock.sendall(b"X")
                except OSError:
                    sockets.remove(sock)
            time.sleep(1)

    threading.Thread(target=trickle, daemon=True).start()
    return sockets


def measure(port: int, seconds: float) -> tuple[int, int, list[float]]:
    ok = total = 0
    times = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.monotonic()
        total += 1
        try:
            status, _ = procs.request(port, "GET", "/healthz", timeout=5)
            ok += status == 200
        except OSError:
            pass
        times.append(time.monotonic() - start)
    return ok, total, times


def p95(values: list[float]) -> float:
    return round(statistics.quantiles(values, n=20)[-1] * 1000, 1) if len(values) > 1 else 0.0


def f10(slow: int = 100, seconds: float = 20.0) -> dict[str, Any]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    folder = Path(tempfile.mkdtemp(prefix="minka-f10-"))
    results: dict[str, Any] = {}
    with (
        procs.pg_database("flt_f10") as url,
        procs.site(folder, database_url=url, media_root=folder / "media") as site,
    ):
        site.prepare()
        upstream = procs.free_port()
        site.gunicorn(upstream, workers=2, timeout=30)
        ok, total, base_times = measure(upstream, 3)
        results["baseline_p95_ms"] = p95(base_times)
        have_nginx = Path(nginx).exists()
        targets = [("direct", upstream)]
        if have_nginx:
            port = procs.free_port()
            (folder / "nginx.conf").write_text(
                NGINX.format(folder=folder, upstream=upstream, port=port)
            )
            site.spawn([nginx, "-c", str(folder / "nginx.conf"), "-g", "daemon off;"], "nginx.log")
            procs.wait_http(port)
            targets.insert(0, ("nginx", port))
        for label, target in targets:
            stop = threading.Event()
            sockets = slowloris(target, slow, stop)
            time.sleep(1)
            ok, total, times = measure(target, seconds)
            stop.set()
            for sock in sockets:
                sock.close()
            results[f"{label}_success_pct"] = round(100 * ok / max(total, 1), 1)
            results[f"{label}_requests"] = total
            results[f"{label}_p95_ms"] = p95(times)
            results[f"{label}_slow_connections_open"] = len(sockets)
            time.sleep(2)
        results["nginx_installed"] = have_nginx
    shutil.rmtree(folder, ignore_errors=True)
    passed = have_nginx and results.get("nginx_success_pct") == 100.0
    return report("F10", results, passed)


# --- F2: every process killed at once (SQLite) ---------------------------------------------------


def sqlite_check(path: Path) -> str:
    import sqlite3

    with sqlite3.connect(path) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def f2(seconds: float = 12.0) -> dict[str, Any]:
    """Uploads log each acknowledged commit; then web, worker and database (SQLite lives in
    the processes) are all killed at once. Without a VM this is an application crash, not a
    power loss: it checks that nothing acknowledged is lost and the file opens cleanly."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible faults, not secrets
    folder = Path(tempfile.mkdtemp(prefix="minka-f2-"))
    database = folder / "minka.sqlite3"
    url = f"sqlite:///{database}"
    with procs.site(folder, database_url=url, media_root=folder / "media") as site:
        site.prepare()
        port = procs.free_port()
        master = site.gunicorn(port, workers=2)
        worker = site.worker()
        members = procs.members(site, 4)
        acked: set[str] = set()
        lock = threading.Lock()
        stop = threading.Event()

        def writer(member: procs.Member) -> None:
            while not stop.is_set():
                data = procs.text_file(rng.randint(5_000, 200_000))
                try:
                    status = procs.upload(port, member, "c.txt", data, timeout=20)
                except OSError:
                    continue
                if status == 302:
                    with lock:
                        acked.add(hashlib.sha256(data).hexdigest())

        threads = [threading.Thread(target=writer, args=(m,), daemon=True) for m in members]
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        victims = [master.pid, *procs.children(master.pid), worker.pid]
        victims += procs.children(worker.pid)
        for pid in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with lock:
            acknowledged = set(acked)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        site.stop_all()
        check = sqlite_check(database)
        stored = {sha for sha, _n, _s in versions(url)}
        lost = acknowledged - stored
        before = site.integrity("--grace-minutes", "0")
        site.integrity("--repair", "--grace-minutes", "0")
        after = site.integrity("--grace-minutes", "0")
        # A restart needs nothing by hand: the site serves again.
        site.gunicorn(port, workers=1)
        status, _body = procs.request(port, "GET", "/")
    shutil.rmtree(folder, ignore_errors=True)
    figures = {
        "synchronous": "FULL", "acknowledged": len(acknowledged),
        "acknowledged_missing": len(lost), "integrity_check": check,
        "rows_without_file": before["missing"]["count"],
        "orphans_before_sweep": before["orphans"]["count"],
        "orphans_after_sweep": after["orphans"]["count"], "processes_killed": len(victims),
        "serves_after_restart": status, "manual_repair": 0,
    }  # fmt: skip
    passed = not lost and check == "ok" and after["clean"] and status == 200
    return report("F2", figures, passed)


# --- F5: SQLite write contention ---------------------------------------------------------------


def f5(seconds: float = 60.0) -> dict[str, Any]:
    """Two gunicorn workers (uploads and RSVPs), the task worker (extraction) and an online
    backup every 2 s, on one SQLite file."""
    import sqlite3

    rng = random.Random(SEED)  # noqa: S311 - reproducible faults, not secrets
    folder = Path(tempfile.mkdtemp(prefix="minka-f5-"))
    database = folder / "minka.sqlite3"
    url = f"sqlite:///{database}"
    with procs.site(folder, database_url=url, media_root=folder / "media") as site:
        site.prepare()
        meeting = site.python(
            "from minka.meetings.tests.factories import MeetingFactory\n"
            "print(MeetingFactory.create().public_id)"
        ).split()[-1]
        port = procs.free_port()
        site.gunicorn(port, workers=2)
        site.worker()
        members = procs.members(site, 4)
        latencies: list[float] = []
        statuses: list[int] = []
        backups: list[float] = []
        lock = threading.Lock()
        stop = threading.Event()

        def writer(member: procs.Member, index: int) -> None:
            while not stop.is_set():
                started = time.monotonic()
                if index % 2:
                    data = procs.text_file(rng.randint(2_000, 60_000))
                    status = procs.upload(port, member, "w.txt", data, timeout=30)
                else:
                    answer = rng.choice(["yes", "no", "maybe"]).encode()
                    status, _b = procs.request(
                        port, "POST", f"/reuniones/{meeting}/respuesta/", body=b"answer=" + answer,
                        headers=member.headers("application/x-www-form-urlencoded"), timeout=30,
                    )  # fmt: skip
                with lock:
                    latencies.append(time.monotonic() - started)
                    statuses.append(status)

        def backup() -> None:
            while not stop.is_set():
                started = time.monotonic()
                with sqlite3.connect(database, timeout=20) as source:
                    target = sqlite3.connect(folder / "backup.sqlite3")
                    source.backup(target)
                    target.close()
                backups.append(time.monotonic() - started)
                time.sleep(2)

        threads = [
            threading.Thread(target=writer, args=(m, i), daemon=True) for i, m in enumerate(members)
        ]
        threads.append(threading.Thread(target=backup, daemon=True))
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        site.stop_all()
        logs = " ".join(p.read_text(errors="replace") for p in folder.glob("*.log"))
        locked = logs.count("database is locked")
        check = sqlite_check(database)
    shutil.rmtree(folder, ignore_errors=True)
    figures = {
        "seconds": seconds, "writes": len(statuses), "errors_5xx": sum(s >= 500 for s in statuses),
        "database_is_locked": locked, "p95_write_ms": p95(latencies),
        "median_write_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "backups": len(backups), "integrity_check": check,
    }  # fmt: skip
    passed = locked == 0 and figures["errors_5xx"] == 0 and check == "ok"
    return report("F5", figures, passed)


# --- F15: kill -9 during migrate ---------------------------------------------------------------


def _applying(log: Path) -> int:
    """How many migrations ``minka migrate`` has begun, by its log."""
    try:
        return log.read_text(errors="replace").count("Applying ")
    except FileNotFoundError:
        return 0


def f15() -> dict[str, Any]:
    rng = random.Random(SEED)  # noqa: S311 - reproducible faults, not secrets
    figures: dict[str, Any] = {}
    passed = True
    for engine in ("postgresql", "sqlite"):
        folder = Path(tempfile.mkdtemp(prefix="minka-f15-"))
        context = procs.pg_database("flt_f15") if engine == "postgresql" else None
        url = context.__enter__() if context else f"sqlite:///{folder}/minka.sqlite3"
        try:
            with procs.site(folder, database_url=url) as site:
                kills = 0
                killed_in: list[int] = []  # the migration, counted from 1, each kill landed in
                unapplied_before: list[int] = []
                log = folder / "migrate.log"
                for _ in range(3):
                    shown = site.minka("showmigrations", "--plan", check=False).stdout
                    unapplied = shown.count("[ ]")
                    unapplied_before.append(unapplied)
                    if unapplied < 3:
                        break
                    # Killed once a randomly chosen migration has begun (migrate prints and
                    # flushes "Applying …" before each): a moment inside any machine's run,
                    # where a fixed delay of 3-7 s outlived a fast machine's whole migrate.
                    target = rng.randint(1, unapplied // 3)  # leaves room for three kills
                    before = _applying(log)
                    process = site.spawn(
                        [str(procs.BIN / "minka"), "migrate", "--no-input"], "migrate.log"
                    )
                    while process.poll() is None and _applying(log) - before < target:
                        time.sleep(0.005)
                    time.sleep(rng.uniform(0.0, 0.05))
                    if process.poll() is None:
                        process.kill()
                        kills += 1
                        killed_in.append(target)
                    process.wait()
                rerun = site.minka("migrate", "--no-input", check=False)
                check = site.minka("makemigrations", "--check", "--dry-run", check=False)
                plan = site.minka("migrate", "--check", check=False)
        finally:
            if context:
                context.__exit__(None, None, None)
            shutil.rmtree(folder, ignore_errors=True)
        figures[f"{engine}_kills"] = kills
        figures[f"{engine}_killed_in_migration"] = killed_in
        figures[f"{engine}_unapplied_before"] = unapplied_before
        figures[f"{engine}_rerun_ok"] = rerun.returncode == 0
        figures[f"{engine}_makemigrations_check_clean"] = check.returncode == 0
        figures[f"{engine}_unapplied_migrations_after"] = plan.returncode != 0
        passed = (
            passed
            and kills == 3
            and rerun.returncode == 0
            and check.returncode == 0
            and plan.returncode == 0
        )
    return report("F15", figures, passed)


# --- F16: large uploads and memory -------------------------------------------------------------


def f16(parallel: int = 4, size_mb: int = 49) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="minka-f16-"))
    with (
        procs.pg_database("flt_f16") as url,
        procs.site(folder, database_url=url, media_root=folder / "media") as site,
    ):
        site.prepare()
        port = procs.free_port()
        master = site.gunicorn(port, workers=2, timeout=120)
        members = procs.members(site, parallel)
        time.sleep(1)
        idle = {pid: round(procs.rss_mb(pid), 1) for pid in procs.children(master.pid)}
        sampler = Sampler(lambda: procs.children(master.pid))
        sampler.start()
        files = [procs.text_file(size_mb * 1_000_000) for _ in range(parallel)]
        started = time.monotonic()
        with ThreadPoolExecutor(parallel) as pool:
            statuses = list(
                pool.map(
                    lambda i: procs.upload(port, members[i], f"big{i}.txt", files[i], timeout=300),
                    range(parallel),
                )
            )
        elapsed = time.monotonic() - started
        sampler.stop.set()
        sampler.join()
        stored = {sha for sha, _n, _s in versions(url)}
        lost = [f for f in files if hashlib.sha256(f).hexdigest() not in stored]
        crashed = [pid for pid in idle if procs.rss_mb(pid) == 0]
    shutil.rmtree(folder, ignore_errors=True)
    peaks = sorted(round(v, 1) for v in sampler.peak.values())
    figures = {
        "uploads": parallel, "size_mb": size_mb, "statuses": statuses,
        "idle_rss_mb": sorted(idle.values()), "peak_rss_mb_per_worker": peaks,
        "workers_died": len(crashed), "lost": len(lost), "seconds": round(elapsed, 1),
    }  # fmt: skip
    passed = statuses == [302] * parallel and not crashed and max(peaks, default=0) < 256
    return report("F16", figures, passed)


TESTS: dict[str, Callable[[], dict[str, Any]]] = {
    "F1": f1, "FW": fw, "F2": f2, "F4": f4, "F5": f5, "F6": f6, "F10": f10, "F15": f15,
    "F16": f16,
}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("tests", nargs="*", help=f"any of {' '.join(TESTS)} (default: all)")
    names = parser.parse_args().tests or list(TESTS)
    unknown = [name for name in names if name not in TESTS]
    if unknown:
        parser.error(f"unknown test {' '.join(unknown)}: choose from {' '.join(TESTS)}")
    results = [TESTS[name]() for name in names]
    summary = {r["test"]: r["pass"] for r in results}
    print(json.dumps({"summary": summary}))
    return 0 if all(summary.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
