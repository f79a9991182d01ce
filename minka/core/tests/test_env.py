from __future__ import annotations

from pathlib import Path
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from minka.core.env import env_bool, env_int, env_list, env_path, env_secret, env_str


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
