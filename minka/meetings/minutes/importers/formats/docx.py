"""Word minutes (.docx), read by the documents sandbox (python-docx).

One line per paragraph; a table row is one line, its cells separated by tabs. Word's
automatic list numbering is not part of a paragraph's text (python-docx does not render
it): a numbered or bulleted paragraph comes without its marker unless the writer typed one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.files.filetypes import CONTENT_TYPES, FileType

if TYPE_CHECKING:
    from pathlib import Path


class DocxFormat:
    name = "Word"
    extensions: tuple[str, ...] = (".docx",)
    mime_types: tuple[str, ...] = (CONTENT_TYPES[FileType.DOCX],)

    def extract_text(self, path: Path) -> str:
        from minka.meetings.minutes.importers.formats import read_sandboxed

        return "\n".join(read_sandboxed(path, FileType.DOCX))
