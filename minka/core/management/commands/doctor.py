"""``minka doctor``: check a configured production environment and name what is wrong.

Run it with the services' settings file, as the services' user (``make prod-check`` does)::

    runuser -u minka -- env MINKA_ENV_FILE=/etc/minka/minka.env /opt/minka/.venv/bin/minka doctor

Each check prints one line, ``ok``, ``warn``, ``skip`` or ``ERROR``, with the setting or the
command that fixes it; the command exits with status 1 when any line is an error. It changes
nothing but a probe: a cache key and a small file in the storage, both removed at once.
"""

from __future__ import annotations

import json
import os
import secrets
import smtplib
import stat
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import checks
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from collections.abc import Callable

# The key settings.py uses when debug is on and no key is set: never in production.
_DEV_KEY_PREFIX = "minka-development-only-key"
# A task waiting longer than this means no worker is taking tasks.
STALE_TASK_AGE = timedelta(minutes=10)
# The key may come from a file named by this variable plus _FILE (minka.core.env.env_secret).
_SECRET_KEY_VARIABLE = "MINKA_SECRET_KEY"  # noqa: S105  (a variable name, not a key)
# Values copied from deploy/minka.env.example and never replaced.
_EXAMPLE_HOST = "example.org"
LABELS = {"ok": "ok   ", "warn": "warn ", "skip": "skip ", "error": "ERROR"}


@dataclass(frozen=True)
class Finding:
    level: str  # "ok", "warn", "skip" or "error"
    topic: str
    message: str


def ok(topic: str, message: str) -> Finding:
    return Finding("ok", topic, message)


def warn(topic: str, message: str) -> Finding:
    return Finding("warn", topic, message)


def skip(topic: str, message: str) -> Finding:
    return Finding("skip", topic, message)


def error(topic: str, message: str) -> Finding:
    return Finding("error", topic, message)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- The checks, in the order they print --------------------------------------------------


def check_settings_file() -> list[Finding]:
    path = settings.ENV_FILE
    if path is None:
        return [skip("settings file", "none read (MINKA_ENV_FILE unset, no ./minka.env)")]
    if _mode(path) & 0o007:
        return [
            error(
                "settings file",
                f"{path} is readable by every user (mode {_mode(path):o}): "
                f"chmod 640 {path} (owner root, group minka)",
            )
        ]
    return [ok("settings file", f"{path}")]


def check_debug() -> list[Finding]:
    if settings.DEBUG:
        return [error("debug", "MINKA_DEBUG is on: set MINKA_DEBUG=false in production")]
    return [ok("debug", "off")]


def check_secret_key() -> list[Finding]:
    key = settings.SECRET_KEY
    if key.startswith((_DEV_KEY_PREFIX, "django-insecure-")) or len(key) < 50:
        return [
            error(
                "secret key",
                "the development key (or a weak one) is in use: set MINKA_SECRET_KEY_FILE "
                '(python3 -c "import secrets; print(secrets.token_urlsafe(50))")',
            )
        ]
    key_file = os.environ.get(f"{_SECRET_KEY_VARIABLE}_FILE", "").strip()
    if key_file and _mode(Path(key_file)) & 0o007:
        return [
            error(
                "secret key",
                f"{key_file} is readable by every user: chmod 640 {key_file} "
                "(owner root, group minka)",
            )
        ]
    return [ok("secret key", "set" + (f" (from {key_file})" if key_file else ""))]


def check_allowed_hosts() -> list[Finding]:
    hosts = list(settings.ALLOWED_HOSTS)
    if not hosts or "*" in hosts:
        return [error("allowed hosts", f"MINKA_ALLOWED_HOSTS is {hosts}: name the site's hosts")]
    if any(host.endswith(_EXAMPLE_HOST) for host in hosts):
        return [
            error(
                "allowed hosts",
                f"MINKA_ALLOWED_HOSTS still names {_EXAMPLE_HOST} from the example: "
                "set the site's host names",
            )
        ]
    return [ok("allowed hosts", ", ".join(hosts))]


def check_base_url() -> list[Finding]:
    url = settings.BASE_URL
    if not url.startswith("https://"):
        return [error("base url", f"MINKA_BASE_URL is {url!r}: use the site's https:// address")]
    host = url.removeprefix("https://").split("/", 1)[0].split(":", 1)[0]
    if not any(
        host == allowed or (allowed.startswith(".") and host.endswith(allowed))
        for allowed in settings.ALLOWED_HOSTS
    ):
        return [error("base url", f"{host} (MINKA_BASE_URL) is not in MINKA_ALLOWED_HOSTS")]
    return [ok("base url", url)]


def check_proxy() -> list[Finding]:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is None:
        return [
            warn(
                "proxy",
                "MINKA_BEHIND_PROXY is off: behind nginx every request looks like http and "
                "is redirected to https again; set MINKA_BEHIND_PROXY=true",
            )
        ]
    return [ok("proxy", "behind a proxy (X-Forwarded-Proto trusted)")]


def check_database() -> list[Finding]:
    vendor = connection.vendor
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as failure:
        reason = str(failure).strip().splitlines()[0] if str(failure).strip() else "no answer"
        return [
            error("database", f"{vendor} cannot be reached ({reason[:160]}): check DATABASE_URL")
        ]
    if pending:
        first = pending[0][0]
        return [
            error(
                "database",
                f"{len(pending)} migrations not applied (first {first.app_label}.{first.name}): "
                "run minka migrate",
            )
        ]
    findings = [ok("database", f"{vendor} reachable, every migration applied")]
    if vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            mode = str(cursor.fetchone()[0]).lower()
        if mode != "wal":
            findings.append(
                error(
                    "sqlite", f"journal mode is {mode}, not WAL: the file system may not allow it"
                )
            )
        else:
            findings.append(ok("sqlite", "WAL journal"))
    elif vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW autovacuum")
            findings.append(autovacuum_finding(str(cursor.fetchone()[0])))
    return findings


def autovacuum_finding(setting: str) -> Finding:
    """PostgreSQL's autovacuum also refreshes the planner's statistics: without it a table
    filled after ``ANALYZE`` last ran is planned as if nearly empty (a search on the load
    test's data took 69 ms instead of 6)."""
    if setting.lower() in ("on", "true", "1"):
        return ok("postgresql", "autovacuum on (statistics kept up to date)")
    return warn(
        "postgresql",
        "autovacuum is off: the planner's statistics are never refreshed and searches slow "
        "down; set autovacuum = on in postgresql.conf, or run ANALYZE after large changes",
    )


def check_cache() -> list[Finding]:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    key, value = f"minka-doctor-{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, value, 30)
        answered = cache.get(key)
        cache.delete(key)
    except Exception as failure:
        return [
            error("cache", f"{backend} fails ({type(failure).__name__}): check MINKA_CACHE_URL")
        ]
    if answered != value:
        return [error("cache", f"{backend} does not keep values: check MINKA_CACHE_URL")]
    if backend == "LocMemCache":
        return [
            warn(
                "cache",
                "in-process only (locmem): rate limits are not shared by the web processes; "
                "set MINKA_CACHE_URL=redis://127.0.0.1:6379/2",
            )
        ]
    return [ok("cache", f"{backend} answers")]


def check_storage() -> list[Finding]:
    name = f"doctor/probe-{secrets.token_hex(8)}.txt"
    where = (settings.S3_BUCKET and f"S3 bucket {settings.S3_BUCKET}") or str(settings.MEDIA_ROOT)
    try:
        saved = default_storage.save(name, ContentFile(b"minka doctor\n"))
        with default_storage.open(saved) as handle:
            readable = handle.read() == b"minka doctor\n"
        default_storage.delete(saved)
    except Exception as failure:
        return [error("storage", f"{where} is not writable ({type(failure).__name__}: {failure})")]
    if not readable:
        return [error("storage", f"{where} does not give back what was written")]
    return [ok("storage", f"{where} writable")]


def check_data_dir() -> list[Finding]:
    data = Path(settings.DATA_DIR)
    mode = _mode(data)
    if data.stat().st_uid != os.geteuid():
        return [
            error(
                "data folder",
                f"{data} belongs to another user: run Minka as its owner, or "
                f"chown -R minka:minka {data}",
            )
        ]
    if mode & 0o007:
        return [
            error("data folder", f"{data} is open to every user (mode {mode:o}): chmod 700 {data}")
        ]
    return [ok("data folder", f"{data} (mode {mode:o})")]


def check_static() -> list[Finding]:
    root = Path(settings.STATIC_ROOT)
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    if "Manifest" not in backend:
        return [skip("static files", "no manifest storage (debug or tests)")]
    manifest = root / "staticfiles.json"
    if not manifest.is_file():
        return [error("static files", f"{manifest} is missing: run minka collectstatic")]
    collected = json.loads(manifest.read_text(encoding="utf-8")).get("paths", {})
    sources = {path for finder in finders.get_finders() for path, _storage in finder.list([])}
    missing = sorted(sources - set(collected))
    if missing:
        return [
            error(
                "static files",
                f"{len(missing)} not collected (e.g. {missing[0]}): run minka collectstatic",
            )
        ]
    unreadable = [
        name
        for name in (next(iter(collected.values()), None), "staticfiles.json")
        if name and (root / name).exists() and _mode(root / name) & 0o004 == 0
    ]
    if _mode(root) & 0o005 != 0o005 or unreadable:
        return [
            error(
                "static files",
                f"{root} or its files are not readable by nginx: chmod -R a+rX {root}",
            )
        ]
    return [ok("static files", f"{len(collected)} collected in {root}")]


def check_email(*, connect: bool) -> list[Finding]:
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    sender = settings.DEFAULT_FROM_EMAIL
    if backend != "smtp":
        return [
            error("email", f"{settings.EMAIL_BACKEND} sends nothing: unset MINKA_EMAIL_BACKEND")
        ]
    if sender.rstrip(">").endswith(("@localhost", "@" + _EXAMPLE_HOST)):
        return [error("email", f"MINKA_DEFAULT_FROM_EMAIL is {sender!r}: use the site's address")]
    server = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    if not connect:
        return [ok("email", f"SMTP {server}, from {sender} (not contacted: --no-smtp)")]
    try:
        with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=10) as smtp:
            smtp.ehlo()
            if settings.EMAIL_USE_TLS:
                smtp.starttls()
                smtp.ehlo()
            if settings.EMAIL_HOST_USER:
                smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
            smtp.noop()
    except (TimeoutError, smtplib.SMTPException, OSError) as failure:
        return [
            error(
                "email",
                f"SMTP {server} fails ({type(failure).__name__}): check MINKA_EMAIL_HOST, "
                "MINKA_EMAIL_PORT, MINKA_EMAIL_USE_TLS and the account",
            )
        ]
    return [ok("email", f"SMTP {server} answers, from {sender}")]


def check_deploy_checks() -> list[Finding]:
    messages = checks.run_checks(include_deployment_checks=True)
    findings = [
        error("check --deploy", f"{message.id}: {str(message.msg).splitlines()[0]}")
        for message in messages
        if message.level >= checks.WARNING and not message.is_silenced()
    ]
    return findings or [ok("check --deploy", "no issues")]


def check_task_worker() -> list[Finding]:
    backend = str(settings.TASKS["default"]["BACKEND"])
    if not backend.startswith("django_tasks_db"):
        return [skip("task worker", f"{backend.rsplit('.', 1)[-1]}: no worker needed")]
    from django_tasks_db.models import DBTaskResult, get_date_max

    cutoff = timezone.now() - STALE_TASK_AGE
    try:
        stale = (
            DBTaskResult.objects.ready()
            .filter(enqueued_at__lte=cutoff)
            .filter(Q(run_after=get_date_max()) | Q(run_after__lte=cutoff))
            .count()
        )
    except DatabaseError:
        return [skip("task worker", "the queue cannot be read (see database)")]
    if stale:
        minutes = int(STALE_TASK_AGE.total_seconds() // 60)
        return [
            error(
                "task worker",
                f"{stale} tasks have waited over {minutes} minutes: is minka db_worker running? "
                "(systemctl status minka-worker)",
            )
        ]
    # django-tasks-db workers record no heartbeat: a queue that moves is the sign of life.
    return [ok("task worker", "no task waiting too long (workers leave no heartbeat)")]


class Command(BaseCommand):
    # Like Django's own commands, the help and the report are for administrators, in English.
    help = (
        "Check a configured production environment: settings, database and migrations, "
        "cache, storage, data folder, static files, email, `check --deploy` and the task "
        "queue. One line per check; exit status 1 when any is an error."
    )
    requires_system_checks: list[str] = []  # the deploy checks are one of its own lines

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-smtp", action="store_true", help="Do not connect to the SMTP server."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        steps: list[Callable[[], list[Finding]]] = [
            check_settings_file,
            check_debug,
            check_secret_key,
            check_allowed_hosts,
            check_base_url,
            check_proxy,
            check_database,
            check_cache,
            check_storage,
            check_data_dir,
            check_static,
            lambda: check_email(connect=not options["no_smtp"]),
            check_deploy_checks,
            check_task_worker,
        ]
        findings = [finding for step in steps for finding in step()]
        for finding in findings:
            self.stdout.write(f"{LABELS[finding.level]} {finding.topic}: {finding.message}")
        errors = sum(finding.level == "error" for finding in findings)
        warnings = sum(finding.level == "warn" for finding in findings)
        self.stdout.write(f"minka doctor: {errors} errors, {warnings} warnings.")
        if errors:
            raise SystemExit(1)
