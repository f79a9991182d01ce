"""The search page (``/buscar/``): one box over everything the viewer may see.

Hits come from :func:`minka.search.search`, which already filters by visibility; each hit is
then loaded from its own model (through ``visible_to`` when the model has it, a second
check), so a stale index entry can never show something the viewer may not see.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from minka import search
from minka.core import ratelimit
from minka.search.forms import SearchForm

if TYPE_CHECKING:
    from django.http import HttpResponse

    from minka.core.http import HtmxHttpRequest
    from minka.core.types import Actor


@dataclass
class ResultItem:
    hit: search.SearchHit
    obj: Any
    template: str


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def _items(user: Actor, hits: list[search.SearchHit]) -> list[ResultItem]:
    by_type: dict[str, list[str]] = {}
    for hit in hits:
        by_type.setdefault(hit.content_type, []).append(hit.object_id)
    objects: dict[tuple[str, str], Any] = {}
    for label, ids in by_type.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        queryset = model._default_manager.all()
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(user)
        for obj in queryset.filter(pk__in=ids):
            objects[(label, str(obj.pk))] = obj
    items = []
    for hit in hits:
        obj = objects.get((hit.content_type, hit.object_id))
        if obj is not None:
            template = f"search/results/{hit.content_type.replace('.', '_')}.html"
            items.append(ResultItem(hit=hit, obj=obj, template=template))
    return items


def _facets(results: search.SearchResults, filters: dict[str, str]) -> list[dict[str, Any]]:
    facets = []
    for facet in search.facets():
        name = facet.name
        counts = results.facets.get(name, {})
        if not counts:
            continue
        labels = facet.labels(list(counts))
        values = [
            FacetValue(
                value=value,
                label=labels.get(value, value),
                count=count,
                selected=filters.get(name) == value,
            )
            for value, count in counts.items()
        ]
        if facet.newest_first:
            values.sort(key=lambda v: v.value, reverse=True)
        facets.append({"name": name, "title": facet.title(), "values": values[:15]})
    return facets


@require_GET
def search_page(request: HtmxHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.query()
    filters = form.filters(request.GET)
    context: dict[str, Any] = {"form": form, "query": query, "filters": filters}
    if query:
        refused = ratelimit.refuse_over_limit(
            request, "search", limit=settings.SEARCH_RATE_LIMIT, window=60
        )
        if refused is not None:
            return refused
        size = settings.SEARCH_PAGE_SIZE
        number = form.page_number()
        results = search.search(
            query, user=request.user, filters=filters, limit=size, offset=(number - 1) * size
        )
        pages = max(1, math.ceil(min(results.total, search.MAX_CANDIDATES) / size))
        context.update(
            results=results,
            items=_items(request.user, results.hits),
            facets=_facets(results, filters),
            page_number=number,
            pages=pages,
            has_previous=number > 1,
            has_next=number < pages,
        )
    response = render(request, "search/search.html", context)
    patch_cache_control(response, private=True)
    return response
