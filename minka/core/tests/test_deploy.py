"""Production mode: refuses to start without its secrets, and ``check --deploy`` is clean."""

from __future__ import annotations

import os
import subprocess
import sys

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


def run_minka(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the ``minka`` command in a clean process with only ``env`` set for Minka."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MINKA_", "DJANGO_"))}
    base.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.run(  # noqa: S603  (fixed arguments)
        [sys.executable, "-m", "minka", *args],
        env={**base, **env},
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
