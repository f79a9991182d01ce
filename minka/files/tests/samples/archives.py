"""ZIP packages written byte by byte: a minimal OOXML package, and hostile ones (a zip
bomb, too many entries, nested entities in the main XML part)."""

from __future__ import annotations

import io
import struct
import zlib
from typing import TYPE_CHECKING

from minka.files.tests.samples.common import PHRASE, _rewrite_entry, _write
from minka.files.tests.samples.office import odt

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path


def raw_zip(
    entries: Sequence[tuple[str, bytes]],
    *,
    overlapping: int = 0,
    kernel: int = 10 * 1024 * 1024,
    padding: int = 0,
    padding_prefix: str = "word/media/empty",
) -> bytes:
    """A ZIP written byte by byte: ``entries`` deflated, then ``overlapping`` entries that
    all point to one deflated block of ``kernel`` zero bytes (a non-recursive zip bomb:
    honest sizes, tiny file), then ``padding`` empty stored entries. Uses ZIP64 end
    records when there are more than 65,535 entries, as ``zipfile`` does."""
    out = io.BytesIO()
    central: list[bytes] = []

    def local(name: str, data: bytes, packed: bytes, method: int, crc: int) -> int:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<4s5H3L2H",
                b"PK\x03\x04",
                20,
                0x800,
                method,
                0,
                0x21,
                crc,
                len(packed),
                len(data),
                len(encoded),
                0,
            )
            + encoded
            + packed
        )
        return offset

    def directory(name: str, size: int, packed: int, method: int, crc: int, offset: int) -> None:
        encoded = name.encode()
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0x800,
                method,
                0,
                0x21,
                crc,
                packed,
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )

    def deflate(data: bytes) -> bytes:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        return compressor.compress(data) + compressor.flush()

    for name, data in entries:
        packed = deflate(data)
        crc = zlib.crc32(data)
        directory(name, len(data), len(packed), 8, crc, local(name, data, packed, 8, crc))
    if overlapping:
        zeros = bytes(kernel)
        packed = deflate(zeros)
        crc = zlib.crc32(zeros)
        offset = local("word/media/bomb0.bin", b"", packed, 8, crc)
        for index in range(overlapping):
            directory(f"word/media/bomb{index}.bin", kernel, len(packed), 8, crc, offset)
    for index in range(padding):
        name = f"{padding_prefix}{index}.xml"
        directory(name, 0, 0, 0, 0, local(name, b"", b"", 0, 0))
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    count = len(central)
    if count > 0xFFFF:
        zip64_at = out.tell()
        out.write(
            struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, start)
        )
        out.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, zip64_at, 1))
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, size, start, 0))
    else:
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))
    return out.getvalue()


_CONTENT_TYPES = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def ooxml_skeleton(kind: str, main: bytes | None = None) -> list[tuple[str, bytes]]:
    """The three parts an OOXML package needs, with ``main`` as its main part."""
    part, content_type = _CONTENT_TYPES[kind]
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/><Override PartName="/{part}" '
        f'ContentType="{content_type}"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'officeDocument" Target="{part}"/></Relationships>'
    )
    body = (
        main
        or (
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body><w:p><w:r>'
            f"<w:t>{PHRASE}</w:t></w:r></w:p></w:body></w:document>"
        ).encode()
    )
    return [("[Content_Types].xml", types.encode()), ("_rels/.rels", rels.encode()), (part, body)]


def zip_bomb(folder: Path, kind: str = "docx", *, copies: int = 500) -> Path:
    """A small DOCX or PPTX (about 45 KB) whose entries expand to ``copies`` × 10 MiB
    (5 GiB by default), all sharing one compressed block."""
    data = raw_zip(ooxml_skeleton(kind), overlapping=copies)
    return _write(folder / f"bomba.{kind}", data)


def many_entries(folder: Path, kind: str = "pptx", *, count: int = 100_000) -> Path:
    """A DOCX or PPTX with ``count`` extra (empty) entries."""
    data = raw_zip(ooxml_skeleton(kind), padding=count, padding_prefix="ppt/media/empty")
    return _write(folder / f"entradas.{kind}", data)


def billion_laughs_xml(root: str) -> bytes:
    entities = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        previous = f"&lol{level - 1 if level > 1 else ''};"
        entities.append(f'<!ENTITY lol{level} "{previous * 10}">')
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE {root} [{"".join(entities)}]>\n'
    ).encode()


def billion_laughs(folder: Path, kind: str = "docx") -> Path:
    """A DOCX, PPTX or ODT whose main XML part defines nested entities (10^9 "lol")."""
    if kind == "odt":
        source = odt(folder, "base.odt")
        prolog = billion_laughs_xml("office:document-content")

        def change(data: bytes) -> bytes:
            body = data.split(b"?>", 1)[1]
            return prolog + body.replace(
                b"</office:text>", b"<text:p>&lol9;</text:p></office:text>"
            )

        _rewrite_entry(source, "content.xml", change)
        return source.rename(folder / "risas.odt")
    prolog = billion_laughs_xml("w:document")
    main = (
        prolog
        + (
            f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
            "</w:body></w:document>"
        ).encode()
    )
    return _write(folder / f"risas.{kind}", raw_zip(ooxml_skeleton(kind, main)))
