"""Registration: which models the index holds and how to read them (:class:`Searchable`),
and which facets the search page offers (:class:`Facet`); apps register both from
``AppConfig.ready()``.

Every entry also has the facet ``type`` (:data:`TYPE_FACET`), filled by the index with the
entry's model label (``"meetings.minutes"``) and named by each registration's
``type_name``; it is offered first, before the facets the apps register.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from minka.core.types import Actor


FacetValues = Mapping[str, str | Sequence[str]]
# The facet every entry has: the type of object, by model label.
TYPE_FACET = "type"


@dataclass(frozen=True)
class Searchable:
    """How to read one registered model's objects for the index.

    ``visibility`` returns a :class:`~minka.core.visibility.Visibility` value, or ``None``
    when the object must not be searchable at all (it is then removed from the index).
    ``type_name`` names the model in the facet "Type" ("Reunión"). ``visible_to`` returns
    the objects a user may see: the search page checks each hit against it again (by
    default, the model manager's ``visible_to(user)`` when it has one).
    """

    model: type[Model]
    title: Callable[[Any], str]
    body: Callable[[Any], str]
    visibility: Callable[[Any], str | None]
    facets: Callable[[Any], FacetValues]
    type_name: Callable[[], str]
    visible_to: Callable[[Actor], QuerySet[Any]] | None = None

    @property
    def content_type(self) -> str:
        """The model's label: the entries' ``content_type`` and their ``type`` facet."""
        return model_label(self.model)


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
    type_name: Callable[[], str] | None = None,
    visible_to: Callable[[Actor], QuerySet[Any]] | None = None,
) -> None:
    """Declare ``model`` searchable; apps call this from ``AppConfig.ready()``.

    ``facets`` must not fill ``type``: the index does. ``type_name`` defaults to the model's
    verbose name; ``visible_to`` to the model manager's ``visible_to`` (see
    :class:`Searchable`).
    """

    def verbose_name() -> str:
        return capfirst(str(model._meta.verbose_name))

    _registry[model_label(model)] = Searchable(
        model, title, body, visibility, facets, type_name or verbose_name, visible_to
    )


@dataclass(frozen=True)
class Facet:
    """A facet the search page offers: its title and the readable names of its values
    (which the index stores as slugs and codes). ``newest_first`` lists values in reverse
    order (years) instead of by count."""

    name: str
    title: Callable[[], str]
    labels: Callable[[list[str]], dict[str, str]]
    newest_first: bool = False


def _type_labels(values: list[str]) -> dict[str, str]:
    return {label: _registry[label].type_name() for label in values if label in _registry}


# The facet "Type" comes first, whatever the order in which apps register theirs.
_facets: dict[str, Facet] = {
    TYPE_FACET: Facet(TYPE_FACET, lambda: _("Type"), _type_labels),
}


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


def adapter_for_label(label: str) -> Searchable | None:
    """The adapter registered under the model label ``label``, if any."""
    return _registry.get(label)


def adapter_for(obj: Model) -> Searchable:
    """The adapter of ``obj``'s model; ``LookupError`` if it is not registered."""
    try:
        return _registry[model_label(obj)]
    except KeyError:
        raise LookupError(f"{model_label(obj)} is not registered for search.") from None
