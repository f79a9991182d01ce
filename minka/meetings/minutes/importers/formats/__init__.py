"""The format layer of the minutes importer: from a file to the plain text of the minutes.

Each format is a module with one :class:`MinutesFormat` (its name, extensions, MIME types and
``extract_text``); :data:`FORMATS` is the registry and :func:`read_minutes` the entry point.
The file's extension picks the format and :func:`minka.files.filetypes.detect` checks the
bytes against it (magic bytes, ZIP limits, text encoding, size) before anything parses it.
Plain text is decoded here, size-capped; PDF, DOCX and ODT are read out of process by the
documents sandbox (:func:`minka.files.extraction.extract`), with its time and memory
limits. Every failure is an :class:`UnreadableMinutes` with a translated message.

The text keeps the document's line structure: one line per paragraph (DOCX, ODT), the lines
of each page as the PDF lays them out (pages joined by a line break), the lines of a text
file. Lines lose trailing white space and are NFC-normalized, so that the structure parser
sees the same words whatever program produced the file.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Protocol

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from minka.files import filetypes
from minka.files.extraction import REASONS, extract
from minka.files.extraction.readers.base import MAX_CHARS, MAX_PAGES
from minka.meetings.minutes.importers.errors import UnreadableMinutes
from minka.meetings.minutes.importers.formats.docx import DocxFormat
from minka.meetings.minutes.importers.formats.odt import OdtFormat
from minka.meetings.minutes.importers.formats.pdf import PdfFormat
from minka.meetings.minutes.importers.formats.text import MarkdownFormat, PlainTextFormat

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "MAX_CHARS",
    "SUPPORTED_EXTENSIONS",
    "MinutesFormat",
    "UnreadableMinutes",
    "format_for",
    "read_minutes",
    "read_sandboxed",
]

MAX_BYTES = 10 * 1024 * 1024  # the largest minutes file accepted, in any format
# Minutes are read while someone waits for the "Importar acta" page: a file that needs more
# than this is refused, even when documents may take longer (``EXTRACTION_TIMEOUT``).
TIMEOUT_SECONDS = 30.0


class MinutesFormat(Protocol):
    """A file format the minutes importer reads (L7: one module per format)."""

    name: str  # shown to people, e.g. "PDF"
    extensions: tuple[str, ...]  # lowercased, with the dot: (".pdf",)
    mime_types: tuple[str, ...]

    def extract_text(self, path: Path) -> str:
        """Return the text of the file at ``path``, one line per paragraph or PDF line.

        Raises :class:`UnreadableMinutes`. The caller has checked the file's type and size
        (:func:`read_minutes` does); an implementation still never trusts the contents.
        """
        ...


FORMATS: tuple[MinutesFormat, ...] = (
    PlainTextFormat(),
    MarkdownFormat(),
    PdfFormat(),
    DocxFormat(),
    OdtFormat(),
)
_BY_EXTENSION: dict[str, MinutesFormat] = {
    extension: minutes_format
    for minutes_format in FORMATS
    for extension in minutes_format.extensions
}
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(_BY_EXTENSION)

_TRAILING_SPACE = " \t\u00a0\u3000"  # white space taken off the end of each line
# Line breaks other than "\n" that decoders and extractors let through.
_BREAKS = re.compile(r"\r\n|[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def format_for(filename: str) -> MinutesFormat | None:
    """Return the format that reads files named ``filename`` (by extension), or None."""
    return _BY_EXTENSION.get(filetypes.extension(filename))


def read_minutes(path: Path, *, filename: str | None = None) -> str:
    """Return the plain text of the minutes file at ``path``.

    ``filename`` is the name the file came with (an upload's name; by default ``path``'s
    own): its extension says which format the file claims to be, and the bytes must prove it.
    Raises :class:`UnreadableMinutes`, with a translated message that never quotes the file,
    when the type is not supported, the contents do not match the extension, the file is
    empty, larger than :data:`MAX_BYTES`, encrypted, damaged, a zip bomb, a scanned PDF
    without text, or when reading it exceeds the sandbox's time or memory limit.
    """
    name = filename if filename is not None else Path(path).name
    shown = filetypes.display_name(name)
    minutes_format = format_for(name)
    if minutes_format is None:
        raise UnreadableMinutes(
            _(
                "%(name)s cannot be imported as minutes: only %(list)s files are accepted. "
                "Save the minutes in one of these formats and try again."
            )
            % {"name": shown, "list": ", ".join(SUPPORTED_EXTENSIONS)}
        )
    try:
        with Path(path).open("rb") as handle:
            filetypes.detect(handle, name, max_bytes=MAX_BYTES)
    except filetypes.UnacceptableFile as error:
        raise UnreadableMinutes(error.message) from None
    except OSError:
        raise UnreadableMinutes(_("%(name)s could not be opened.") % {"name": shown}) from None
    text = tidy(minutes_format.extract_text(Path(path)))
    if not text.strip():
        raise UnreadableMinutes(str(REASONS["no_text"]))
    return text


def read_sandboxed(path: Path, file_type: filetypes.FileType) -> list[str]:
    """Return the text of each page of the file at ``path`` (a PDF, DOCX or ODT file),
    extracted by the documents sandbox. Raises :class:`UnreadableMinutes` with the
    sandbox's reason when it fails, finds no text, or had to cut the text short."""
    from django.conf import settings

    timeout = min(float(settings.EXTRACTION_TIMEOUT), TIMEOUT_SECONDS)
    result = extract(Path(path), file_type.value, timeout=timeout, previews=False)
    if not result.ok or result.reason:
        raise UnreadableMinutes(str(REASONS.get(result.reason) or REASONS["corrupt"]))
    if len(result.pages) >= MAX_PAGES or sum(map(len, result.pages)) >= MAX_CHARS:
        raise too_long()
    if not any(page.strip() for page in result.pages):
        raise UnreadableMinutes(str(REASONS["no_text"]))
    return result.pages


def too_long() -> UnreadableMinutes:
    """The error for minutes longer than the extractor keeps (it would cut them short)."""
    return UnreadableMinutes(
        _(
            "The minutes are too long to import: they have more than %(pages)s pages or "
            "%(characters)s characters."
        )
        % {
            "pages": number_format(MAX_PAGES, force_grouping=True),
            "characters": number_format(MAX_CHARS, force_grouping=True),
        }
    )


def tidy(text: str) -> str:
    """Normalize what every format returns: "\\n" line breaks, NFC characters, no trailing
    white space on a line, no blank lines at the start or the end."""
    text = unicodedata.normalize("NFC", _BREAKS.sub("\n", text))
    text = text.replace("\ufeff", "").replace("\u00ad", "")
    # Line by line: the pattern "[ \t]+$" would be quadratic on a long run of spaces.
    text = "\n".join(line.rstrip(_TRAILING_SPACE) for line in text.split("\n"))
    return text.strip("\n")


def size_limit_message(shown: str) -> str:
    """The message for a file over :data:`MAX_BYTES` (the same wording as uploads)."""
    return _("%(name)s is larger than the limit of %(limit)s.") % {
        "name": shown,
        "limit": filesizeformat(MAX_BYTES),
    }
