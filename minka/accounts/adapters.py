"""django-allauth adapter: links from the base URL, full names and invitation sign-ups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from minka.core.env import env_bool
from minka.core.models import AuditEntry
from minka.core.services import audit_record
from minka.core.urls_util import absolute_url

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.forms import Form
    from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return env_bool("MINKA_SIGNUP_OPEN", default=True)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Record guesses refused by the rate limit too: they never reach ``authenticate``."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            audit_record(
                actor=None,
                action=AuditEntry.Action.LOGIN_FAILED,
                changes={"reason": ["", "rate_limited"]},
            )
            raise

    def get_reset_password_from_key_url(self, key: str) -> str:
        return absolute_url(str(super().get_reset_password_from_key_url(key)))

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        return absolute_url(str(super().get_email_confirmation_url(request, emailconfirmation)))

    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: Form, commit: bool = True
    ) -> AbstractBaseUser:
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "")  # type: ignore[attr-defined]
        language = getattr(request, "LANGUAGE_CODE", "")
        user.language = language if language in {"es", "en"} else ""  # type: ignore[attr-defined]
        if commit:
            user.save()
        return user
