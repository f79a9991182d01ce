from __future__ import annotations

import re
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[3]


class ReadmeTests(SimpleTestCase):
    def test_every_environment_variable_is_documented(self) -> None:
        """Each MINKA_* variable read anywhere in the code has a row in the README."""
        used: set[str] = set()
        for source in (ROOT / "minka").rglob("*.py"):
            if "tests" in source.parts:
                continue
            used |= set(re.findall(r"\"(MINKA_[A-Z_]+)\"", source.read_text(encoding="utf-8")))
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        missing = sorted(name for name in used if f"`{name}`" not in readme)
        self.assertEqual(missing, [])
        self.assertGreater(len(used), 30)

    def test_the_two_commands_are_documented(self) -> None:
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        self.assertIn("make run", readme)
        self.assertIn("make test", readme)
