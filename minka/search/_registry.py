"""Registration: which models the index holds and how to read them (:class:`Searchable`),
and which facets the search page offers (:class:`Facet`); apps register both from
``AppConfig.ready()``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model


FacetValues = Mapping[str, str | Sequence[str]]


@dataclass(frozen=True)
class Searchable:
    """How to read one registered model's objects for the index.

    ``visibility`` returns a :class:`~minka.core.visibility.Visibility` value, or ``None``
    when the object must not be searchable at all (it is then removed from the index).
    """

    model: type[Model]
    title: Callable[[Any], str]
    body: Callable[[Any], str]
    visibility: Callable[[Any], str | None]
    facets: Callable[[Any], FacetValues]


_registry: dict[str, Searchable] = {}


def model_label(model: type[Model] | Model) -> str:
    """The key of ``model`` (a class or an instance) in the registry and the index."""
    return str(model._meta.label_lower)


def register(
    model: type[Model],
    *,
    title: Callable[[Any], str],
    body: Callable[[Any], str],
    visibility: Callable[[Any], str | None],
    facets: Callable[[Any], FacetValues],
) -> None:
    """Declare ``model`` searchable; apps call this from ``AppConfig.ready()``."""
    _registry[model_label(model)] = Searchable(model, title, body, visibility, facets)


@dataclass(frozen=True)
class Facet:
    """A facet the search page offers: its title and the readable names of its values
    (which the index stores as slugs and codes). ``newest_first`` lists values in reverse
    order (years) instead of by count."""

    name: str
    title: Callable[[], str]
    labels: Callable[[list[str]], dict[str, str]]
    newest_first: bool = False


_facets: dict[str, Facet] = {}


def register_facet(
    name: str,
    *,
    title: Callable[[], str],
    labels: Callable[[list[str]], dict[str, str]] | None = None,
    newest_first: bool = False,
) -> None:
    """Offer the facet ``name`` on the search page, after those registered before it; the
    app that fills it in its ``facets`` callable registers it (from ``AppConfig.ready()``)."""
    _facets[name] = Facet(name, title, labels or (lambda values: {}), newest_first)


def facets() -> list[Facet]:
    """The facets the search page offers, in the order they were registered."""
    return list(_facets.values())


def unregister(model: type[Model]) -> None:
    """Forget ``model`` (its entries stay until :func:`reindex` or :func:`remove_object`)."""
    _registry.pop(model_label(model), None)


def registered() -> list[Searchable]:
    """Return the registered models' adapters."""
    return list(_registry.values())


def adapter_for(obj: Model) -> Searchable:
    """The adapter of ``obj``'s model; ``LookupError`` if it is not registered."""
    try:
        return _registry[model_label(obj)]
    except KeyError:
        raise LookupError(f"{model_label(obj)} is not registered for search.") from None
