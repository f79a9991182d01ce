"""Form widgets shared by every app.

:class:`CheckboxPicker` replaces ``<select multiple>`` (which needs Ctrl+click and cuts long
names off): a list of checkboxes with their full labels and a text box that filters the list.
The filter box is shown and driven by ``static/minka/picker.js``; without JavaScript it stays
hidden and every option is visible and usable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.renderers import TemplatesSetting

if TYPE_CHECKING:
    from django.forms.renderers import BaseRenderer
    from django.utils.safestring import SafeString

# The project's template engine: the default forms renderer does not see the project's
# templates folder, where components/picker.html lives.
_PROJECT_TEMPLATES = TemplatesSetting()


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
