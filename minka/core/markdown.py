"""Markdown for user-written text (minutes, descriptions): rendered, then sanitized.

markdown-it-py renders CommonMark with raw HTML switched off; nh3 then keeps only an
allowlist of tags and attributes, so whatever gets through the renderer cannot carry
script, styles or event handlers. Images are dropped (text is never a way to make the
browser, or the PDF renderer, fetch something); links keep http(s) and mailto only and
get ``rel="nofollow noopener noreferrer"``.
"""

from __future__ import annotations

from functools import cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


@cache
def _parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": False, "linkify": False})
        .enable("table")
        .enable("strikethrough")
    )


def render(text: str) -> SafeString:
    """Render ``text`` (Markdown) to sanitized HTML, safe to insert into a page."""
    html = _parser().render(text)
    # Headings of user text start at level 3: the page owns h1 and h2.
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>"
        )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitized by nh3 just above
