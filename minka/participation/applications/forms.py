"""Forms of membership applications: the public form, the resend form, the coordinators'
filters and decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minka.core.inputs import typed_input
from minka.directory.models import Organization
from minka.directory.models.organizations import Region, Sector
from minka.participation.applications.models import MembershipApplication
from minka.participation.applications.services import ApplicationData

SENSITIVE = _(
    "Do not include sensitive data: health, religion, political opinions or trade-union membership."
)
# Said to whoever fills in the honeypot: the same whatever the reason, nothing to learn.
REFUSED = _("We could not accept this application. Check the form and try again.")
HONEYPOT = "contact_url"


class ApplicationForm(forms.ModelForm[MembershipApplication]):
    """The public application form, with consent (never pre-ticked) and a honeypot field
    hidden from people (screen readers are told to leave it empty)."""

    consent = forms.BooleanField(
        label=_(
            "I agree that the network processes these data to review this application and to "
            "contact me about it, as the privacy notice describes (Ley 29733)."
        ),
        required=True,
        error_messages={
            "required": _("Tick the box to consent, or the application cannot be sent.")
        },
    )
    contact_url = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = MembershipApplication
        fields = [
            "organization_name",
            "acronym",
            "sector",
            "region",
            "website",
            "description",
            "representative_name",
            "representative_position",
            "email",
            "phone",
            "motivation",
        ]
        help_texts = {
            "description": _(
                "What the organization does, in a few lines. Do not include sensitive data: "
                "health, religion, political opinions or trade-union membership."
            ),
            "motivation": SENSITIVE,
            "email": _("We will send a link to this address to confirm it."),
            "website": _("For example https://example.org"),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "motivation": forms.Textarea(attrs={"rows": 6}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "representative_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, prompt, choices in (
            ("sector", _("Choose a sector"), Sector.choices),
            ("region", _("Choose a region"), Region.choices),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101  # a model field's choices
            field.choices = [("", prompt), *choices]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get(HONEYPOT) or self.data.get(HONEYPOT):
            raise forms.ValidationError(REFUSED, code="refused")
        return cleaned

    def data_for_service(self) -> ApplicationData:
        return typed_input(ApplicationData, self.cleaned_data)

    def visible_without_honeypot(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if field.name not in (HONEYPOT, "consent")]


class ResendForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address given in the application"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            *[
                (value, label)
                for value, label in MembershipApplication.Status.choices
                if value != MembershipApplication.Status.UNVERIFIED
            ],
        ],
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All")), *Sector.choices]
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("All")), *Region.choices]
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class ApproveForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Existing organization (optional)"),
        help_text=_(
            "Only if the organization is already in the directory: the application is linked "
            "to it instead of creating a new one."
        ),
        queryset=Organization.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("None: create the organization"),
    )
    message = forms.CharField(
        label=_("Message to the applicant (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RejectForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the applicant"),
        help_text=_(
            "Explain the decision: the applicant reads it in an email and on the status page."
        ),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
