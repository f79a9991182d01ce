"""Forms of the accounts app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.accounts.models import User
from minka.core.privacy import NOTICE_VERSION, notice_hash

if TYPE_CHECKING:
    from django.http import HttpRequest


class SignupForm(forms.Form):
    """Extra sign-up fields, merged by allauth into its own form."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    adult = forms.BooleanField(
        label=_("I am 18 years of age or older."),
        error_messages={"required": _("You must be an adult to create an account.")},
    )
    accept_notice = forms.BooleanField(
        label=_("I have read the privacy notice and agree to the processing it describes."),
        error_messages={"required": _("You must accept the privacy notice to sign up.")},
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.notice_version = NOTICE_VERSION
        user.notice_hash = notice_hash()
        user.notice_accepted_at = timezone.now()
        user.save()


class PreferencesForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["full_name", "language"]
        labels = {"language": _("Language of the interface and the emails")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
