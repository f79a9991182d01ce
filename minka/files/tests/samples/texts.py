"""Text samples: plain text, CSV and Markdown in a chosen encoding, and an HTML page
disguised by its name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.files.tests.samples.common import PHRASE, SECOND, _write

if TYPE_CHECKING:
    from pathlib import Path


def text(folder: Path, name: str = "notas.txt", *, encoding: str = "utf-8") -> Path:
    body = f"{PHRASE}\n{SECOND}\nAcción, participación, niñas y niños.\n"
    if name.endswith(".csv"):
        body = f'titulo,region\n"{PHRASE}",Loreto\n"{SECOND}",Ucayali\n'
    elif name.endswith(".md"):
        body = f"# {PHRASE}\n\n- {SECOND}\n- *Acción* y **participación**\n"
    return _write(folder / name, body.encode(encoding))


def html(folder: Path, name: str = "pagina.pdf") -> Path:
    return _write(
        folder / name, b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    )
