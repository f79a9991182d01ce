"""Snippets: a few dozen words of a text around its first match, escaped, with every word
that matches the query (in any form) marked, and the page that match is on."""

from __future__ import annotations

import html
from collections import deque
from functools import lru_cache
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import mark_safe

from minka.core.text import fold
from minka.search._stem import TOKEN_RE, stem

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

    from minka.search._stem import ParsedQuery


SNIPPET_WORDS = 30


def highlight(text: str, parsed: ParsedQuery, words: int = SNIPPET_WORDS) -> SafeString:
    """Return about ``words`` words of ``text`` around the first match, escaped, with every
    word that matches the query (in any form) wrapped in ``<mark>``.

    Scans only up to the first match and the window after it, so long texts stay cheap.
    Form feeds (page breaks) show as spaces.
    """
    return snippet_and_page(text, parsed, words)[0]


def snippet_and_page(
    text: str, parsed: ParsedQuery, words: int = SNIPPET_WORDS
) -> tuple[SafeString, int | None]:
    """Return :func:`highlight`'s snippet and the 1-based page of its first match: one plus
    the form feeds before it, or None when ``text`` has no form feed or nothing matched.
    """
    wanted, wanted_stems = parsed.highlight_words()

    def matches(word: str) -> bool:
        token, token_stem = _fold_and_stem(word)
        return token in wanted or token_stem in wanted_stems

    before: deque[tuple[int, int]] = deque(maxlen=words // 4)
    window: list[tuple[int, int]] = []
    skipped = 0
    page = None
    spans = TOKEN_RE.finditer(text)
    for match in spans:
        if matches(match.group()):
            window = [*before, match.span()]
            if "\f" in text:
                page = text.count("\f", 0, match.start()) + 1
            break
        before.append(match.span())
        skipped += 1
    lo_cut = bool(window) and skipped > len(before)
    if not window:  # No visible match (e.g. only in the title): the start of the text.
        spans = TOKEN_RE.finditer(text)
        lo_cut = False
    more = False
    for match in spans:
        if len(window) >= words:
            more = True
            break
        window.append(match.span())
    # A form feed is one character, like the space that replaces it: the spans still apply.
    text = text.replace("\f", " ")
    if not window:
        return escape(text[:200]), page
    # Every piece of document text is escaped; the <mark> tags are the only markup. (The text
    # between two marked words is escaped at once, with html.escape, which
    # django.utils.html.escape wraps: a results page renders hundreds of pieces.)
    pieces = ["… " if lo_cut else ""]
    position = window[0][0]
    for start, end in window:
        word = text[start:end]
        if matches(word):
            pieces += [html.escape(text[position:start]), f"<mark>{html.escape(word)}</mark>"]
            position = end
    if more:
        pieces += [html.escape(text[position : window[-1][1]]), " …"]
    else:
        pieces.append(html.escape(text[position:].rstrip()))
    return mark_safe("".join(pieces)), page  # noqa: S308 -- escaped above.


@lru_cache(maxsize=65536)
def _fold_and_stem(word: str) -> tuple[str, str]:
    token = fold(word)
    return token, stem(token)
