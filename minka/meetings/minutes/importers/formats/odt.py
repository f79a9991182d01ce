"""OpenDocument minutes (.odt), read by the documents sandbox (odfpy).

One line per paragraph or heading, in document order (list items and table cells
included). As with Word, automatic list numbering is not part of the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.files.filetypes import CONTENT_TYPES, FileType

if TYPE_CHECKING:
    from pathlib import Path


class OdtFormat:
    name = "OpenDocument"
    extensions: tuple[str, ...] = (".odt",)
    mime_types: tuple[str, ...] = (CONTENT_TYPES[FileType.ODT],)

    def extract_text(self, path: Path) -> str:
        from minka.meetings.minutes.importers.formats import read_sandboxed

        return "\n".join(read_sandboxed(path, FileType.ODT))
