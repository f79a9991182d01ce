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
from pathlib import Path
from typing import TYPE_CHECKING

import minka

if TYPE_CHECKING:
    from types import ModuleType


def _modules(prefix: str) -> list[ModuleType]:
    """The ``<prefix>*`` modules of every ``tests`` package of an app, those of its
    sub-packages included (``minka/<app>/tests/``, ``minka/<app>/<part>/tests/``)."""
    found = []
    root = Path(minka.__path__[0])
    for app in pkgutil.iter_modules(minka.__path__):
        if not app.ispkg:
            continue
        for init in sorted((root / app.name).glob("**/tests/__init__.py")):
            package = ".".join(("minka", *init.parent.relative_to(root).parts))
            tests = importlib.import_module(package)
            for module in pkgutil.iter_modules(tests.__path__):
                if module.name.startswith(prefix):
                    found.append(importlib.import_module(f"{tests.__name__}.{module.name}"))
    return sorted(found, key=lambda m: m.__name__)


def matrix_modules() -> list[ModuleType]:
    return _modules("matrix_")


def canary_modules() -> list[ModuleType]:
    return _modules("canaries_")
