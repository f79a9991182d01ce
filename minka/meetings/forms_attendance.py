"""Forms of invitations, RSVP, attendance (checklist and walk-ins) and self check-in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minka.core.widgets import CheckboxPicker
from minka.directory.models import Organization, Person
from minka.meetings.models import Rsvp

if TYPE_CHECKING:
    from minka.meetings.models import Invitee

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
    people = forms.ModelMultipleChoiceField(
        label=_("People"),
        required=False,
        queryset=Person.objects.exclude(email="")
        .exclude(status=Person.Status.ANONYMIZED)
        .order_by("full_name"),
        widget=CheckboxPicker,
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


class AttendanceForm(forms.Form):
    """The checklist of invitees: the checked ones attended."""

    attended = forms.TypedMultipleChoiceField(
        label=_("Invitees who attended"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, invitees: list[Invitee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["attended"]
        field.choices = [(i.person_id, i.person.full_name) for i in invitees]


class WalkInForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email (optional)"), max_length=254, required=False)
    organization = forms.ModelChoiceField(
        label=_("Organization (optional)"),
        required=False,
        queryset=Organization.objects.order_by("name"),
    )
    consent = forms.BooleanField(
        label=_("The person agreed to appear in the attendees list shared with the members."),
        error_messages={
            "required": _(
                "Confirm that the person agreed to appear in the attendees list shared "
                "with the members."
            )
        },
    )


class CheckinForm(forms.Form):
    code = forms.CharField(
        label=_("Code shown in the room"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class CheckinCodeForm(forms.Form):
    action = forms.ChoiceField(choices=[("open", "open"), ("close", "close")])
