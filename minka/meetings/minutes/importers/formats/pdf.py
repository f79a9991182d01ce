"""PDF minutes: the text layer, read by the documents sandbox (PDFium).

The lines come as PDFium lays them out, page after page. A word broken across two lines by
hyphenation ("partici-" / "pación") is joined again, so that a wrapped line does not leave
half-words for the structure parser. A PDF without a text layer (a scan) is refused: the
importer does no OCR.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from minka.files.filetypes import CONTENT_TYPES, FileType

if TYPE_CHECKING:
    from pathlib import Path

# A lowercase letter, a hyphen at the end of the line, and a lowercase letter starting the
# next one. The hyphen is U+2010 or a soft hyphen (only ever a line-end hyphenation) or
# "-" (which could also be a real compound's hyphen, "socio-económico": rare in Spanish
# minutes, while justified text is hyphenated often).
_BROKEN_WORD = re.compile(r"([^\W\d_])[-\u2010\u00ad][ \t]*\n([^\W\d_])")


class PdfFormat:
    name = "PDF"
    extensions: tuple[str, ...] = (".pdf",)
    mime_types: tuple[str, ...] = (CONTENT_TYPES[FileType.PDF],)

    def extract_text(self, path: Path) -> str:
        from minka.meetings.minutes.importers.formats import read_sandboxed

        pages = read_sandboxed(path, FileType.PDF)
        # Pages are joined first: a word can be broken across a page break too.
        return join_broken_words("\n".join(page.rstrip("\n") for page in pages))


def join_broken_words(text: str) -> str:
    """Join the words that hyphenation split across two lines."""
    return _BROKEN_WORD.sub(_join, text)


def _join(match: re.Match[str]) -> str:
    before, after = match.groups()
    return before + after if before.islower() and after.islower() else match[0]
