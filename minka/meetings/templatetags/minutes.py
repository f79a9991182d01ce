"""Template filters of the minutes: ``{{ text|markdown }}`` renders sanitized Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from minka.core import markdown as markdown_module

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def markdown(text: str | None) -> SafeString:
    """User-written Markdown as HTML, sanitized by :func:`minka.core.markdown.render`."""
    return markdown_module.render(text or "")
