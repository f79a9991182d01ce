"""The search page's form (sent by GET; a bad value is dropped, never an error page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minka import search

QUERY_MAX_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Accents and capitals do not matter. Use quotes for an exact phrase."),
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=500)

    def query(self) -> str:
        self.is_valid()
        return str(self.cleaned_data.get("q") or "").strip()

    def page_number(self) -> int:
        self.is_valid()
        return int(self.cleaned_data.get("page") or 1)

    def filters(self, data: Any) -> dict[str, str]:
        """The facet filters from the query string: known names, short values only."""
        chosen: dict[str, str] = {}
        for name in (facet.name for facet in search.facets()):
            value = str(data.get(name, "")).strip()
            if value and len(value) <= 100:
                chosen[name] = value
        return chosen
