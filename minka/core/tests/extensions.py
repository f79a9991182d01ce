"""Each app extends the access matrix and the canary crawl from its own test modules.

- ``minka/<app>/tests/matrix_<area>.py`` defines ``MATRIX`` (``dict[str, Access]``), and
  optionally ``KWARGS`` (name → builder taking the shared ``Objects``) and
  ``setup_objects(case, objects)``, which creates what its routes need and stores it as
  attributes of ``objects``.
- ``minka/<app>/tests/canaries_<area>.py`` defines ``CANARIES`` (strings), ``plant(case)``
  to plant them, and ``check_shown(test)``: a positive control showing each canary to a
  persona allowed to see it.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

import minka

if TYPE_CHECKING:
    from types import ModuleType


def _modules(prefix: str) -> list[ModuleType]:
    found = []
    for app in pkgutil.iter_modules(minka.__path__):
        if not app.ispkg:
            continue
        try:
            tests = importlib.import_module(f"minka.{app.name}.tests")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(tests.__path__):
            if module.name.startswith(prefix):
                found.append(importlib.import_module(f"{tests.__name__}.{module.name}"))
    return sorted(found, key=lambda m: m.__name__)


def matrix_modules() -> list[ModuleType]:
    return _modules("matrix_")


def canary_modules() -> list[ModuleType]:
    return _modules("canaries_")
