"""Form fields other apps' forms take from the directory."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from minka.core.text import fold
from minka.core.widgets import SearchPickerField


class PersonPickerField(SearchPickerField):
    """People chosen by searching ``directory:person-choices`` or by typing their names;
    namesakes are told apart by a current organization in brackets, its name or acronym
    ("Ana Díaz (CONSORCIO)"), as the search shows them."""

    def __init__(self, queryset: Any, **kwargs: Any) -> None:
        super().__init__(queryset, search_url="directory:person-choices", **kwargs)

    def narrow(self, found: Any, qualifier: str) -> Any:
        today = timezone.localdate()
        # One filter() call: the three conditions hold for the same affiliation.
        return found.filter(
            Q(affiliations__end_date__isnull=True) | Q(affiliations__end_date__gte=today),
            affiliations__organization__search_key__contains=fold(qualifier),
        )
