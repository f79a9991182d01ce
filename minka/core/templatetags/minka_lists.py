"""Helpers for list rows, where a template cost is paid once per row.

``{{ obj.get_kind_display }}`` builds a dictionary of every choice at each call, hashing each
lazy label, which translates it: a document row paid some twenty translations for its kind
and file type. ``{{ obj|choice_label:"kind" }}`` looks the label up in a dictionary built
once per field and translates only the label shown.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django import template

if TYPE_CHECKING:
    from django.db.models import Field, Model

register = template.Library()


@functools.cache
def _labels(field: Field[Any, Any]) -> dict[Any, Any]:
    return dict(field.flatchoices)  # values are hashed, not the (lazy) labels


@register.filter
def choice_label(obj: Model, name: str) -> Any:
    """The label of the choice in ``obj``'s field ``name`` (as ``get_<name>_display``)."""
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    return _labels(field).get(value, value)
