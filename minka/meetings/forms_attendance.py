"""Forms of invitations, RSVP and self check-in (the attendance sheet's forms are in
:mod:`minka.meetings.forms_attendance_sheet`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minka.core.widgets import CheckboxPicker
from minka.directory.forms.fields import PersonPickerField
from minka.directory.models import Organization, Person
from minka.meetings.models import Rsvp

ANSWER_CHOICES = [
    (Rsvp.YES.value, _("Yes")),
    (Rsvp.NO.value, _("No")),
    (Rsvp.MAYBE.value, _("Maybe")),
]


class InviteForm(forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizations"),
        required=False,
        queryset=Organization.objects.order_by("name"),
        widget=CheckboxPicker,
        help_text=_("Everyone with a current role in the organization and an email is invited."),
    )
    people = PersonPickerField(
        Person.objects.exclude(email="")
        .exclude(status=Person.Status.ANONYMIZED)
        .order_by("full_name"),
        label=_("People"),
        required=False,
        help_text=_("People of the directory with an email address."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("organizations") and not data.get("people"):
            raise forms.ValidationError(_("Choose at least one organization or person to invite."))
        return data


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Will you attend?"), choices=ANSWER_CHOICES, widget=forms.RadioSelect
    )


class CheckinForm(forms.Form):
    code = forms.CharField(
        label=_("Code shown in the room"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class CheckinCodeForm(forms.Form):
    action = forms.ChoiceField(choices=[("open", "open"), ("close", "close")])
