"""Dates in lists, formatted once per row instead of once per filter.

``{{ value|date:"l" }}`` converts ``value`` to local time and looks the format up again for
every filter; a meeting row used five of them (about 0.4 ms a row). These tags convert once
and format the local date, with the same localized formats as the ``date`` filter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html

if TYPE_CHECKING:
    import datetime

    from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def time_span(start: datetime.datetime, end: datetime.datetime) -> SafeString:
    """``<time datetime="…">sábado, 5 de diciembre de 2026, 10:00–12:00</time>`` in the
    current time zone (the weekday, ``DATE_FORMAT``, and both times as ``H:i``)."""
    zone = timezone.get_current_timezone()
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    day = local_start.date()
    return format_html(
        '<time datetime="{}">{}, {}, {}–{}</time>',
        local_start.isoformat(),
        dateformat.format(day, "l"),
        formats.date_format(day, "DATE_FORMAT"),
        f"{local_start:%H:%M}",
        f"{local_end:%H:%M}",
    )


@register.filter
def local_date(value: datetime.date | datetime.datetime | None) -> str:
    """``DATE_FORMAT`` of a date, or of a datetime's local date (as ``|date:"DATE_FORMAT"``)."""
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        value = value.astimezone(timezone.get_current_timezone()).date()
    return formats.date_format(value, "DATE_FORMAT")
