"""Forms of "Mis datos" and of the coordinators' register of data-rights requests."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from minka.directory.models import ConsentPurpose, DataRequest

if TYPE_CHECKING:
    from minka.directory.models import Person

TELEGRAM_RE = re.compile(r"^[A-Za-z0-9_]{5,32}$")
PHONE_RE = re.compile(r"^\+?[0-9 ()-]{6,30}$")


class FormNameMixin(forms.Form):
    """Several forms share one page: a hidden field says which one was sent."""

    form_name = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"] = forms.CharField(widget=forms.HiddenInput, initial=self.form_name)


class RectificationForm(FormNameMixin):
    """The person corrects their own directory record (Ley 29733, rectification)."""

    form_name = "profile"

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(
        label=_("Contact email (optional)"),
        max_length=254,
        required=False,
        help_text=_(
            "The address the directory shows to those you allow. Your sign-in address is "
            "changed in your account settings."
        ),
    )
    phone = forms.CharField(label=_("Phone (optional)"), max_length=30, required=False)
    telegram = forms.CharField(
        label=_("Telegram username (optional)"),
        max_length=33,
        required=False,
        help_text=_("5 to 32 letters, digits or underscores; the leading @ is optional."),
    )
    bio = forms.CharField(
        label=_("Short bio (optional)"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Do not write sensitive data here: political opinions, religion, health or "
            "trade-union membership."
        ),
    )
    photo = forms.ImageField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP. It is shown only if you allow it below."),
    )

    def clean_telegram(self) -> str:
        value = str(self.cleaned_data.get("telegram", "")).strip().removeprefix("@")
        if value and not TELEGRAM_RE.match(value):
            raise ValidationError(
                _("A Telegram username has 5 to 32 letters, digits or underscores.")
            )
        return value

    def clean_phone(self) -> str:
        value = " ".join(str(self.cleaned_data.get("phone", "")).split())
        if value and not PHONE_RE.match(value):
            raise ValidationError(
                _("Write the phone number with digits, spaces and an optional +.")
            )
        return value

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        return {f: getattr(person, f) for f in ("full_name", "email", "phone", "telegram", "bio")}


class ConsentForm(FormNameMixin):
    """One checkbox per purpose, ticked only where the person has already agreed."""

    form_name = "consent"

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for purpose in ConsentPurpose:
            self.fields[purpose.value] = forms.BooleanField(
                label=purpose.label, required=False, initial=person.has_consent(purpose.value)
            )

    def choices(self) -> dict[str, bool]:
        return {purpose: bool(self.cleaned_data.get(purpose)) for purpose in ConsentPurpose.values}


class DataRequestForm(forms.Form):
    """A data-rights (ARCO) request filed by the person."""

    kind = forms.ChoiceField(label=_("What do you ask for?"), choices=DataRequest.Kind.choices)
    details = forms.CharField(
        label=_("Details (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Do not write sensitive data here."),
    )


class DataRequestCloseForm(forms.Form):
    """A coordinator answers a request; the answer is emailed to the person."""

    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (DataRequest.Status.DONE, _("Done")),
            (DataRequest.Status.REJECTED, _("Rejected")),
        ],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Answer to the person"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
