"""Image samples: PNG and JPEG photos, and PNGs written chunk by chunk (a decompression
bomb, a polyglot carrying HTML)."""

from __future__ import annotations

import io
import struct
import zlib
from typing import TYPE_CHECKING

from minka.files.tests.samples.common import _write

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path


def png(folder: Path, name: str = "foto.png", size: tuple[int, int] = (1600, 900)) -> Path:
    from PIL import Image

    image = Image.new("RGB", size)
    image.paste((20, 120, 60), (0, 0, size[0] // 2, size[1]))
    path = folder / name
    image.save(path, format="PNG")
    return path


def jpeg(folder: Path, name: str = "foto.jpg", size: tuple[int, int] = (1200, 1600)) -> Path:
    from PIL import Image

    image = Image.new("RGB", size, (200, 80, 40))
    path = folder / name
    image.save(path, format="JPEG", quality=80)
    return path


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">L", len(data)) + kind + data + struct.pack(">L", zlib.crc32(kind + data))


def png_chunks(width: int, height: int, chunks: Sequence[tuple[bytes, bytes]] = ()) -> bytes:
    """A PNG of ``width`` × ``height`` grey pixels declared in its header; the image data
    holds the first rows only (enough to open, not to decode everything)."""
    header = struct.pack(">2L5B", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes(width) for _ in range(min(height, 4)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + b"".join(_chunk(kind, data) for kind, data in chunks)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def png_bomb(folder: Path, name: str = "bomba.png") -> Path:
    """A 60 KB-ish PNG declaring 50,000 × 50,000 pixels (2.5 gigapixels, 2.5 GB decoded)."""
    return _write(folder / name, png_chunks(50_000, 50_000))


def png_polyglot(folder: Path, name: str = "poliglota.png") -> Path:
    """A valid PNG (Pillow verifies it) that a browser sniffing HTML would run: the markup
    sits in a text chunk."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 0, 0)).save(buffer, format="PNG")
    data = buffer.getvalue()
    html = b"Comment\x00<html><script>alert(document.domain)</script></html>"
    iend = data.rindex(b"IEND") - 4
    return _write(folder / name, data[:iend] + _chunk(b"tEXt", html) + data[iend:])
