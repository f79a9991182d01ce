"""PDF samples, written byte by byte: text in Helvetica, shared pages, encryption, and
hostile structures (deep nesting, reference chains, a broken cross-reference table)."""

from __future__ import annotations

import hashlib
import io
import struct
from typing import TYPE_CHECKING

from minka.files.tests.samples.common import PHRASE, SECOND, _write

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path


_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def page_content(lines: Sequence[str]) -> bytes:
    """A content stream that writes ``lines`` in Helvetica, one under the other."""
    parts = [b"BT /F1 14 Tf 72 760 Td 18 TL"]
    for line in lines:
        parts.append(_pdf_string(line) + b" Tj T*")
    parts.append(b"ET")
    return b"\n".join(parts)


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def pdf_bytes(
    pages: Sequence[Sequence[str]],
    *,
    shared_pages: int = 0,
    password: str | None = None,
    extra: Sequence[bytes] = (),
    page_resources: bytes = b"",
    draw: bytes = b"",
    media_box: bytes = b"0 0 595 842",
) -> bytes:
    """A valid PDF with one page per item of ``pages`` (lines of text in Helvetica with
    WinAnsiEncoding, so Spanish accents survive).

    ``shared_pages`` adds that many more pages drawing the first page's content stream (a
    5,000-page PDF in a few hundred KB). ``password`` encrypts it with the standard
    security handler (RC4, 40 bits: old, but every reader must refuse to open it without
    the password). ``extra`` are more object bodies, numbered after the others;
    ``page_resources`` is added to every page's resource dictionary and ``draw`` to every
    content stream.
    """
    objects: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    font = 3
    objects[font] = (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    number = 4
    kids: list[int] = []
    contents: list[int] = []
    for lines in pages:
        streams[number] = page_content(lines) + draw
        contents.append(number)
        number += 1
    for body in extra:
        objects[number] = body
        number += 1
    page_numbers = [*contents, *([contents[0]] * shared_pages)]
    for content in page_numbers:
        objects[number] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> %s >> >>" % (media_box, content, page_resources)
        )
        kids.append(number)
        number += 1
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    file_id = hashlib.md5(b"minka-sample").digest()  # noqa: S324 -- the PDF format's own use.
    encrypt = b""
    key = b""
    if password is not None:
        padded = (password.encode("latin-1") + _PAD)[:32]
        owner_key = hashlib.md5((b"owner" + _PAD)[:32]).digest()[:5]  # noqa: S324
        owner = _rc4(owner_key, padded)
        permissions = -44
        key = hashlib.md5(  # noqa: S324
            padded + owner + struct.pack("<i", permissions) + file_id
        ).digest()[:5]
        user = _rc4(key, _PAD)
        objects[number] = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (
            owner.hex().encode(),
            user.hex().encode(),
            permissions,
        )
        encrypt = b" /Encrypt %d 0 R" % number
        number += 1
    for stream_number, data in streams.items():
        if key:
            object_key = hashlib.md5(  # noqa: S324
                key + stream_number.to_bytes(3, "little") + b"\x00\x00"
            ).digest()[:10]
            data = _rc4(object_key, data)
        objects[stream_number] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for object_number in sorted(objects):
        offsets[object_number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (object_number, objects[object_number]))
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for object_number in range(1, size):
        if object_number in offsets:
            out.write(b"%010d 00000 n \n" % offsets[object_number])
        else:
            out.write(b"0000000000 65535 f \n")
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>]%s >>\nstartxref\n%d\n%%%%EOF\n"
        % (size, file_id.hex().encode(), file_id.hex().encode(), encrypt, xref)
    )
    return out.getvalue()


def pdf(folder: Path, name: str = "informe.pdf", pages: int = 3) -> Path:
    """A PDF of ``pages`` pages; the first carries :data:`PHRASE`."""
    texts = [[PHRASE, SECOND]] + [[f"Página {n}: {SECOND}"] for n in range(2, pages + 1)]
    return _write(folder / name, pdf_bytes(texts))


def pdf_encrypted(folder: Path) -> Path:
    return _write(folder / "cifrado.pdf", pdf_bytes([[PHRASE]], password="secreto"))


def pdf_many_pages(folder: Path, pages: int = 5_000) -> Path:
    return _write(folder / "largo.pdf", pdf_bytes([[PHRASE]], shared_pages=pages - 1))


def pdf_recursive(folder: Path) -> Path:
    """A PDF whose page draws a form that draws itself, with a 100,000-deep nested array
    and a 10,000-long chain of references to resolve."""
    depth = 100_000
    chain = 10_000
    base = 4 + 1  # first extra object number (one content stream before it)
    extra = [
        # base: the self-drawing form.
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] "
        b"/Resources << /XObject << /X1 %d 0 R >> >> /Length 6 >>\nstream\n/X1 Do\nendstream"
        % base,
        # base + 1: the deep array.
        b"[" * depth + b"]" * depth,
    ]
    first = base + 2
    for index in range(chain):
        extra.append(b"<< /Next %d 0 R >>" % (first + index + 1))
    extra.append(b"<< /Deep %d 0 R >>" % (base + 1))
    resources = b"/XObject << /X1 %d 0 R >> /Properties << /P0 %d 0 R >>" % (base, first)
    data = pdf_bytes([[PHRASE]], extra=extra, page_resources=resources, draw=b"\n/X1 Do")
    return _write(folder / "recursivo.pdf", data)


def pdf_broken_xref(folder: Path) -> Path:
    """A PDF whose cross-reference table and ``startxref`` point to the wrong places."""
    data = pdf_bytes([[PHRASE]])
    start = data.rindex(b"xref\n0 ")
    table_end = data.index(b"trailer", start)
    broken = data[start:table_end].replace(b"00000 n", b"00000 f").replace(b"0000000", b"0000123")
    data = data[:start] + broken + data[table_end:]
    data = data.replace(b"startxref\n", b"startxref\n9", 1)
    return _write(folder / "xref.pdf", data)
