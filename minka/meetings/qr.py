"""QR codes as SVG path data, drawn by a template (no script, no ``mark_safe``)."""

from __future__ import annotations

from dataclasses import dataclass

import segno


@dataclass(frozen=True)
class QrDrawing:
    size: int  # modules per side, quiet zone included
    path: str  # SVG path data: only digits, spaces and the letters M h v z


def qr_drawing(text: str, *, border: int = 4) -> QrDrawing:
    """The QR code of ``text`` as one SVG path of unit squares (runs merged per row)."""
    code = segno.make(text, error="m", micro=False)
    commands: list[str] = []
    size = 0
    for y, row in enumerate(code.matrix_iter(scale=1, border=border)):
        cells = list(row)
        size = len(cells)
        x = 0
        while x < size:
            if cells[x]:
                start = x
                while x < size and cells[x]:
                    x += 1
                commands.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return QrDrawing(size=size, path="".join(commands))
