"""Real processes on 127.0.0.1 for the fault benchmarks and the multi-process tests.

:class:`Site` runs Minka as ``deploy/`` does (debug off, gunicorn, ``minka db_worker``)
against a database URL and, optionally, the SeaweedFS test server; :func:`own_postgres` starts
a throwaway PostgreSQL cluster (its own folder and port, so it can be restarted or killed
without touching the shared one); :class:`Uploader` signs a member in and posts files to the
repository's upload form. Everything binds free ports on the loopback and dies with the
process that started it.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
SHARED_POSTGRES = os.environ.get("MINKA_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PG_BIN = Path(os.environ.get("MINKA_BENCH_PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_URL = os.environ.get("MINKA_BENCH_REDIS", "redis://127.0.0.1:6379/8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def die_with_parent() -> None:
    """In a child: SIGKILL when the starting process dies (Linux)."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB; zeros for a process that is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = dict(re.findall(r"^(Rss|Pss):\s+(\d+) kB", text, re.MULTILINE))
    return int(values.get("Rss", 0)), int(values.get("Pss", 0))


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children of all its threads, their children, ...)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return found + [grandchild for child in found for grandchild in descendants(child)]


def children(pid: int) -> list[int]:
    """Direct children of ``pid``."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


# --- PostgreSQL ---------------------------------------------------------------------------------


@contextlib.contextmanager
def pg_database(name: str, server: str = SHARED_POSTGRES) -> Iterator[str]:
    """A fresh database ``name`` on ``server`` (dropped on the way out); yields its URL."""
    import psycopg

    admin = f"{server}/postgres"
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with contextlib.suppress(Exception), psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class OwnPostgres:
    """A throwaway cluster: ``restart`` / ``stop`` / ``start`` act on it alone."""

    folder: Path
    port: int
    user: str

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}"

    def _ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(  # noqa: S603 - fixed arguments
            command, capture_output=True, text=True, check=check, timeout=60
        )

    def start(self) -> None:
        self._ctl(
            "-l", str(self.folder / "log"), "-w",
            "-o", f"-p {self.port} -k {self.folder} -c listen_addresses={HOST} -c fsync=on",
            "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "-w", "stop", check=False)

    def restart(self, mode: str = "immediate") -> None:
        self.stop(mode)
        self.start()


@contextlib.contextmanager
def own_postgres() -> Iterator[OwnPostgres]:
    """initdb + pg_ctl start in a temporary folder on a free port (as ``postgres`` when run
    as root, since PostgreSQL refuses root)."""
    folder = Path(tempfile.mkdtemp(prefix="minka-pg-"))
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "")
    if os.geteuid() == 0:
        shutil.chown(folder, user)
    server = OwnPostgres(folder=folder, port=free_port(), user=user)
    command = [str(PG_BIN / "initdb"), "-D", str(folder / "data"), "-U", "postgres",
               "-A", "trust", "--no-sync", "-E", "UTF8"]  # fmt: skip
    if os.geteuid() == 0:
        command = ["runuser", "-u", user, "--", *command]
    subprocess.run(command, capture_output=True, check=True, timeout=120)  # noqa: S603
    server.start()
    try:
        yield server
    finally:
        server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


# --- The site ------------------------------------------------------------------------------------


@dataclass
class Site:
    """Minka configured like production (debug off) in ``folder``."""

    folder: Path
    database_url: str
    s3: Any = None  # a minka.core.tests.s3server.S3Server
    media_root: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("MINKA_", "DJANGO_", "PYTEST_")) and k != "DATABASE_URL"
        }
        env = {
            **base,
            "DATABASE_URL": self.database_url,
            "MINKA_DATA_DIR": str(self.folder / "data"),
            "MINKA_SECRET_KEY": "bench-" + hashlib.sha256(str(self.folder).encode()).hexdigest(),
            "MINKA_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MINKA_BASE_URL": "http://127.0.0.1",
            "MINKA_SECURE_SSL_REDIRECT": "false",
            "MINKA_CACHE_URL": REDIS_URL,
            "MINKA_UPLOAD_RATE_LIMIT": "100000",
            "MINKA_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        if self.media_root is not None:
            env["MINKA_MEDIA_ROOT"] = str(self.media_root)
        if self.s3 is not None:
            env.update(
                {
                    "MINKA_S3_BUCKET": self.s3.bucket,
                    "MINKA_S3_ENDPOINT_URL": self.s3.endpoint_url,
                    "MINKA_S3_ACCESS_KEY_ID": self.s3.access_key,
                    "MINKA_S3_SECRET_ACCESS_KEY": self.s3.secret_key,
                }
            )
        env.update(self.extra_env)
        return env

    def minka(
        self, *args: str, timeout: float = 300, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(  # noqa: S603 - fixed arguments
            [str(BIN / "minka"), *args], env=self.env, cwd=self.folder,
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if check and result.returncode != 0:
            raise RuntimeError(
                f"minka {' '.join(args)}: {result.returncode}\n{result.stderr[-3000:]}"
            )
        return result

    def prepare(self) -> None:
        """``migrate`` and ``collectstatic``, as the production guide does (with debug off,
        a page whose static files were not collected is a 500)."""
        self.minka("migrate", "--no-input")
        self.minka("collectstatic", "--no-input", "-v", "0")

    def python(self, code: str, *args: str, timeout: float = 300) -> str:
        """Run ``code`` with Django set up; return its stdout."""
        script = (
            "import django, os\n"
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'minka.settings')\n"
            "django.setup()\n" + code
        )
        result = subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "-c", script, *args], env=self.env, cwd=self.folder,
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"script failed: {result.stderr[-3000:]}")
        return result.stdout

    def spawn(
        self, command: list[str], log: str, extra: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        with (self.folder / log).open("ab") as out:
            process = subprocess.Popen(  # noqa: S603 - fixed arguments
                command, env={**self.env, **(extra or {})}, cwd=self.folder, stdout=out,
                stderr=subprocess.STDOUT, preexec_fn=die_with_parent,
            )  # fmt: skip
        self.processes.append(process)
        return process

    def gunicorn(
        self, port: int, *, workers: int = 1, timeout: int = 30, extra: list[str] | None = None
    ) -> subprocess.Popen[bytes]:
        process = self.spawn(
            [str(BIN / "gunicorn"), "minka.wsgi", "--bind", f"{HOST}:{port}", "--workers",
             str(workers), "--timeout", str(timeout), "--graceful-timeout", "5",
             "--no-control-socket", *(extra or [])],
            f"gunicorn-{port}.log",
        )  # fmt: skip
        wait_http(port, process)
        return process

    def worker(self, *args: str) -> subprocess.Popen[bytes]:
        return self.spawn(
            [str(BIN / "minka"), "db_worker", "--interval", "0.2", *args], "worker.log"
        )

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()

    def integrity(self, *args: str) -> dict[str, Any]:
        result = self.minka("check_integrity", "--json", *args, check=False)
        report: dict[str, Any] = json.loads(result.stdout)
        report["exit_status"] = result.returncode
        return report


@contextlib.contextmanager
def site(folder: Path | None = None, **kwargs: Any) -> Iterator[Site]:
    own = folder is None
    path = Path(tempfile.mkdtemp(prefix="minka-site-")) if folder is None else folder
    (path / "data").mkdir(exist_ok=True)
    running = Site(folder=path, **kwargs)
    try:
        yield running
    finally:
        running.stop_all()
        if own:
            shutil.rmtree(path, ignore_errors=True)


def wait_http(
    port: int, process: subprocess.Popen[bytes] | None = None, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            status, _body = request(port, "GET", "/healthz", timeout=2)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


def request(
    port: int, method: str, path: str, *, body: bytes | None = None,
    headers: dict[str, str] | None = None, timeout: float = 30,
) -> tuple[int, bytes]:  # fmt: skip
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- Signed-in clients -------------------------------------------------------------------------

MEMBERS = """
import json, sys
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client
from minka.accounts.models import User
out = []
for n in range(int(sys.argv[1])):
    user, _ = User.objects.get_or_create(
        email=f"bench{n}@example.org",
        defaults={"full_name": f"Bench {n}", "role": User.Role.MEMBER},
    )
    client = Client()
    client.force_login(user)
    secret = _get_new_csrf_string()
    out.append({
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "session_name": settings.SESSION_COOKIE_NAME,
        "csrf_name": settings.CSRF_COOKIE_NAME,
        "csrf_cookie": secret,
        "csrf_token": _mask_cipher_secret(secret),
        "user_id": user.pk,
    })
print(json.dumps(out))
"""


@dataclass(frozen=True)
class Member:
    session: str
    session_name: str
    csrf_name: str
    csrf_cookie: str
    csrf_token: str
    user_id: int

    def headers(self, content_type: str) -> dict[str, str]:
        return {
            "Cookie": f"{self.session_name}={self.session}; {self.csrf_name}={self.csrf_cookie}",
            "Content-Type": content_type,
            "X-CSRFToken": self.csrf_token,
        }


def members(running: Site, count: int) -> list[Member]:
    return [
        Member(**m)
        for m in json.loads(running.python(MEMBERS, str(count)).strip().splitlines()[-1])
    ]


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "minka" + secrets.token_hex(12)
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, data in files:
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"; filename="{filename}"\r\n'
            "Content-Type: text/plain\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


UPLOAD_FIELDS = {
    "kind": "report",
    "language": "es",
    "license": "cc-by-4.0",
    "visibility": "members",
}


def text_file(size: int) -> bytes:
    """A unique text file of about ``size`` bytes (so no two uploads are duplicates)."""
    line = (uuid.uuid4().hex + " acta de la reunión de la red\n").encode()
    return (line * (size // len(line) + 1))[:size].rsplit(b"\n", 1)[0] + b"\n"


def upload(port: int, member: Member, name: str, data: bytes, timeout: float = 120) -> int:
    """POST one file to the upload form; the HTTP status (302 = stored and acknowledged)."""
    body, content_type = multipart(UPLOAD_FIELDS, [("uploads", name, data)])
    status, _body = request(
        port, "POST", "/repositorio/subir/", body=body, headers=member.headers(content_type),
        timeout=timeout,
    )  # fmt: skip
    return status


def pg_rows(database_url: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(database_url) as pg:
        return list(pg.execute(query, params))


def admin_url(database_url: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))
