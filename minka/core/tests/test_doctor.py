"""``minka doctor``: every problem it names, found on a real environment, and a configured
production environment that passes (``slow``: migrate and collectstatic in a subprocess)."""

from __future__ import annotations

import io
import json
import os
import socket
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from unittest import mock

import pytest
from django.contrib.staticfiles import finders
from django.core import checks
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import timezone

from minka.core.management.commands import doctor
from minka.core.tests.test_deploy import PRODUCTION, run_minka
from minka.notifications.tests.smtpserver import smtp_server

if TYPE_CHECKING:
    from minka.core.management.commands.doctor import Finding

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"
FILES = "django.core.files.storage.FileSystemStorage"


def levels(findings: list[Finding]) -> list[str]:
    return [finding.level for finding in findings]


class SettingsChecksTests(SimpleTestCase):
    def assert_error(self, findings: list[Finding], *words: str) -> None:
        self.assertEqual(levels(findings), ["error"], findings)
        for word in words:
            self.assertIn(word, findings[0].message)

    def test_a_settings_file_readable_by_everyone_is_an_error(self) -> None:
        with tempfile.TemporaryDirectory() as home:
            path = Path(home) / "minka.env"
            path.write_text("MINKA_DEBUG=false\n")
            path.chmod(0o644)
            with override_settings(ENV_FILE=path):
                self.assert_error(doctor.check_settings_file(), "chmod 640", str(path))
                path.chmod(0o640)
                self.assertEqual(levels(doctor.check_settings_file()), ["ok"])

    @override_settings(DEBUG=True)
    def test_debug_on_is_an_error(self) -> None:
        self.assert_error(doctor.check_debug(), "MINKA_DEBUG=false")

    def test_the_development_key_is_an_error(self) -> None:
        from django.conf import settings

        for key in (settings.SECRET_KEY, "django-insecure-" + "x" * 60, "short"):
            with self.subTest(key=key[:20]), override_settings(SECRET_KEY=key):
                self.assert_error(doctor.check_secret_key(), "MINKA_SECRET_KEY_FILE")

    def test_a_secret_key_file_readable_by_everyone_is_an_error(self) -> None:
        with (
            tempfile.TemporaryDirectory() as home,
            override_settings(SECRET_KEY="k" * 40 + "y" * 20),
        ):
            path = Path(home) / "secret_key"
            path.write_text("x")
            path.chmod(0o644)
            with mock.patch.dict(os.environ, {"MINKA_SECRET_KEY_FILE": str(path)}):
                self.assert_error(doctor.check_secret_key(), str(path), "chmod 640")
                path.chmod(0o640)
                self.assertEqual(levels(doctor.check_secret_key()), ["ok"])

    def test_allowed_hosts_must_name_the_site(self) -> None:
        for hosts in ([], ["*"], ["minka.example.org"]):
            with self.subTest(hosts=hosts), override_settings(ALLOWED_HOSTS=hosts):
                self.assert_error(doctor.check_allowed_hosts(), "MINKA_ALLOWED_HOSTS")
        with override_settings(ALLOWED_HOSTS=["minka.red.pe"]):
            self.assertEqual(levels(doctor.check_allowed_hosts()), ["ok"])

    def test_the_base_url_must_be_https_and_an_allowed_host(self) -> None:
        with override_settings(ALLOWED_HOSTS=["minka.red.pe"], BASE_URL="http://minka.red.pe"):
            self.assert_error(doctor.check_base_url(), "https://")
        with override_settings(ALLOWED_HOSTS=["minka.red.pe"], BASE_URL="https://otro.pe"):
            self.assert_error(doctor.check_base_url(), "otro.pe", "MINKA_ALLOWED_HOSTS")
        with override_settings(ALLOWED_HOSTS=["minka.red.pe"], BASE_URL="https://minka.red.pe"):
            self.assertEqual(levels(doctor.check_base_url()), ["ok"])

    def test_no_proxy_header_is_a_warning(self) -> None:
        with override_settings(SECURE_PROXY_SSL_HEADER=None):
            self.assertEqual(levels(doctor.check_proxy()), ["warn"])
        with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
            self.assertEqual(levels(doctor.check_proxy()), ["ok"])

    def test_a_cache_that_keeps_nothing_is_an_error_and_locmem_a_warning(self) -> None:
        dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
        with override_settings(CACHES=dummy):
            self.assert_error(doctor.check_cache(), "MINKA_CACHE_URL")
        self.assertEqual(levels(doctor.check_cache()), ["warn"])  # the tests' locmem

    def test_an_unreachable_redis_is_an_error(self) -> None:
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        redis = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/5",
            }
        }
        with override_settings(CACHES=redis):
            self.assert_error(doctor.check_cache(), "RedisCache", "MINKA_CACHE_URL")

    def test_a_storage_that_cannot_be_written_is_an_error(self) -> None:
        with tempfile.TemporaryDirectory() as home:
            blocker = Path(home) / "a-file"
            blocker.write_text("not a folder")
            broken = {"BACKEND": FILES, "OPTIONS": {"location": str(blocker / "media")}}
            from django.conf import settings

            with override_settings(STORAGES={**settings.STORAGES, "default": broken}):
                self.assert_error(doctor.check_storage(), "not writable")
            working = {"BACKEND": FILES, "OPTIONS": {"location": home}}
            with override_settings(STORAGES={**settings.STORAGES, "default": working}):
                self.assertEqual(levels(doctor.check_storage()), ["ok"])
            self.assertEqual(list((Path(home) / "doctor").iterdir()), [])  # the probe is gone

    def test_a_data_folder_open_to_everyone_or_of_another_user_is_an_error(self) -> None:
        with tempfile.TemporaryDirectory() as home:
            data = Path(home)
            data.chmod(0o755)
            with override_settings(DATA_DIR=data):
                self.assert_error(doctor.check_data_dir(), "chmod 700")
                data.chmod(0o700)
                self.assertEqual(levels(doctor.check_data_dir()), ["ok"])
                with mock.patch("os.geteuid", return_value=os.geteuid() + 1):
                    self.assert_error(doctor.check_data_dir(), "another user")

    def test_static_files_not_collected_are_an_error(self) -> None:
        from django.conf import settings

        storages = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
        with (
            tempfile.TemporaryDirectory() as root,
            override_settings(STORAGES=storages, STATIC_ROOT=root),
        ):
            self.assert_error(doctor.check_static(), "staticfiles.json", "collectstatic")
            manifest = Path(root) / "staticfiles.json"
            manifest.write_text(json.dumps({"paths": {"minka/minka.css": "x"}}))
            self.assert_error(doctor.check_static(), "not collected", "collectstatic")
            sources = {path for finder in finders.get_finders() for path, _s in finder.list([])}
            collected = Path(root) / "a.0123456789ab.css"
            collected.write_text("a {}")
            collected.chmod(0o600)
            manifest.write_text(json.dumps({"paths": dict.fromkeys(sources, collected.name)}))
            Path(root).chmod(0o755)
            self.assert_error(doctor.check_static(), "not readable by nginx", "a+rX")
            collected.chmod(0o644)
            self.assertEqual(levels(doctor.check_static()), ["ok"])

    def test_an_email_backend_that_sends_nothing_is_an_error(self) -> None:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"):
            self.assert_error(doctor.check_email(connect=False), "MINKA_EMAIL_BACKEND")

    def test_the_default_sender_is_an_error(self) -> None:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            DEFAULT_FROM_EMAIL="Minka <minka@localhost>",
        ):
            self.assert_error(doctor.check_email(connect=False), "MINKA_DEFAULT_FROM_EMAIL")

    def test_an_smtp_server_that_does_not_answer_is_an_error(self) -> None:
        with smtp_server() as server:
            settings = server.settings(DEFAULT_FROM_EMAIL="Minka <minka@red.pe>")
            with override_settings(**settings):
                self.assertEqual(levels(doctor.check_email(connect=True)), ["ok"])
        # The server is stopped: its port answers nothing now.
        with override_settings(**settings):
            self.assert_error(doctor.check_email(connect=True), "MINKA_EMAIL_HOST")

    def test_deploy_check_warnings_are_errors_one_line_each(self) -> None:
        found = [
            checks.Warning("first line\nsecond line", id="minka.W001"),
            checks.Warning("silenced", id="security.W021"),
            checks.Info("just so", id="minka.I001"),
        ]
        with (
            mock.patch.object(checks, "run_checks", return_value=found),
            override_settings(SILENCED_SYSTEM_CHECKS=["security.W021"]),
        ):
            findings = doctor.check_deploy_checks()
        self.assertEqual(
            [(f.level, f.message) for f in findings], [("error", "minka.W001: first line")]
        )


class DatabaseChecksTests(TestCase):
    def test_an_unreachable_database_is_an_error(self) -> None:
        with mock.patch.object(
            connection, "ensure_connection", side_effect=OperationalError("connection refused")
        ):
            findings = doctor.check_database()
        self.assertEqual(levels(findings), ["error"])
        self.assertIn("connection refused", findings[0].message)
        self.assertIn("DATABASE_URL", findings[0].message)

    def test_unapplied_migrations_are_an_error(self) -> None:
        from django.db.migrations.migration import Migration

        pending = [(Migration("0099_new", "meetings"), False)]
        with mock.patch(
            "django.db.migrations.executor.MigrationExecutor.migration_plan", return_value=pending
        ):
            findings = doctor.check_database()
        self.assertEqual(levels(findings), ["error"])
        self.assertIn("1 migrations not applied (first meetings.0099_new)", findings[0].message)
        self.assertIn("minka migrate", findings[0].message)

    def test_a_migrated_database_passes_and_sqlite_must_use_wal(self) -> None:
        findings = doctor.check_database()
        self.assertEqual(findings[0].level, "ok")
        if connection.vendor == "sqlite":
            # The test database lives in memory: its journal is not WAL, which is named.
            self.assertEqual(findings[1].level, "error")
            self.assertIn("not WAL", findings[1].message)

    def test_postgresql_without_autovacuum_is_a_warning(self) -> None:
        self.assertEqual(doctor.autovacuum_finding("on").level, "ok")
        finding = doctor.autovacuum_finding("off")
        self.assertEqual(finding.level, "warn")
        self.assertIn("ANALYZE", finding.message)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW autovacuum")
                setting = str(cursor.fetchone()[0])
            self.assertEqual(doctor.check_database()[1], doctor.autovacuum_finding(setting))

    def test_tasks_waiting_long_mean_no_worker_runs(self) -> None:
        from django_tasks_db.models import DBTaskResult, get_date_max

        database = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
        with override_settings(TASKS=database):
            self.assertEqual(levels(doctor.check_task_worker()), ["ok"])
            result = DBTaskResult.objects.create(
                task_path="minka.core.tasks.send_email",
                args_kwargs={"args": [], "kwargs": {}},
                backend_name="default",
                run_after=get_date_max(),
            )
            self.assertEqual(levels(doctor.check_task_worker()), ["ok"])  # just queued
            DBTaskResult.objects.filter(pk=result.pk).update(
                enqueued_at=timezone.now() - timedelta(minutes=11)
            )
            findings = doctor.check_task_worker()
        self.assertEqual(levels(findings), ["error"])
        self.assertIn("minka db_worker", findings[0].message)
        self.assertEqual(levels(doctor.check_task_worker()), ["skip"])  # the immediate backend

    def test_the_command_prints_one_line_per_check_and_exits_1_on_errors(self) -> None:
        out = io.StringIO()
        with self.assertRaises(SystemExit) as stopped:
            call_command("doctor", "--no-smtp", stdout=out)
        self.assertEqual(stopped.exception.code, 1)
        lines = out.getvalue().splitlines()
        self.assertRegex(lines[-1], r"^minka doctor: \d+ errors, \d+ warnings\.$")
        self.assertTrue(all(line[:5] in doctor.LABELS.values() for line in lines[:-1]))
        self.assertTrue(
            any(line.startswith("ERROR base url: MINKA_BASE_URL is 'http") for line in lines)
        )


@pytest.mark.slow
@pytest.mark.timeout(240)
class ConfiguredEnvironmentTests(SimpleTestCase):
    def test_a_configured_environment_passes_and_a_broken_one_names_each_problem(self) -> None:
        """Production settings on SQLite: migrate and collectstatic, then doctor is clean
        (SMTP not contacted); without them it names the two steps."""
        with tempfile.TemporaryDirectory() as home:
            env = {
                **PRODUCTION,
                "MINKA_DATA_DIR": str(Path(home) / "data"),
                "MINKA_BEHIND_PROXY": "true",
                "MINKA_ALLOWED_HOSTS": "minka.red.pe",
                "MINKA_BASE_URL": "https://minka.red.pe",
                "MINKA_DEFAULT_FROM_EMAIL": "Minka <minka@red.pe>",
            }
            broken = run_minka("doctor", "--no-smtp", **env)
            self.assertEqual(broken.returncode, 1, broken.stderr)
            self.assertIn("run minka migrate", broken.stdout)
            self.assertIn("run minka collectstatic", broken.stdout)
            for command in (("migrate", "--no-input", "-v", "0"), ("collectstatic", "--no-input")):
                done = run_minka(*command, **env)
                self.assertEqual(done.returncode, 0, done.stderr)
            fixed = run_minka("doctor", "--no-smtp", **env)
        self.assertEqual(fixed.returncode, 0, fixed.stdout + fixed.stderr)
        self.assertIn("ok    sqlite: WAL journal", fixed.stdout)
        self.assertIn("minka doctor: 0 errors, 0 warnings.", fixed.stdout)
