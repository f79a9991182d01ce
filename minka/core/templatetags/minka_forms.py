"""Template helpers for forms shared by every app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

if TYPE_CHECKING:
    from django import forms

register = template.Library()


@register.filter
def active_filter_count(form: forms.Form) -> int:
    """How many fields of a bound filter form carry a value, shown beside "Filtrar" so a
    folded panel still says that the list is filtered."""
    if not form.is_bound:
        return 0
    return sum(1 for field in form if any(str(v).strip() for v in _values(form, field.name)))


def _values(form: forms.Form, name: str) -> list[object]:
    data = form.data
    getlist = getattr(data, "getlist", None)
    if getlist is not None:
        return list(getlist(form.add_prefix(name)))
    value = data.get(form.add_prefix(name))
    return [] if value is None else [value]
