"""The types of file the repository accepts, and their detection from the bytes.

:func:`detect` runs inside the upload request: it reads headers, the ZIP central directory
and (for text and images) the bytes in chunks, never decompresses an archive and never opens
a document parser. Parsing happens later, in the sandboxed worker of
:mod:`minka.files.extraction`.
"""

from __future__ import annotations

import os
import re
import unicodedata
import warnings
from typing import IO

from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minka.files.extraction import sniff


class FileType(models.TextChoices):
    PDF = "pdf", _("PDF document")
    PPTX = "pptx", _("PowerPoint presentation")
    PPT = "ppt", _("PowerPoint 97–2003 presentation")
    DOCX = "docx", _("Word document")
    DOC = "doc", _("Word 97–2003 document")
    ODP = "odp", _("OpenDocument presentation")
    ODT = "odt", _("OpenDocument text")
    ODS = "ods", _("OpenDocument spreadsheet")
    XLSX = "xlsx", _("Excel spreadsheet")
    CSV = "csv", _("CSV table")
    TXT = "txt", _("Plain text")
    MD = "md", _("Markdown text")
    PNG = "png", _("PNG image")
    JPEG = "jpeg", _("JPEG image")


CONTENT_TYPES: dict[FileType, str] = {
    FileType.PDF: "application/pdf",
    FileType.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    FileType.PPT: "application/vnd.ms-powerpoint",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileType.DOC: "application/msword",
    FileType.ODP: "application/vnd.oasis.opendocument.presentation",
    FileType.ODT: "application/vnd.oasis.opendocument.text",
    FileType.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    FileType.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileType.CSV: "text/csv; charset=utf-8",
    FileType.TXT: "text/plain; charset=utf-8",
    FileType.MD: "text/markdown; charset=utf-8",
    FileType.PNG: "image/png",
    FileType.JPEG: "image/jpeg",
}

EXTENSIONS: dict[FileType, tuple[str, ...]] = {
    FileType.PDF: (".pdf",),
    FileType.PPTX: (".pptx",),
    FileType.PPT: (".ppt",),
    FileType.DOCX: (".docx",),
    FileType.DOC: (".doc",),
    FileType.ODP: (".odp",),
    FileType.ODT: (".odt",),
    FileType.ODS: (".ods",),
    FileType.XLSX: (".xlsx",),
    FileType.CSV: (".csv",),
    FileType.TXT: (".txt",),
    FileType.MD: (".md", ".markdown"),
    FileType.PNG: (".png",),
    FileType.JPEG: (".jpg", ".jpeg"),
}

# The only types a download may show inline; everything else is an attachment.
INLINE_TYPES = frozenset({FileType.PDF, FileType.PNG, FileType.JPEG})

_BY_EXTENSION = {ext: kind for kind, exts in EXTENSIONS.items() for ext in exts}
_OOXML = {"docx": FileType.DOCX, "pptx": FileType.PPTX, "xlsx": FileType.XLSX}
_ODF = {"odt": FileType.ODT, "odp": FileType.ODP, "ods": FileType.ODS}
_TEXT = frozenset({FileType.CSV, FileType.TXT, FileType.MD})
_OLE_STREAMS = {FileType.DOC: "WordDocument", FileType.PPT: "PowerPoint Document"}
_PDF_HEAD = 1024  # "%PDF-" must start within the first KB ...
_PDF_TAIL = 1024 + 16  # ... and "%%EOF" end within the last KB (plus its own line).
_MAX_NAME = 120
# Control, format (bidi overrides, zero-width), separator and surrogate characters.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


class UnacceptableFile(Exception):  # noqa: N818 -- a refusal, named as callers use it.
    """An upload refused by :func:`detect`.

    ``code`` is one of "extension", "empty", "too_large", "mismatch", "archive", "encoding",
    "markup", "corrupt"; ``message`` is translated, names the file (cleaned by
    :func:`display_name`) and says why.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def display_name(name: str) -> str:
    """Return ``name`` safe to show: its last path component only, without control, bidi or
    other invisible characters, at most 120 characters (the extension kept when shortened).
    """
    base = re.split(r"[/\\]", name)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch) not in _HIDDEN_CATEGORIES)
    base = " ".join(base.split())
    if len(base) > _MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        if dot and stem and len(ext) <= 10:
            base = stem[: _MAX_NAME - len(ext) - 2] + "…." + ext
        else:
            base = base[: _MAX_NAME - 1] + "…"
    return base or gettext("unnamed file")


def extension(name: str) -> str:
    """Return the lowercased final extension of ``name`` (".pdf"), or "" when there is none."""
    base = re.split(r"[/\\]", name)[-1]
    _, dot, ext = base.rpartition(".")
    return "." + ext.lower() if dot else ""


def detect(file: IO[bytes], name: str, *, max_bytes: int) -> FileType:
    """Return the type of the uploaded ``file`` or raise :class:`UnacceptableFile`.

    The extension of ``name`` says which type the file claims to be (the name is used for
    nothing else), and the bytes must prove it: PDF header and end marker; the ZIP layout of
    OOXML and OpenDocument files (main part or ``mimetype`` entry) within the entry-count and
    expansion limits of :func:`~minka.files.extraction.sniff.inspect_zip`; the directory
    stream of legacy Word and PowerPoint files; PNG and JPEG magic bytes, a Pillow
    ``verify()`` and at most 100 megapixels; text that decodes and does not open like markup.

    Text files (CSV, TXT, MD) are accepted in UTF-8, with or without a BOM, and also in
    Windows-1252 ("ANSI", which spreadsheet programs on Spanish Windows still produce) when
    no byte is undefined in that code page; extraction decodes them the same way. Files with
    NUL or other control bytes (UTF-16 included) are refused. An image with HTML markup
    inside (an image/HTML polyglot) is refused even when Pillow verifies it.

    The file position is 0 before and after the call.
    """
    shown = display_name(name)
    ext = extension(name)
    file_type = _BY_EXTENSION.get(ext)
    if file_type is None:
        accepted = ", ".join(ext for exts in EXTENSIONS.values() for ext in exts)
        raise UnacceptableFile(
            "extension",
            gettext("%(name)s is not a type of file the repository accepts. Accepted: %(list)s.")
            % {"name": shown, "list": accepted},
        )
    try:
        file.seek(0, os.SEEK_END)
        size = file.tell()
        if size == 0:
            raise UnacceptableFile("empty", gettext("%(name)s is empty.") % {"name": shown})
        if size > max_bytes:
            raise UnacceptableFile(
                "too_large",
                gettext("%(name)s is larger than the limit of %(limit)s.")
                % {"name": shown, "limit": filesizeformat(max_bytes)},
            )
        file.seek(0)
        head = file.read(_PDF_HEAD)
        _check(file_type, file, head, size, shown)
    finally:
        file.seek(0)
    return file_type


def _mismatch(shown: str, file_type: FileType, actual: str | None = None) -> UnacceptableFile:
    if actual:
        message = gettext(
            "The contents of %(name)s do not match its extension: it looks like a %(actual)s "
            "file, not a %(expected)s file."
        ) % {"name": shown, "actual": actual, "expected": file_type.value.upper()}
    else:
        message = gettext(
            "The contents of %(name)s do not match its extension: it is not a %(expected)s file."
        ) % {"name": shown, "expected": file_type.value.upper()}
    return UnacceptableFile("mismatch", message)


def _corrupt(shown: str) -> UnacceptableFile:
    return UnacceptableFile(
        "corrupt",
        gettext("%(name)s is damaged or incomplete and cannot be read.") % {"name": shown},
    )


def _markup(shown: str) -> UnacceptableFile:
    return UnacceptableFile(
        "markup",
        gettext("%(name)s contains web page code (HTML, SVG or XML), which is not accepted.")
        % {"name": shown},
    )


def _sniff(head: bytes) -> str | None:
    """Name what the first bytes look like, for the mismatch message."""
    if head.startswith(sniff.PDF_MAGIC):
        return "PDF"
    if head.startswith(sniff.PNG_MAGIC):
        return "PNG"
    if head.startswith(sniff.JPEG_MAGIC):
        return "JPEG"
    if head.startswith(sniff.ZIP_MAGIC):
        return "ZIP"
    if head.startswith(sniff.OLE_MAGIC):
        return "Office 97–2003"
    if sniff.starts_like_markup(head):
        return "HTML"
    return None


def _check(file_type: FileType, file: IO[bytes], head: bytes, size: int, shown: str) -> None:
    if file_type == FileType.PDF:
        _check_pdf(file, head, size, shown)
    elif file_type in _OOXML.values() or file_type in _ODF.values():
        _check_zip(file_type, file, head, size, shown)
    elif file_type in _OLE_STREAMS:
        if not head.startswith(sniff.OLE_MAGIC):
            raise _mismatch(shown, file_type, _sniff(head))
        if not sniff.ole_has_stream(file, _OLE_STREAMS[file_type]):
            raise _mismatch(shown, file_type)
    elif file_type in (FileType.PNG, FileType.JPEG):
        _check_image(file_type, file, head, shown)
    else:
        _check_text(file_type, file, head, shown)


def _check_pdf(file: IO[bytes], head: bytes, size: int, shown: str) -> None:
    start = head.find(sniff.PDF_MAGIC)
    if start < 0:
        raise _mismatch(shown, FileType.PDF, _sniff(head))
    # Some producers put a few bytes before the header; markup there makes a polyglot.
    if sniff.IMAGE_MARKUP.search(head[:start]) or sniff.starts_like_markup(head[:start]):
        raise _markup(shown)
    file.seek(max(0, size - _PDF_TAIL))
    if b"%%EOF" not in file.read(_PDF_TAIL):
        raise _corrupt(shown)


def _check_zip(file_type: FileType, file: IO[bytes], head: bytes, size: int, shown: str) -> None:
    if not head.startswith(sniff.ZIP_MAGIC):
        if head.startswith(sniff.OLE_MAGIC) and sniff.ole_has_stream(file, "EncryptedPackage"):
            raise UnacceptableFile(
                "corrupt",
                gettext(
                    "%(name)s is protected with a password: remove the password and upload it "
                    "again."
                )
                % {"name": shown},
            )
        raise _mismatch(shown, file_type, _sniff(head))
    try:
        summary = sniff.inspect_zip(file, size)
    except sniff.ArchiveError as error:
        if error.code == "archive":
            raise UnacceptableFile(
                "archive",
                gettext(
                    "%(name)s contains too many files, or expands to too much data, to be "
                    "processed safely."
                )
                % {"name": shown},
            ) from None
        raise _corrupt(shown) from None
    if any(entry.encrypted for entry in summary.entries):
        raise _corrupt(shown)
    ooxml = sniff.ooxml_kind(summary.names)
    odf = sniff.odf_kind(file, summary)
    actual = _OOXML.get(ooxml or "") or _ODF.get(odf or "")
    if actual != file_type:
        raise _mismatch(shown, file_type, actual.value.upper() if actual else "ZIP")


def _check_image(file_type: FileType, file: IO[bytes], head: bytes, shown: str) -> None:
    from PIL import Image, UnidentifiedImageError

    magic = sniff.PNG_MAGIC if file_type == FileType.PNG else sniff.JPEG_MAGIC
    if not head.startswith(magic):
        raise _mismatch(shown, file_type, _sniff(head))
    if sniff.scan(file, sniff.IMAGE_MARKUP):
        raise _markup(shown)
    file.seek(0)
    too_large = UnacceptableFile(
        "too_large",
        gettext("%(name)s is an image of more than %(limit)s million pixels.")
        % {"name": shown, "limit": sniff.IMAGE_MAX_PIXELS // 1_000_000},
    )
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check (a warning, then an error) uses a global limit; the
            # explicit check below is the one that applies here.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file, formats=[file_type.name]) as image:
                width, height = image.size
                image.verify()
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _corrupt(shown) from None
    if width * height > sniff.IMAGE_MAX_PIXELS:
        raise too_large


def _check_text(file_type: FileType, file: IO[bytes], head: bytes, shown: str) -> None:
    if (kind := _sniff(head)) and kind != "HTML":
        raise _mismatch(shown, file_type, kind)
    if sniff.starts_like_markup(head):
        raise _markup(shown)
    try:
        sniff.text_encoding(file)
    except ValueError:
        raise UnacceptableFile(
            "encoding",
            gettext(
                "%(name)s is not plain text in UTF-8 or Windows encoding: save it as UTF-8 "
                "text and upload it again."
            )
            % {"name": shown},
        ) from None
