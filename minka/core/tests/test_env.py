from __future__ import annotations

import stat
import subprocess
import tempfile
from pathlib import Path
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from minka.core.env import (
    ConfigurationError,
    dev_env_file_create,
    ensure_folder,
    env_bool,
    env_file_load,
    env_file_parse,
    env_file_path,
    env_int,
    env_list,
    env_path,
    env_secret,
    env_str,
)


class EnvHelperTests(SimpleTestCase):
    def test_unset_or_empty_gives_the_default(self) -> None:
        with mock.patch.dict("os.environ", {"MINKA_X": "  "}, clear=True):
            self.assertEqual(env_str("MINKA_X", "d"), "d")
            self.assertIs(env_bool("MINKA_X", default=True), True)
            self.assertEqual(env_int("MINKA_X", 7), 7)
            self.assertEqual(env_list("MINKA_X", ["a"]), ["a"])

    def test_booleans_accept_common_spellings_and_refuse_typos(self) -> None:
        for raw, expected in (
            ("1", True),
            ("TRUE", True),
            ("sí", True),
            ("off", False),
            ("0", False),
        ):
            with self.subTest(raw=raw), mock.patch.dict("os.environ", {"MINKA_X": raw}):
                self.assertIs(env_bool("MINKA_X"), expected)
        with mock.patch.dict("os.environ", {"MINKA_X": "ture"}):
            with self.assertRaisesMessage(ImproperlyConfigured, "MINKA_X must be a boolean"):
                env_bool("MINKA_X")

    def test_integers_are_checked(self) -> None:
        with mock.patch.dict("os.environ", {"MINKA_X": "12"}):
            self.assertEqual(env_int("MINKA_X", 1, minimum=10), 12)
        with mock.patch.dict("os.environ", {"MINKA_X": "ten"}):
            with self.assertRaisesMessage(ImproperlyConfigured, "must be an integer"):
                env_int("MINKA_X", 1)
        with mock.patch.dict("os.environ", {"MINKA_X": "3"}):
            with self.assertRaisesMessage(ImproperlyConfigured, "at least 10"):
                env_int("MINKA_X", 1, minimum=10)

    def test_lists_are_comma_separated_and_stripped(self) -> None:
        with mock.patch.dict("os.environ", {"MINKA_X": " a.org, b.org ,,"}):
            self.assertEqual(env_list("MINKA_X"), ["a.org", "b.org"])

    def test_paths_are_absolute(self) -> None:
        with mock.patch.dict("os.environ", {"MINKA_X": "relative/dir"}):
            self.assertTrue(env_path("MINKA_X", Path("/tmp")).is_absolute())

    def test_secrets_come_from_a_file_too(self) -> None:
        secret_file = Path(self.id().replace(".", "_") + ".secret")
        secret_file.write_text("s3cret\n", encoding="utf-8")
        self.addCleanup(secret_file.unlink)
        with mock.patch.dict("os.environ", {"MINKA_K_FILE": str(secret_file)}, clear=True):
            self.assertEqual(env_secret("MINKA_K"), "s3cret")
        with mock.patch.dict("os.environ", {"MINKA_K": "a", "MINKA_K_FILE": str(secret_file)}):
            with self.assertRaisesMessage(ImproperlyConfigured, "not both"):
                env_secret("MINKA_K")
        with mock.patch.dict("os.environ", {"MINKA_K_FILE": "/nonexistent/secret"}, clear=True):
            with self.assertRaisesMessage(ImproperlyConfigured, "cannot be read"):
                env_secret("MINKA_K")


class EnsureFolderTests(SimpleTestCase):
    def test_creates_a_missing_folder_and_its_parents_with_the_mode(self) -> None:
        with tempfile.TemporaryDirectory() as home:
            folder = Path(home) / "a" / "b"
            self.assertEqual(ensure_folder(folder, "MINKA_X", mode=0o700), folder)
            self.assertTrue(folder.is_dir())
            self.assertEqual(stat.S_IMODE(folder.stat().st_mode) & 0o077, 0)

    def test_an_existing_folder_keeps_its_permissions(self) -> None:
        with tempfile.TemporaryDirectory() as home:
            folder = Path(home)
            folder.chmod(0o751)
            ensure_folder(folder, "MINKA_X", mode=0o700)
            self.assertEqual(stat.S_IMODE(folder.stat().st_mode), 0o751)

    def test_a_path_that_cannot_be_created_names_the_variable_and_the_path(self) -> None:
        with tempfile.TemporaryDirectory() as home:
            blocker = Path(home) / "file"
            blocker.write_text("x")
            with self.assertRaisesMessage(
                ConfigurationError, f"MINKA_X: the folder {blocker / 'sub'} cannot be created"
            ):
                ensure_folder(blocker / "sub", "MINKA_X")
            with self.assertRaisesMessage(ConfigurationError, "is not a folder"):
                ensure_folder(blocker, "MINKA_X")

    def test_a_folder_this_user_cannot_write_is_refused(self) -> None:
        """Permission bits do not stop root, so the check itself is made to answer no."""
        with tempfile.TemporaryDirectory() as home, mock.patch("os.access", return_value=False):
            with self.assertRaisesMessage(
                ConfigurationError, f"MINKA_X: the folder {home} is not writable by this user"
            ):
                ensure_folder(Path(home), "MINKA_X")


class SettingsFileTests(SimpleTestCase):
    def test_parses_the_systemd_subset(self) -> None:
        text = (
            "# a comment\n\n"
            "MINKA_DEBUG=true\n"
            "MINKA_X = spaced value \n"
            "MINKA_FROM=Minka <minka@example.org>\n"
            'MINKA_Q="quoted # not a comment"\n'
            "MINKA_EMPTY=\n"
        )
        self.assertEqual(
            env_file_parse(text, source="f"),
            {
                "MINKA_DEBUG": "true",
                "MINKA_X": "spaced value",
                "MINKA_FROM": "Minka <minka@example.org>",
                "MINKA_Q": "quoted # not a comment",
                "MINKA_EMPTY": "",
            },
        )

    def test_values_are_read_as_systemd_reads_an_environment_file(self) -> None:
        """The cases where systemd's EnvironmentFile= differs from a shell or a naive split
        (systemd's src/basic/env-file.c): each value is what the services get too."""
        cases = {
            "A=x # not a comment\n": "x # not a comment",
            "; a comment\nA=after\n": "after",
            'A="a b"c\n': "a bc",
            'A=a "b"\n': 'a "b"',
            "A='$HOME \\n'\n": "$HOME \\n",
            'A="q \\" \\\\ \\$ \\n"\n': 'q " \\ $ \\n',
            "A=one\\\n two\n": "one two",
            'A="first\nsecond"\n': "first\nsecond",
            "A=windows\r\n": "windows",
            "A=$HOME/x": "$HOME/x",
            "A=1\nA=2\n": "2",
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(env_file_parse(text, source="f")["A"], expected)

    def test_export_is_refused_because_systemd_ignores_the_line(self) -> None:
        """A shell habit that systemd would drop with only a log line: an error here."""
        with self.assertRaisesMessage(ConfigurationError, "f, line 2: remove 'export'"):
            env_file_parse("A=1\nexport MINKA_X=2\n", source="f")

    def test_the_example_file_parses(self) -> None:
        """deploy/minka.env.example is a valid settings file, with values holding spaces."""
        example = Path(__file__).resolve().parents[3] / "deploy" / "minka.env.example"
        values = env_file_parse(example.read_text(encoding="utf-8"), source="example")
        self.assertEqual(values["MINKA_DEBUG"], "false")
        self.assertIn(" ", values["MINKA_NETWORK_NAME"])

    def test_a_line_without_a_name_is_refused_with_its_number(self) -> None:
        with self.assertRaisesMessage(ConfigurationError, "f, line 2: expected NAME=value"):
            env_file_parse("A=1\nnot a setting\n", source="f")
        with self.assertRaisesMessage(ConfigurationError, "line 1"):
            env_file_parse("1ABC=x\n", source="f")

    def test_the_environment_wins_and_empty_variables_are_filled(self) -> None:
        with tempfile.TemporaryDirectory() as home:
            path = Path(home) / "minka.env"
            path.write_text("MINKA_A=file\nMINKA_B=file\nMINKA_C=file\n")
            environ = {"MINKA_A": "env", "MINKA_B": " "}
            self.assertEqual(env_file_load(path, environ), ["MINKA_B", "MINKA_C"])
            self.assertEqual(environ, {"MINKA_A": "env", "MINKA_B": "file", "MINKA_C": "file"})

    def test_the_file_is_found_in_the_current_folder_or_named(self) -> None:
        with tempfile.TemporaryDirectory() as home:
            path = Path(home) / "minka.env"
            with mock.patch("pathlib.Path.cwd", return_value=Path(home)):
                self.assertIsNone(env_file_path({}))
                path.write_text("MINKA_DEBUG=true\n")
                self.assertEqual(env_file_path({}), path)
            self.assertEqual(env_file_path({"MINKA_ENV_FILE": str(path)}), path.resolve())
            with self.assertRaisesMessage(ConfigurationError, "MINKA_ENV_FILE names"):
                env_file_path({"MINKA_ENV_FILE": str(path) + ".missing"})


class DevelopmentSettingsFileTests(SimpleTestCase):
    """What ``make run`` writes: created once, never overwritten, private, not in git."""

    def test_created_once_with_a_strong_key_and_never_overwritten(self) -> None:
        with tempfile.TemporaryDirectory() as home:
            path = Path(home) / "minka.env"
            self.assertIs(dev_env_file_create(path), True)
            values = env_file_parse(path.read_text(), source=str(path))
            self.assertEqual(values["MINKA_DEBUG"], "true")
            self.assertEqual(
                values["MINKA_EMAIL_BACKEND"], "django.core.mail.backends.console.EmailBackend"
            )
            key = values["MINKA_SECRET_KEY"]
            self.assertGreaterEqual(len(key), 50)
            self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)
            path.write_text(path.read_text() + "MINKA_TIME_ZONE=UTC\n")
            self.assertIs(dev_env_file_create(path), False)
            self.assertIn("MINKA_TIME_ZONE=UTC", path.read_text())
            other = Path(home) / "other.env"
            dev_env_file_create(other)
            other_key = env_file_parse(other.read_text(), source="o")["MINKA_SECRET_KEY"]
            self.assertNotEqual(other_key, key)

    def test_the_checkouts_file_and_data_folder_are_kept_out_of_git(self) -> None:
        root = Path(__file__).resolve().parents[3]
        result = subprocess.run(
            ["git", "check-ignore", "--no-index", "minka.env", "var/minka.sqlite3"],  # noqa: S607
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        self.assertEqual(result.stdout.split(), ["minka.env", "var/minka.sqlite3"], result.stderr)
