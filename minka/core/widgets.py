"""Form widgets shared by every app.

:class:`CheckboxPicker` replaces ``<select multiple>`` (which needs Ctrl+click and cuts long
names off): a list of checkboxes with their full labels and a text box that filters the list.
The filter box is shown and driven by ``static/minka/picker.js``; without JavaScript it stays
hidden and every option is visible and usable.

:class:`SearchPicker` (with :class:`SearchPickerField`) is for lists too long to send: the
5,000 people of a directory made the repository's upload form cost 350 ms and weigh
megabytes. Only what is ticked is listed; more is found by searching or typed by name.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from minka.core.text import fold

if TYPE_CHECKING:
    from django.forms.renderers import BaseRenderer
    from django.utils.safestring import SafeString

# The project's template engine: the default forms renderer does not see the project's
# templates folder, where components/picker.html lives.
_PROJECT_TEMPLATES = TemplatesSetting()

# "Ana Díaz (CONSORCIO)": a name, then an organization's name or acronym in brackets.
_BRACKETED = re.compile(r"^(.*\S)\s*\((.+)\)\s*$")


def _options_html(widget: dict[str, Any]) -> SafeString:
    """The checklist's ``<li>`` items, built here rather than in the template's loop: the
    repository's 300 organizations cost 20 ms of template rendering, a page's main cost."""
    disabled = " disabled" if widget["attrs"].get("disabled") else ""
    return format_html_join(
        "",
        '<li class="picker-option"><label for="{}"><input type="checkbox" name="{}" value="{}"'
        ' id="{}"{}{}> <span>{}</span></label></li>',
        (
            (
                option["attrs"]["id"],
                option["name"],
                str(option["value"]),
                option["attrs"]["id"],
                " checked" if option["selected"] else "",
                disabled,
                option["label"],
            )
            for _group, options, _index in widget["optgroups"]
            for option in options
        ),
    )


class CheckboxPicker(forms.CheckboxSelectMultiple):
    """A filterable checklist. Wrap it in a fieldset whose legend is the field's label
    (``components/field.html`` does so for ``widget_type == "checkboxpicker"``)."""

    template_name = "components/picker.html"

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        return super().render(name, value, attrs, renderer=_PROJECT_TEMPLATES)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["options_html"] = _options_html(context["widget"])
        return context


class Picked(list[str]):
    """What a :class:`SearchPicker` sends: the ticked ids (the list) and the names typed in
    its text box (``names``, one per line), which its field resolves."""

    names: list[str]

    def __init__(self, ids: list[str], names: list[str]) -> None:
        super().__init__(ids)
        self.names = names


class SearchPicker(CheckboxPicker):
    """A checklist too long to send whole (5,000 people): only the ticked options are
    rendered, with a text box to add more by name, one per line, which the field
    (:class:`SearchPickerField`) resolves. With JavaScript, ``picker.js`` turns the filter box
    into a search that asks ``search_url`` for matching options (a fragment of
    ``components/picker_options.html``) and hides the text box."""

    template_name = "components/search_picker.html"

    def __init__(self, search_url: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.search_url = search_url  # a URL name, reversed when rendered

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Picked:
        ids = data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])
        typed = str(data.get(f"{name}_names") or "")
        return Picked(ids, [line.strip() for line in typed.splitlines() if line.strip()])

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # like any checklist: nothing ticked is a value (none)

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> Any:
        """Only the ticked options: the others are found by searching."""
        chosen = [str(v) for v in value if str(v).isdigit()]
        choices = self.choices
        if not chosen:
            return []
        options: list[tuple[Any, Any]]
        if isinstance(choices, forms.models.ModelChoiceIterator):
            queryset = choices.queryset.filter(pk__in=chosen)
            options = [choices.choice(item) for item in queryset]
        else:
            options = [(v, label) for v, label in choices if str(v) in chosen]
        return [
            (None, [self.create_option(name, option, label, True, index, attrs=attrs)], index)
            for index, (option, label) in enumerate(options)
        ]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = reverse(self.search_url)
        context["widget"]["names"] = "\n".join(getattr(value, "names", []))
        return context


class SearchPickerField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """A :class:`SearchPicker`'s field: the ticked ids, plus each typed name matched with
    the queryset's folded ``search_key`` (case and accents ignored). A qualifier in brackets,
    "Ana Díaz (CONSORCIO)", tells namesakes apart where a subclass says how
    (:meth:`narrow`; the directory's ``PersonPickerField`` matches an organization). A name
    that matches no one, or several, is an error that names it; nothing is picked for it."""

    default_error_messages = {
        **forms.ModelMultipleChoiceField.default_error_messages,
        "unknown_name": _("No one named “%(name)s” was found. Check the spelling or search."),
        "ambiguous_name": _(
            "Several people are named “%(name)s”: add the organization in brackets, as in "
            "“%(name)s (ORGANIZATION)”."
        ),
    }

    def __init__(self, queryset: Any, *, search_url: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", SearchPicker(search_url))
        super().__init__(queryset, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        prepared = super().prepare_value(value)
        return Picked(prepared, value.names) if isinstance(value, Picked) else prepared

    def narrow(self, found: Any, qualifier: str) -> Any:
        """The rows of ``found`` that ``qualifier`` (the text in brackets) names: none here."""
        return found.none()

    def _matches(self, typed: str) -> list[Any]:
        name, qualifier = typed, ""
        if bracketed := _BRACKETED.match(typed):
            name, qualifier = bracketed.group(1), bracketed.group(2).strip()
        if self.queryset is None:
            return []
        found = self.queryset.filter(search_key=fold(" ".join(name.split())))
        if qualifier:
            found = self.narrow(found, qualifier)
        return list(found.values_list("pk", flat=True).distinct()[:2])

    def clean(self, value: Any) -> Any:
        ids = list(value or [])
        errors = []
        for typed in getattr(value, "names", []):
            matches = self._matches(typed)
            if len(matches) == 1:
                ids.append(str(matches[0]))
                continue
            code = "unknown_name" if not matches else "ambiguous_name"
            errors.append(
                forms.ValidationError(self.error_messages[code], code=code, params={"name": typed})
            )
        if errors:
            raise forms.ValidationError(errors)
        return super().clean(list(dict.fromkeys(ids)))
