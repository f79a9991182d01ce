"""The extraction sandbox (SECURITY.md 1.6, fault test F11): confinement of converters, the
worker's limits, and the parent's distrust of what the worker writes. Probes
(``MINKA_EXTRACTION_PROBE``, honoured only under tests) make the worker sleep, spin,
allocate, connect, resolve, start a program or crash."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase, override_settings

from minka.files import extraction
from minka.files.extraction import Extraction, sandbox
from minka.files.tests import samples
from minka.files.tests.extraction_base import PHRASE, ExtractionTestCase


class ConfinementTests(ExtractionTestCase):
    def test_a_confined_converter_sees_no_network_and_no_hidden_folder(self) -> None:
        """Where namespaces work (they do on this project's machines), a converter cannot
        connect anywhere and the hidden folders look empty; the work folder stays visible."""
        if os.geteuid() == 0:  # as on CI: root can always create namespaces
            self.assertIs(extraction.confinement_available(), True)
        if not extraction.confinement_available():
            # Elsewhere it may be unavailable: then it must really not work.
            attempt = subprocess.run(  # noqa: S603
                sandbox.confined_command(["true"], hide=[]),
                cwd=self.folder,
                capture_output=True,
                check=False,
            )
            self.assertNotEqual(attempt.returncode, 0)
            return
        secret = self.folder / "secret"
        secret.mkdir()
        (secret / "key.txt").write_text("CANARY")
        work = self.folder / "work"
        work.mkdir()
        (work / "input.txt").write_text("visible")
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        self.addCleanup(server.close)
        port = server.getsockname()[1]
        script = (
            "import socket, sys, pathlib\n"
            f"print(pathlib.Path('{work}/input.txt').read_text())\n"
            f"print(pathlib.Path('{secret}/key.txt').exists())\n"
            "try:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
            "    print('connected')\n"
            "except OSError:\n"
            "    print('refused')\n"
        )
        command = sandbox.confined_command([sys.executable, "-c", script], hide=[str(secret)])
        done = subprocess.run(  # noqa: S603
            command, cwd=work, capture_output=True, text=True, timeout=30, check=False
        )
        self.assertEqual(done.stdout.split(), ["visible", "False", "refused"], done.stderr)

    def test_the_application_folders_are_hidden_but_not_the_converter(self) -> None:
        """Folders are resolved, deduplicated under their outermost hidden parent, and any
        folder holding the converter's installation stays visible."""
        project = Path(extraction.__file__).resolve().parents[3]
        hidden = sandbox.hidden_folders(
            [project, project / "minka", "/nonexistent"], keep=["/usr/lib/libreoffice/program"]
        )

        def covered(path: Path) -> bool:
            return any(path == Path(h) or Path(h) in path.parents for h in hidden)

        self.assertTrue(covered(project))
        self.assertTrue(covered(self.folder.resolve()))  # under /tmp
        self.assertNotIn(str(project / "minka"), hidden)  # covered by the project
        self.assertNotIn("/nonexistent", hidden)
        self.assertFalse(covered(Path("/usr/lib/libreoffice/program")))
        self.assertNotIn("/", hidden)
        self.assertNotIn("/opt", sandbox.hidden_folders([], keep=["/opt/libreoffice7.4/program"]))


@override_settings(TESTING=True)
class WorkerLimitTests(ExtractionTestCase):
    def probe(
        self, probe: str, timeout: float | None = None, memory_mb: int | None = None
    ) -> Extraction:
        with mock.patch.dict(os.environ, {"MINKA_EXTRACTION_PROBE": probe}):
            return self.extract(samples.text(self.folder), "txt", timeout, memory_mb)

    def test_a_worker_that_sleeps_is_killed_at_the_timeout(self) -> None:
        result = self.probe("sleep", timeout=1.0)
        self.assert_fails_within(result, "timeout", 2.5)
        self.assertGreaterEqual(result.seconds, 1.0)

    def test_a_worker_that_spins_is_killed_at_the_timeout(self) -> None:
        result = self.probe("spin", timeout=1.0)
        self.assert_fails_within(result, "timeout", 2.5)
        # It spent its time spinning, not sleeping (a sleeper uses ~0.01 s). On 2 cores
        # shared with two test workers it may get well under half of its wall time.
        self.assertGreater(result.cpu_seconds, 0.2)

    def test_a_worker_that_allocates_without_end_stops_at_the_memory_limit(self) -> None:
        result = self.probe("allocate", memory_mb=256)
        self.assert_fails_within(result, "memory", 5)

    def test_network_and_programs_are_refused_in_the_worker(self) -> None:
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.2)
        self.addCleanup(server.close)
        port = server.getsockname()[1]
        for probe in (f"connect:{port}", "resolve", "spawn"):
            with self.subTest(probe):
                result = self.probe(probe)
                self.assert_fails_within(result, "blocked", 5)
                self.assertIn("refused: ", result.detail)
        with self.assertRaises(TimeoutError):
            server.accept()

    def test_a_crash_fails_alone(self) -> None:
        self.assert_fails_within(self.probe("crash"), "corrupt", 5)
        self.assertIs(self.extract(samples.pdf(self.folder), "pdf").ok, True)

    @mock.patch.dict(os.environ, {"MINKA_SECRET_KEY": "CANARY-SECRET", "DATABASE_URL": "x://y"})
    def test_the_worker_sees_none_of_the_application_environment(self) -> None:
        result = self.probe("environment")
        self.assertIs(result.ok, True)
        names = result.detail.removeprefix("environment: ").split(",")
        self.assertNotIn("MINKA_SECRET_KEY", names)
        self.assertNotIn("DATABASE_URL", names)
        self.assertIn("PATH", names)

    @override_settings(TESTING=False)
    def test_probes_are_ignored_outside_tests(self) -> None:
        result = self.probe("sleep", timeout=5)
        self.assertIs(result.ok, True)
        self.assertIn(PHRASE, result.pages[0])


class ResultTrustTests(SimpleTestCase):
    def test_a_result_that_breaks_the_contract_is_not_trusted(self) -> None:
        """A worker taken over by a file could write anything: types, sizes, the reason
        and the preview's format are checked."""
        good: dict[str, object] = {
            "ok": True,
            "pages": ["hola"],
            "page_count": 1,
            "reason": "",
            "detail": "",
            "preview": True,
            "peak_rss_mb": 20.0,
        }
        cases: list[dict[str, object]] = [
            {"pages": "hola"},
            {"pages": [1]},
            {"page_count": -1},
            {"reason": "<script>"},
            {"ok": "yes"},
            {"pages": ["x"] * 2_001},
        ]
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder)
            (out / "preview.png").write_bytes(b"<html>not a png</html>")
            (out / "result.json").write_text(json.dumps(good))
            trusted = extraction._read_result(out)
            self.assertIs(trusted.ok, True)
            self.assertIsNone(trusted.preview)
            for change in cases:
                with self.subTest(change):
                    (out / "result.json").write_text(json.dumps(good | change))
                    result = extraction._read_result(out)
                    self.assertIs(result.ok, False)
                    self.assertEqual(result.reason, "corrupt")
