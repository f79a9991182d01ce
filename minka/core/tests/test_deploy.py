"""Production mode: refuses to start without its secrets, and ``check --deploy`` is clean."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

GOOD_KEY = "k3y-" + "Xy7_Qp2-Lm9" * 6  # 70 characters, varied
PRODUCTION = {
    "MINKA_DEBUG": "false",
    "MINKA_SECRET_KEY": GOOD_KEY,
    "MINKA_ALLOWED_HOSTS": "minka.example.org",
    "MINKA_BASE_URL": "https://minka.example.org",
    "MINKA_CONTROLLER_NAME": "Red de Organizaciones TIC (asociación)",
    "MINKA_CONTROLLER_RUC": "20123456789",
    "MINKA_CONTROLLER_ADDRESS": "Av. Ejemplo 123, Lima",
    "MINKA_PRIVACY_EMAIL": "privacidad@example.org",
}


def run_minka(
    *args: str, cwd: str | Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the ``minka`` command in a clean process with only ``env`` set for Minka, in
    ``cwd`` (by default a new empty folder, so that no ``minka.env`` or ``var/`` of the
    checkout is read)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MINKA_", "DJANGO_"))}
    base.pop("PYTEST_CURRENT_TEST", None)
    base.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="minka-cwd-") as empty:
        return subprocess.run(  # noqa: S603  (fixed arguments)
            [sys.executable, "-m", "minka", *args],
            env={**base, **env},
            cwd=cwd or empty,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


class ProductionModeTests(SimpleTestCase):
    def test_check_deploy_is_clean_when_configured(self) -> None:
        """``minka check --deploy --fail-level WARNING`` reports nothing at all."""
        result = run_minka("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
        self.assertEqual(result.returncode, 0, result.stderr)
        # One silenced check, with its reason in settings.py: HSTS preloading is opt-in.
        self.assertIn("System check identified no issues (1 silenced).", result.stdout)

    def test_check_deploy_warns_when_the_data_controller_is_unnamed(self) -> None:
        env = {k: v for k, v in PRODUCTION.items() if not k.startswith("MINKA_CONTROLLER")}
        result = run_minka("check", "--deploy", "--fail-level", "WARNING", **env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("minka.W001", result.stderr + result.stdout)

    def test_refuses_to_start_without_a_secret_key(self) -> None:
        env = {k: v for k, v in PRODUCTION.items() if k != "MINKA_SECRET_KEY"}
        result = run_minka("check", **env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("MINKA_SECRET_KEY", result.stderr)

    def test_refuses_a_weak_secret_key(self) -> None:
        for key in ("short", "django-insecure-" + "x" * 50, "a" * 60):
            with self.subTest(key=key[:20]):
                result = run_minka("check", **{**PRODUCTION, "MINKA_SECRET_KEY": key})
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("too weak", result.stderr)

    def test_refuses_to_start_without_allowed_hosts(self) -> None:
        env = {k: v for k, v in PRODUCTION.items() if k != "MINKA_ALLOWED_HOSTS"}
        result = run_minka("check", **env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("MINKA_ALLOWED_HOSTS", result.stderr)

    def test_production_cookies_and_transport(self) -> None:
        """HSTS for a year with subdomains, HTTPS redirect, __Host- cookies, secure flags."""
        code = (
            "from django.conf import settings as s;"
            "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT,"
            " s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
            " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.DEBUG,"
            " s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])"
        )
        result = run_minka("shell", "--no-imports", "-c", code, **PRODUCTION)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            result.stdout.split(),
            [
                "31536000",
                "True",
                "True",
                "__Host-sessionid",
                "__Host-csrftoken",
                "True",
                "True",
                "True",
                "False",
                "Argon2PasswordHasher",
            ],
        )

    def test_debug_mode_starts_without_secrets(self) -> None:
        result = run_minka("check", MINKA_DEBUG="true")
        self.assertEqual(result.returncode, 0, result.stderr)


def assert_one_line(
    test: SimpleTestCase, result: subprocess.CompletedProcess[str], *names: str
) -> None:
    """The command failed with status 2 and one line on stderr naming each of ``names``."""
    test.assertEqual(result.returncode, 2, result.stderr)
    test.assertNotIn("Traceback", result.stderr)
    lines = result.stderr.strip().splitlines()
    test.assertEqual(len(lines), 1, result.stderr)
    test.assertTrue(lines[0].startswith("minka: configuration error: "), lines[0])
    for name in names:
        test.assertIn(name, lines[0])


class ConfigurationErrorTests(SimpleTestCase):
    """A missing or malformed setting is one line on stderr naming it, exit status 2."""

    def test_a_missing_secret_key_says_where_to_set_it(self) -> None:
        env = {k: v for k, v in PRODUCTION.items() if k != "MINKA_SECRET_KEY"}
        for command in (("check",), ("help",), ("import_minutes", "acta.txt")):
            with self.subTest(command=command):
                result = run_minka(*command, **env)
                assert_one_line(self, result, "MINKA_SECRET_KEY", "minka.env")

    def test_a_malformed_value_names_the_variable(self) -> None:
        for name, value in (
            ("MINKA_DEBUG", "maybe"),
            ("MINKA_SESSION_MAX_HOURS", "twelve"),
            ("MINKA_SECRET_KEY", "short"),
        ):
            with self.subTest(name=name):
                assert_one_line(self, run_minka("check", **{**PRODUCTION, name: value}), name)

    def test_the_wsgi_application_stops_with_the_same_line(self) -> None:
        env = {k: v for k, v in PRODUCTION.items() if k != "MINKA_ALLOWED_HOSTS"}
        base = {k: v for k, v in os.environ.items() if not k.startswith(("MINKA_", "DJANGO_"))}
        with tempfile.TemporaryDirectory() as empty:
            result = subprocess.run(
                [sys.executable, "-c", "import minka.wsgi"],
                env={**base, **env},
                cwd=empty,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        self.assertNotEqual(result.returncode, 0)
        self.assertNotIn("Traceback", result.stderr)
        self.assertEqual(
            result.stderr.strip().splitlines(),
            [line for line in result.stderr.strip().splitlines() if "MINKA_ALLOWED_HOSTS" in line],
        )


class DataFolderTests(SimpleTestCase):
    """The folders the settings name are created before any command needs them."""

    def test_a_fresh_machine_gets_every_folder_with_safe_permissions(self) -> None:
        """No ``var/``: the settings create the data folder (owner only), the media, cache
        and static folders, and ``migrate`` then creates the database in it."""
        with tempfile.TemporaryDirectory() as home:
            result = run_minka("migrate", "--no-input", "-v", "0", cwd=home, MINKA_DEBUG="true")
            self.assertEqual(result.returncode, 0, result.stderr)
            data = Path(home) / "var"
            for folder in (data, data / "media", data / "cache", data / "static"):
                self.assertTrue(folder.is_dir(), folder)
            self.assertEqual(stat.S_IMODE(data.stat().st_mode) & 0o077, 0)
            self.assertEqual(stat.S_IMODE((data / "media").stat().st_mode) & 0o007, 0)
            self.assertTrue((data / "minka.sqlite3").is_file())

    def test_a_data_folder_named_by_the_environment_is_created_with_its_parents(self) -> None:
        with tempfile.TemporaryDirectory() as home:
            data = Path(home) / "srv" / "minka" / "data"
            result = run_minka("check", MINKA_DEBUG="true", MINKA_DATA_DIR=str(data))
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertTrue((data / "media").is_dir())

    def test_a_data_folder_that_cannot_be_created_is_one_clear_line(self) -> None:
        with tempfile.TemporaryDirectory() as home:
            blocker = Path(home) / "a-file"
            blocker.write_text("not a folder")
            result = run_minka("migrate", MINKA_DEBUG="true", MINKA_DATA_DIR=str(blocker / "data"))
        assert_one_line(self, result, "MINKA_DATA_DIR", str(blocker / "data"))


class SettingsFileTests(SimpleTestCase):
    """``minka.env`` in the current folder (or ``MINKA_ENV_FILE``) fills in what the
    environment leaves unset; ``make run`` writes one, and the command then just works."""

    def test_the_command_works_in_a_checkout_after_make_run_writes_the_file(self) -> None:
        with tempfile.TemporaryDirectory() as home:
            written = subprocess.run(
                [sys.executable, "-m", "minka.core.env", "minka.env"],
                cwd=home,
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            self.assertIn("Wrote minka.env", written.stdout)
            for command in (("help",), ("check",)):
                with self.subTest(command=command):
                    result = run_minka(*command, cwd=home)
                    self.assertEqual(result.returncode, 0, result.stderr)
            code = "from django.conf import settings as s; print(s.DEBUG, len(s.SECRET_KEY))"
            result = run_minka("shell", "--no-imports", "-c", code, cwd=home)
            self.assertEqual(result.stdout.split(), ["True", "67"])

    def test_the_environment_wins_over_the_file(self) -> None:
        with tempfile.TemporaryDirectory() as home:
            (Path(home) / "minka.env").write_text("MINKA_DEBUG=true\nMINKA_TIME_ZONE=UTC\n")
            code = "from django.conf import settings as s; print(s.TIME_ZONE)"
            result = run_minka("shell", "--no-imports", "-c", code, cwd=home)
            self.assertEqual(result.stdout.strip(), "UTC", result.stderr)
            result = run_minka(
                "shell", "--no-imports", "-c", code, cwd=home, MINKA_TIME_ZONE="America/Lima"
            )
            self.assertEqual(result.stdout.strip(), "America/Lima", result.stderr)

    def test_a_production_file_is_named_by_minka_env_file(self) -> None:
        with tempfile.TemporaryDirectory() as etc:
            settings_file = Path(etc) / "minka.env"
            lines = [f"{k}={v}" for k, v in PRODUCTION.items()]
            settings_file.write_text("\n".join(["# production", *lines]) + "\n")
            result = run_minka(
                "check", "--deploy", "--fail-level", "WARNING", MINKA_ENV_FILE=str(settings_file)
            )
            self.assertEqual(result.returncode, 0, result.stderr)
            missing = run_minka("check", MINKA_ENV_FILE=str(Path(etc) / "nothing.env"))
            assert_one_line(self, missing, "MINKA_ENV_FILE")

    def test_a_malformed_line_is_reported_with_its_number(self) -> None:
        with tempfile.TemporaryDirectory() as home:
            (Path(home) / "minka.env").write_text("MINKA_DEBUG=true\nthis is not a setting\n")
            result = run_minka("check", cwd=home)
        assert_one_line(self, result, "minka.env, line 2")

    def test_the_test_suite_never_reads_the_file(self) -> None:
        from django.conf import settings

        self.assertIsNone(settings.ENV_FILE)


class StaticFilesTests(SimpleTestCase):
    def test_production_collects_compressed_files_with_hashed_names(self) -> None:
        """whitenoise's manifest storage: hashed names, and .gz/.br copies beside them."""
        import json
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as target:
            result = run_minka(
                "collectstatic", "--no-input", **PRODUCTION, MINKA_STATIC_ROOT=target
            )
            self.assertEqual(result.returncode, 0, result.stderr)
            manifest = json.loads((Path(target) / "staticfiles.json").read_text())
            hashed = manifest["paths"]["minka/minka.css"]
            self.assertRegex(hashed, r"^minka/minka\.[0-9a-f]{12}\.css$")
            for suffix in ("", ".gz", ".br"):
                self.assertTrue((Path(target) / (hashed + suffix)).exists(), suffix)
            self.assertIn("django_htmx/htmx-2.min.js", manifest["paths"])


class DatabaseConnectionTests(SimpleTestCase):
    def test_postgresql_keeps_connections_and_sqlite_does_not(self) -> None:
        """``MINKA_DB_CONN_MAX_AGE`` defaults to 60 seconds on PostgreSQL (one connection per
        request halved a page's throughput) and 0 on SQLite; a value set wins; health checks
        stay on."""
        show = (
            "from django.conf import settings; d = settings.DATABASES['default']; "
            "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
        )
        postgres = "postgres://minka@127.0.0.1:5432/minka"
        for env, expected in (
            ({}, "0 True"),
            ({"DATABASE_URL": postgres}, "60 True"),
            ({"DATABASE_URL": postgres, "MINKA_DB_CONN_MAX_AGE": "0"}, "0 True"),
            ({"MINKA_DB_CONN_MAX_AGE": "30"}, "30 True"),
        ):
            with self.subTest(env):
                result = run_minka("shell", "-c", show, MINKA_DEBUG="true", **env)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stdout.strip().splitlines()[-1], expected)
