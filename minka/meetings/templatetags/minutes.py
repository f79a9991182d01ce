"""Template filters of the minutes: ``{{ text|markdown }}`` renders sanitized Markdown;
``{{ hit.page|minutes_section }}`` names the section a search hit matched;
``{{ links|entry:key }}`` looks a key up in a mapping (None when absent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from minka.core import markdown as markdown_module
from minka.meetings import search_index

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def markdown(text: str | None) -> SafeString:
    """User-written Markdown as HTML, sanitized by :func:`minka.core.markdown.render`."""
    return markdown_module.render(text or "")


@register.filter
def minutes_section(page: int | None) -> str:
    """The name of the section of the minutes that a search hit's page points at."""
    return search_index.section_label(page)


@register.filter
def entry(mapping: dict[str, Any] | None, key: str) -> Any:
    """``mapping[key]``, or None when the mapping or the key is missing."""
    return mapping.get(key) if mapping else None
