"""Plain-text and Markdown minutes (.txt, .md), decoded in process.

A text file is read whole (at most ``MAX_BYTES``) and decoded as the upload check accepts
it (:func:`minka.files.extraction.sniff.text_encoding`): UTF-8 with or without a BOM,
else Windows-1252, which also covers Latin-1 text (the two differ only in bytes that Latin-1
uses for invisible control codes). Markdown keeps its lines and list markers; heading marks,
emphasis marks, backslash escapes and horizontal rules are dropped, so that "## Acuerdos"
reads as the heading "Acuerdos".

Every clean-up step is linear in the length of the text (the file is cleaned in the web
process): no pattern can try a long stretch of a line again from each of its positions.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

from django.utils.translation import gettext as _

from minka.files.extraction import sniff
from minka.meetings.minutes.importers.errors import UnreadableMinutes


class PlainTextFormat:
    name = "Text"
    extensions: tuple[str, ...] = (".txt",)
    mime_types: tuple[str, ...] = ("text/plain",)

    def extract_text(self, path: Path) -> str:
        from minka.meetings.minutes.importers.formats import (
            MAX_BYTES,
            MAX_CHARS,
            size_limit_message,
            too_long,
        )

        try:
            with Path(path).open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError:
            raise UnreadableMinutes(_("The file could not be opened.")) from None
        if len(data) > MAX_BYTES:
            raise UnreadableMinutes(size_limit_message(Path(path).name))
        try:
            sniff.text_encoding(io.BytesIO(data))
        except ValueError:
            raise UnreadableMinutes(
                _(
                    "The file is not plain text in UTF-8 or Windows encoding: save it as "
                    "UTF-8 text and try again."
                )
            ) from None
        text = sniff.decode_text(data)
        if len(text) >= MAX_CHARS:
            raise too_long()
        return self.clean(text)

    def clean(self, text: str) -> str:
        # Minutes typed with Markdown's marks (pasted from a chat, a wiki or a repository)
        # read the same whether the file is called .txt or .md.
        return without_marks(text)


# A heading line and its text; the closing "#"s are taken off by ``_heading_text`` (a
# pattern doing it too, "(.*?)(?:[ \t]+#+)?[ \t]*$", is quadratic on a line of spaces).
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(?P<text>.*)|)$", re.MULTILINE)
# The text between two "**" (or "__") never contains another: an opening mark without a
# closing one is given up at the next mark, not at the end of the line.
_STRONG = re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,400}>")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")


class MarkdownFormat(PlainTextFormat):
    name = "Markdown"
    extensions: tuple[str, ...] = (".md", ".markdown")
    mime_types: tuple[str, ...] = ("text/markdown",)


def without_marks(text: str) -> str:
    """``text`` without Markdown's marks: heading marks, bold and emphasis marks, escapes,
    and HTML tags (their text kept, character references read). Rules and underlines
    ("-----", "=====") stay: the parser reads an underlined line as a heading."""
    # HTML that Markdown allows ("<h3 align=center>04-03-2024</h3>", "<br>") keeps only
    # its text, and character references are read ("&nbsp;", "&aacute;").
    text = html.unescape(_TAG.sub("", text))
    text = strip_headings(text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\1", text)
    return _ESCAPE.sub(r"\1", text)


def strip_headings(text: str) -> str:
    """Heading lines ("## Acuerdos ##") without their marks: "Acuerdos"."""
    return _HEADING.sub(_heading_text, text)


def _heading_text(match: re.Match[str]) -> str:
    """The text of a heading without trailing blanks, nor a closing run of "#" that a
    blank separates from it (a "#" right after the opening marks is text: "# #")."""
    text = (match["text"] or "").rstrip(" \t")
    before = text.rstrip("#")
    if before != text and before.endswith((" ", "\t")):
        return before.rstrip(" \t")
    return text
