"""Django's form renderer, with the select and plain input widgets written in Python.

Django renders a ``<select>`` through one template plus two included templates *per
option*; the repository's organization filter (one option per organization) spent most of
the page's time there (about 60 µs an option). The markup below is exactly Django's
(``django/forms/widgets/select.html``, ``select_option.html``, ``input.html`` and
``attrs.html``), escaped the same way; every other widget, and any template a project
overrides under another name, still goes through the templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


def _attrs(attrs: Mapping[str, Any]) -> str:
    """``attrs.html``: `` name="value"`` for each attribute, `` name`` for True, none for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _option(option: Mapping[str, Any]) -> str:
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"'
        f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
    )


def _select(widget: Mapping[str, Any]) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(f"\n  {_option(option)}" for option in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


_IN_PYTHON: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/select_option.html": _option,
    **{
        f"django/forms/widgets/{name}.html": _input
        for name in ("input", "text", "search", "number", "email", "url", "date", "hidden")
    },
}


class FastRenderer(DjangoTemplates):
    """``FORM_RENDERER``: Django's default renderer, select and input widgets in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        render = _IN_PYTHON.get(template_name)
        if render is not None and "widget" in context:
            return render(context["widget"])  # the widget marks it safe, as with a template
        return super().render(template_name, context, request)
