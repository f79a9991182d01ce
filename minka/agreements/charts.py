"""Small charts drawn on the server as SVG (no chart library in the browser).

Each chart is a complete ``<svg>`` element with ``role="img"``, a ``<title>`` (its accessible
name) and one ``<title>`` per bar; the page puts a data table with the same numbers beside
it for screen readers and for reading exact values. Every piece of text goes through
:func:`django.utils.html.format_html`, so a label can never inject markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.html import format_html, format_html_join

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.utils.safestring import SafeString

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 150
BAR_WIDTH = 300
WIDTH = LABEL_WIDTH + BAR_WIDTH + 50


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(title: str, rows: Sequence[tuple[str, int]], *, unit: str = "") -> SafeString:
    """Horizontal bars, one per ``(label, value)``, scaled to the largest value."""
    top = max((value for _label, value in rows), default=0) or 1
    height = max(len(rows), 1) * (BAR_HEIGHT + GAP) + GAP
    bars = format_html_join(
        "",
        "<g><title>{}: {}{}</title>"
        '<text x="0" y="{}" font-size="13" dominant-baseline="middle">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="2"></rect>'
        '<text x="{}" y="{}" font-size="13" dominant-baseline="middle">{}</text></g>',
        (
            (
                label,
                value,
                unit,
                GAP + index * (BAR_HEIGHT + GAP) + BAR_HEIGHT // 2,
                _short(label),
                LABEL_WIDTH,
                GAP + index * (BAR_HEIGHT + GAP),
                max(round(value / top * BAR_WIDTH), 1 if value else 0),
                BAR_HEIGHT,
                LABEL_WIDTH + max(round(value / top * BAR_WIDTH), 1 if value else 0) + 6,
                GAP + index * (BAR_HEIGHT + GAP) + BAR_HEIGHT // 2,
                f"{value}{unit}",
            )
            for index, (label, value) in enumerate(rows)
        ),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet">'
        "<title>{}</title>{}</svg>",
        WIDTH,
        height,
        title,
        bars,
    )


def progress_bar(title: str, percent: int | None) -> SafeString:
    """One bar from 0 to 100 %; an empty outline when there is nothing to count yet."""
    value = percent or 0
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="progress-bar" role="img" '
        'viewBox="0 0 200 14" width="200" height="14"><title>{}: {}</title>'
        '<rect class="track" x="0" y="0" width="200" height="14" rx="3"></rect>'
        '<rect class="done" x="0" y="0" width="{}" height="14" rx="3"></rect></svg>',
        title,
        f"{percent} %" if percent is not None else "—",
        value * 2,
    )
