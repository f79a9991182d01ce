"""Byte-level checks shared by the upload check and the extraction worker.

Nothing here imports Django or a document parser: the functions read headers, the ZIP central
directory and raw bytes only, so they are safe to run inside a web request on hostile input
and cheap to import in the sandboxed worker.
"""

from __future__ import annotations

import codecs
import re
import struct
from dataclasses import dataclass
from typing import IO

CHUNK = 1024 * 1024

# ZIP-based formats (OOXML, ODF): limits checked from the central directory, before any
# entry is decompressed. Deflate cannot exceed about 1032:1; office XML compresses 5-30:1
# and very repetitive spreadsheets reach 50-100:1, hence 100 times the file's size, never
# less than 20 MiB (small files) and never more than 500 MiB.
ZIP_MAX_ENTRIES = 5_000
ZIP_MAX_RATIO = 100
ZIP_MIN_ALLOWANCE = 20 * 1024 * 1024
ZIP_MAX_UNCOMPRESSED = 500 * 1024 * 1024

# Raster images: decoded size is width x height x 4 bytes; 100 megapixels is a 400 MB
# bitmap, the most the extraction worker's default memory limit can hold beside the parser.
IMAGE_MAX_PIXELS = 100_000_000

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
UTF8_BOM = codecs.BOM_UTF8

# Text files must not open like a web page or an XML document (they could be served and
# sniffed as such); checked on the first bytes after a BOM and leading white space.
MARKUP_PREFIXES = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<head", b"<body")
# Markup anywhere inside a raster image makes it an image/HTML polyglot.
IMAGE_MARKUP = re.compile(rb"<(?:script|html[\s>]|!doctype\s+html|iframe|body[\s>])", re.I)
# C0 control characters other than tab, line feed, vertical tab, form feed and carriage
# return (and DEL): their presence means binary data, whatever the encoding.
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
# The five bytes cp1252 leaves undefined.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


class ArchiveError(Exception):
    """A ZIP file that is damaged ("corrupt") or too large once expanded ("archive")."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class ZipEntry:
    name: str
    compressed: int
    uncompressed: int
    method: int
    encrypted: bool


@dataclass(frozen=True)
class ZipSummary:
    entries: tuple[ZipEntry, ...]
    uncompressed: int

    @property
    def names(self) -> frozenset[str]:
        return frozenset(entry.name for entry in self.entries)


def zip_allowance(size: int) -> int:
    """Return the largest total uncompressed size accepted for a ZIP of ``size`` bytes."""
    return min(ZIP_MAX_UNCOMPRESSED, max(ZIP_MAX_RATIO * size, ZIP_MIN_ALLOWANCE))


_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record, 22 bytes
_ZIP64_LOCATOR = struct.Struct("<4sLQL")  # 20 bytes
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")  # 56 bytes
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # central directory file header, 46 bytes


def _read_at(file: IO[bytes], offset: int, length: int) -> bytes:
    file.seek(offset)
    return file.read(length)


def inspect_zip(file: IO[bytes], size: int) -> ZipSummary:
    """Read a ZIP's central directory without decompressing anything, and check its limits.

    Raises :class:`ArchiveError` ("corrupt") when the end record or the directory is damaged,
    when data is prepended to the archive, when an entry points outside the file or uses a
    method other than stored or deflate; ("archive") when there are more than
    ``ZIP_MAX_ENTRIES`` entries or the declared uncompressed total exceeds
    :func:`zip_allowance`. The entry count is checked before the directory is walked, and the
    walk stops at the limit, so a 100,000-entry file is refused after reading a few bytes.
    The layout read here is the one Python's ``zipfile`` reads (the last end record, the
    directory right before it), so the parsers see the same entries.
    """
    if size < _EOCD.size:
        raise ArchiveError("corrupt", "too short for a ZIP file")
    tail_start = max(0, size - (_EOCD.size + 65_535))
    tail = _read_at(file, tail_start, size - tail_start)
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or position + _EOCD.size > len(tail):
        raise ArchiveError("corrupt", "no end of central directory record")
    (_, disk, cd_disk, _, count, cd_size, cd_offset, _) = _EOCD.unpack_from(tail, position)
    eocd_at = tail_start + position
    directory_end = eocd_at
    if disk or cd_disk:
        raise ArchiveError("corrupt", "multi-disk archive")
    if count == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        locator_at = eocd_at - _ZIP64_LOCATOR.size
        if locator_at < 0:
            raise ArchiveError("corrupt", "missing ZIP64 locator")
        signature, _, _, _ = _ZIP64_LOCATOR.unpack(_read_at(file, locator_at, _ZIP64_LOCATOR.size))
        if signature != b"PK\x06\x07":
            raise ArchiveError("corrupt", "missing ZIP64 locator")
        directory_end = locator_at - _ZIP64_EOCD.size
        if directory_end < 0:
            raise ArchiveError("corrupt", "missing ZIP64 end record")
        record = _read_at(file, directory_end, _ZIP64_EOCD.size)
        if len(record) != _ZIP64_EOCD.size or record[:4] != b"PK\x06\x06":
            raise ArchiveError("corrupt", "bad ZIP64 end record")
        (_, _, _, _, _, _, _, count, cd_size, cd_offset) = _ZIP64_EOCD.unpack(record)
    if count > ZIP_MAX_ENTRIES:
        raise ArchiveError("archive", f"{count} entries (limit {ZIP_MAX_ENTRIES})")
    cd_start = directory_end - cd_size
    if cd_start < 0 or cd_start != cd_offset:
        raise ArchiveError("corrupt", "central directory offset does not match")
    directory = _read_at(file, cd_start, cd_size)
    if len(directory) != cd_size:
        raise ArchiveError("corrupt", "truncated central directory")

    entries: list[ZipEntry] = []
    total = 0
    allowance = zip_allowance(size)
    offset = 0
    while offset < cd_size:
        if len(entries) >= ZIP_MAX_ENTRIES:
            raise ArchiveError("archive", f"more than {ZIP_MAX_ENTRIES} entries")
        if offset + _CENTRAL.size > cd_size:
            raise ArchiveError("corrupt", "truncated central directory entry")
        fields = _CENTRAL.unpack_from(directory, offset)
        (signature, _, _, flags, method, _, _, _, compressed, uncompressed) = fields[:10]
        name_length, extra_length, comment_length, _, _, _, header_at = fields[10:]
        if signature != b"PK\x01\x02":
            raise ArchiveError("corrupt", "bad central directory entry")
        start = offset + _CENTRAL.size
        end = start + name_length + extra_length + comment_length
        if end > cd_size:
            raise ArchiveError("corrupt", "truncated central directory entry")
        raw_name = directory[start : start + name_length]
        extra = directory[start + name_length : start + name_length + extra_length]
        if 0xFFFFFFFF in (compressed, uncompressed, header_at):
            uncompressed, compressed, header_at = _zip64_sizes(
                extra, uncompressed, compressed, header_at
            )
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
        if method not in (0, 8):
            raise ArchiveError("corrupt", f"compression method {method}")
        if header_at + compressed > cd_start:
            raise ArchiveError("corrupt", "entry data outside the archive")
        total += uncompressed
        if total > allowance:
            raise ArchiveError("archive", f"expands to more than {allowance // (1024 * 1024)} MiB")
        entries.append(ZipEntry(name, compressed, uncompressed, method, bool(flags & 1)))
        offset = end
    if len(entries) != count:
        raise ArchiveError("corrupt", "entry count does not match the central directory")
    return ZipSummary(tuple(entries), total)


def _zip64_sizes(
    extra: bytes, uncompressed: int, compressed: int, header_at: int
) -> tuple[int, int, int]:
    position = 0
    while position + 4 <= len(extra):
        kind, length = struct.unpack_from("<2H", extra, position)
        body = extra[position + 4 : position + 4 + length]
        if kind == 1:
            values = list(struct.unpack_from(f"<{len(body) // 8}Q", body))
            if uncompressed == 0xFFFFFFFF and values:
                uncompressed = values.pop(0)
            if compressed == 0xFFFFFFFF and values:
                compressed = values.pop(0)
            if header_at == 0xFFFFFFFF and values:
                header_at = values.pop(0)
            return uncompressed, compressed, header_at
        position += 4 + length
    raise ArchiveError("corrupt", "ZIP64 sizes missing")


def scan(file: IO[bytes], pattern: re.Pattern[bytes], overlap: int = 64) -> bool:
    """Return whether ``pattern`` occurs anywhere in ``file``, reading it in chunks."""
    file.seek(0)
    previous = b""
    while chunk := file.read(CHUNK):
        window = previous + chunk
        if pattern.search(window):
            return True
        previous = window[-overlap:]
    return False


def text_encoding(file: IO[bytes]) -> str:
    """Return "utf-8" or "cp1252" for an acceptable text file; raise ``ValueError`` if binary.

    Accepted: UTF-8 (with or without a BOM), or else Windows-1252 (what Excel and Notepad on
    Spanish Windows save as "ANSI"; Latin-1 text is Windows-1252 too), as long as no byte is
    undefined in that code page. Refused: any C0 control character other than tab, line
    feed, vertical tab, form feed and carriage return, which includes NUL and so UTF-16.
    """
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    while chunk := file.read(CHUNK):
        if _BINARY.search(chunk):
            raise ValueError("control characters")
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        if not utf8 and _CP1252_UNDEFINED.search(chunk):
            raise ValueError("neither UTF-8 nor Windows-1252")
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if utf8:
        return "utf-8"
    # A Windows-1252 check of the chunks read before UTF-8 failed.
    file.seek(0)
    while chunk := file.read(CHUNK):
        if _CP1252_UNDEFINED.search(chunk):
            raise ValueError("neither UTF-8 nor Windows-1252")
    return "cp1252"


def decode_text(data: bytes) -> str:
    """Decode a text file as :func:`text_encoding` accepts it (BOM dropped)."""
    data = data.removeprefix(UTF8_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def starts_like_markup(head: bytes) -> bool:
    """Return whether ``head`` (the first bytes of a text file) opens like HTML, SVG or XML."""
    start = head.removeprefix(UTF8_BOM).lstrip().lower()
    return start.startswith(MARKUP_PREFIXES)


def ole_has_stream(file: IO[bytes], name: str) -> bool:
    """Return whether a legacy OLE file names the stream ``name`` in its directory.

    Directory entries store names in UTF-16LE; a byte search over the file finds them
    without parsing the compound file (a DOC with an embedded slide may name both streams:
    the caller only asks for the one the extension claims).
    """
    return scan(file, re.compile(re.escape(name.encode("utf-16-le"))))


def ooxml_kind(names: frozenset[str]) -> str | None:
    """Return "docx", "pptx" or "xlsx" from the entry names of an OOXML package, or None."""
    if "[Content_Types].xml" not in names:
        return None
    kinds = {
        kind
        for kind, main in (
            ("docx", "word/document.xml"),
            ("pptx", "ppt/presentation.xml"),
            ("xlsx", "xl/workbook.xml"),
        )
        if main in names
    }
    return kinds.pop() if len(kinds) == 1 else None


ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.presentation": "odp",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def odf_kind(file: IO[bytes], summary: ZipSummary) -> str | None:
    """Return "odt", "odp" or "ods" from the stored ``mimetype`` entry, or None.

    ODF requires ``mimetype`` to be the first entry, stored uncompressed, so its bytes sit
    right after the first local header: they are read there, without decompressing.
    """
    if "mimetype" not in summary.names:
        return None
    file.seek(0)
    header = file.read(30)
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        return None
    (method,) = struct.unpack_from("<H", header, 8)
    (length,) = struct.unpack_from("<L", header, 18)
    name_length, extra_length = struct.unpack_from("<2H", header, 26)
    if method != 0 or length > 100 or file.read(name_length) != b"mimetype":
        return None
    file.seek(30 + name_length + extra_length)
    return ODF_MIMETYPES.get(file.read(length).strip())
