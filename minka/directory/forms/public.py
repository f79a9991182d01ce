"""Filter forms of the public directory pages (sent by GET, never changing anything)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minka.directory.models import Organization, Region, Sector, Topic

SEARCH_MAX_LENGTH = 100


class _FilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def filters(self) -> dict[str, Any]:
        """The valid filters: a value that does not validate is dropped, not an error page."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class OrganizationFilterForm(_FilterForm):
    kind = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Member organizations")),
            ("bodies", _("Bodies with a mandate (e.g. the CODESI)")),
            ("external", _("Outside bodies (ministries, regulators, commissions)")),
        ],
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("All regions")), *Region.choices]
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        required=False,
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("All topics"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = _("Part of the name or the acronym.")


class PersonFilterForm(_FilterForm):
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        required=False,
        queryset=Organization.objects.none(),
        to_field_name="slug",
        empty_label=_("All organizations"),
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (narrows the type)
        field.queryset = organizations.only("pk", "name", "acronym", "slug").order_by("name")


class PersonChoicesForm(forms.Form):
    """The query of a people :class:`~minka.core.widgets.SearchPicker`'s search: the text
    typed, and the field name and id prefix the returned checkboxes must carry."""

    q = forms.CharField(max_length=100, required=False, strip=True)
    field = forms.RegexField(regex=r"^[A-Za-z][\w-]{0,59}$")
    id = forms.RegexField(regex=r"^[A-Za-z][\w-]{0,79}$")
