"""Plain text (TXT, CSV, Markdown): decoded as the upload check accepted it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.files.extraction import sniff
from minka.files.extraction.readers.base import MAX_CHARS, Failure, Text

if TYPE_CHECKING:
    from pathlib import Path

    from minka.files.extraction.readers.base import Context, Outcome


def extract_text(path: Path, ctx: Context) -> Outcome:
    with path.open("rb") as handle:
        try:
            sniff.text_encoding(handle)
        except ValueError as error:
            raise Failure("corrupt", f"not text: {error}") from None
        handle.seek(0)
        data = handle.read(MAX_CHARS * 4)
    text = Text()
    text.add(sniff.decode_text(data))
    return text.outcome(None)
