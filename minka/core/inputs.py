"""Typed inputs of write services: one ``TypedDict`` per service, produced by its form (and
later by its API schema).

A write service takes ``data: <Entity>Data``; a view hands over its form's cleaned data
through :func:`typed_input`, which keeps only the keys the service declares, so a form field
(or a posted extra field such as ``is_staff``) that the service does not name never
reaches it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

TD = TypeVar("TD", bound=Mapping[str, Any])


def typed_input(kind: type[TD], data: Mapping[str, Any]) -> TD:
    """The items of ``data`` whose keys the ``TypedDict`` ``kind`` declares, as a ``kind``."""
    keys = getattr(kind, "__required_keys__", frozenset()) | getattr(
        kind, "__optional_keys__", frozenset()
    )
    return cast("TD", {key: value for key, value in data.items() if key in keys})
