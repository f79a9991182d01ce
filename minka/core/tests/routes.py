"""Walk the URLconf: every named route, with the objects needed to reverse it.

Shared by the access matrix and the canary crawl, so both always cover every route.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import URLPattern, URLResolver, get_resolver

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str


def all_routes() -> Iterator[Route]:
    """Yield every named URL pattern of the project, with its full namespace."""

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Route]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                if entry.name is None:
                    continue
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield Route(name=name, pattern=prefix + str(entry.pattern))

    yield from walk(get_resolver(), "", "")
