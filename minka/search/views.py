"""The search page (``/buscar/``): one box over everything the viewer may see.

Hits come from :func:`minka.search.search`, which already filters by visibility; each hit is
then loaded from its own model through the objects the viewer may see (the registration's
``visible_to``, or the model's), a second check, so a stale index entry can never show
something the viewer may not see. Each hit is shown by ``search/results/<app>_<model>.html``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minka import search
from minka.core import pagecache, ratelimit
from minka.search._registry import adapter_for_label
from minka.search.forms import SearchForm

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpResponse, QueryDict
    from django.utils.safestring import SafeString

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
    url: str  # the query string that adds this filter (or, when selected, removes it)

    def link(self) -> SafeString:
        """A link that adds the filter, or (when chosen) removes it; built here rather than
        by an included template, which cost more than the rest of a value's work."""
        if self.selected:
            return format_html(
                '<a href="{}" aria-current="true">{} ({}) '
                '<span class="visually-hidden">{}</span>✕</a>',
                self.url,
                self.label,
                self.count,
                # es: "quitar este filtro"
                _("remove this filter"),
            )
        return format_html(
            '<a href="{}">{}</a> <span class="muted">({})</span>', self.url, self.label, self.count
        )


def _visible(user: Actor, adapter: search.Searchable) -> QuerySet[Any]:
    if adapter.visible_to is not None:
        return adapter.visible_to(user)
    queryset = adapter.model._default_manager.all()
    if hasattr(queryset, "visible_to"):
        queryset = queryset.visible_to(user)
    return queryset


def _items(user: Actor, hits: list[search.SearchHit]) -> list[ResultItem]:
    by_type: dict[str, list[str]] = {}
    for hit in hits:
        by_type.setdefault(hit.content_type, []).append(hit.object_id)
    objects: dict[tuple[str, str], Any] = {}
    for label, ids in by_type.items():
        adapter = adapter_for_label(label)
        if adapter is None:  # A type no longer registered: its entries are stale.
            continue
        for obj in _visible(user, adapter).filter(pk__in=ids):
            objects[(label, str(obj.pk))] = obj
    items = []
    for hit in hits:
        obj = objects.get((hit.content_type, hit.object_id))
        if obj is not None:
            template = f"search/results/{hit.content_type.replace('.', '_')}.html"
            items.append(ResultItem(hit=hit, obj=obj, template=template))
    return items


def _pairs_without(params: QueryDict, name: str) -> list[tuple[str, str]]:
    """The query's parameters but the page and the facet ``name``, in their order."""
    return [
        (key, item) for key, items in params.lists() if key not in ("page", name) for item in items
    ]


def _facet_url_from(pairs: list[tuple[str, str]], name: str, value: str | None) -> str:
    """The query string with the facet ``name`` set to ``value`` (or removed, for ``None``),
    back on the first page."""
    return "?" + urlencode(pairs if value is None else [*pairs, (name, value)])


# Values shown per facet, the most frequent (or, for years, the newest) first.
FACET_VALUES_SHOWN = 15


def _facets(
    results: search.SearchResults, filters: dict[str, str], params: QueryDict
) -> list[dict[str, Any]]:
    facets = []
    for facet in search.facets():
        name = facet.name
        counts = results.facets.get(name, {})
        if not counts:
            continue
        shown = list(counts.items())
        if facet.newest_first:
            shown.sort(key=lambda entry: entry[0], reverse=True)
        # Labels and links only for the values shown (a search can count hundreds).
        shown = shown[:FACET_VALUES_SHOWN]
        labels = facet.labels([value for value, _count in shown])
        pairs = _pairs_without(params, name)
        values = [
            FacetValue(
                value=value,
                label=labels.get(value, value),
                count=count,
                selected=filters.get(name) == value,
                url=_facet_url_from(pairs, name, None if filters.get(name) == value else value),
            )
            for value, count in shown
        ]
        facets.append({"name": name, "title": facet.title(), "values": values})
    return facets


def _results_html(
    request: HtmxHttpRequest, form: SearchForm, query: str, filters: dict[str, str]
) -> SafeString:
    """The results block: hits, their count, pages and facets."""
    size = settings.SEARCH_PAGE_SIZE
    number = form.page_number()
    results = search.search(
        query, user=request.user, filters=filters, limit=size, offset=(number - 1) * size
    )
    pages = max(1, math.ceil(min(results.total, search.MAX_CANDIDATES) / size))
    context = {
        "query": query,
        "filters": filters,
        "results": results,
        "items": _items(request.user, results.hits),
        "facets": _facets(results, filters, request.GET),
        "page_number": number,
        "pages": pages,
        "has_previous": number > 1,
        "has_next": number < pages,
    }
    # Rendered with auto-escaping: a SafeString, kept as one by the cache (pickled).
    return render_to_string("search/partials/results.html", context, request)


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

        # Each request counts against the rate limit, so the page cannot be stored whole; a
        # visitor's results, which depend only on the query string and the language, are kept
        # as a visitor's page would be. A signed-in user's depend on who they are (their own
        # directory entry), and are computed every time.
        context["results_html"] = pagecache.cached_for_visitors(
            request, "search", lambda: _results_html(request, form, query, filters)
        )
    response = render(request, "search/search.html", context)
    patch_cache_control(response, private=True)
    return response
