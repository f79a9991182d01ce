"""What every sample shares: the phrases they carry, the folder of committed samples, and
writing or rewriting a file."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


PHRASE = "Red Dorsal Nacional de Fibra Óptica en la selva"
SECOND = "Conectividad rural y acceso a internet en la Amazonía peruana"
FILES = Path(__file__).resolve().parent.parent / "files"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _rewrite_entry(path: Path, name: str, change: Callable[[bytes], bytes]) -> None:
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            target.writestr(info, change(data) if info.filename == name else data)
