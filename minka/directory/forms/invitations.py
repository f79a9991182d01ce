"""The form a coordinator fills in to invite someone to represent an organization."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minka.directory.models import Organization


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        empty_label=_("Choose an organization"),
    )
    title = forms.CharField(label=_("Role or title (optional)"), max_length=150, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Ignored type error: Field has no queryset; this one is a ModelChoiceField.
        self.fields["organization"].queryset = Organization.objects.exclude(  # type: ignore[attr-defined]
            membership_status=Organization.MembershipStatus.FORMER
        )
