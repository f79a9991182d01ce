"""django-allauth adapter: links from the base URL, full names, invitation sign-ups, and
per-account sign-in throttling with device cookies (:mod:`minka.accounts.throttling`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
)
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from minka.accounts import throttling
from minka.core.env import env_bool
from minka.core.models import AuditEntry
from minka.core.services import audit_record
from minka.core.urls_util import absolute_url

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.forms import Form
    from django.http import HttpRequest, HttpResponse


# Ignored type error: allauth publishes no types: its base class is Any.
class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts_here": _(
            "Too many failed sign-in attempts for this account from this device. Wait a few "
            "minutes or sign in from a device where you have signed in before."
        ),
    }
    # The attempt being authenticated: each request gets its own adapter instance.
    _login_attempt: throttling.Attempt | None = None

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return env_bool("MINKA_SIGNUP_OPEN", default=True)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Refuse a password attempt over the per-address limit (allauth's) or over the
        per-account or per-device limit (:mod:`minka.accounts.throttling`), and record the
        refused ones too: they never reach ``authenticate``."""
        try:
            super().pre_authenticate(request, **credentials)
            login = str(credentials.get("email") or credentials.get("username") or "")
            self._login_attempt = throttling.attempt_begin(request, login)
            if self._login_attempt is None:
                raise self.validation_error("too_many_login_attempts_here")
        except ValidationError:
            audit_record(
                actor=None,
                action=AuditEntry.Action.LOGIN_FAILED,
                changes={"reason": ["", "rate_limited"]},
            )
            raise

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        """allauth's check of the password, with the throttling attempt settled: taken back
        when the password is right, a possible start of the wait when it is wrong."""
        user: AbstractBaseUser | None = super().authenticate(request, **credentials)
        # pre_authenticate (called by allauth above) counted the attempt or refused it.
        attempt, self._login_attempt = self._login_attempt, None
        if attempt is not None:
            if user is None:
                throttling.attempt_failed(attempt)
            else:
                throttling.attempt_succeeded(attempt)
        return user

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """After a password reset allauth clears its failed sign-in counts for each address of
        the user; the owner proved control of the address, so the account's wait ends too."""
        super()._delete_login_attempts_cached_email(request, **credentials)
        throttling.account_clear(str(credentials.get("email") or ""))

    def post_login(
        self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
    ) -> HttpResponse:
        """After a completed sign-in (second factor included), mark this browser as a known
        device of the account (it is then spared the slowdown a stranger's guesses cause), and
        let the password or code just given count as a re-authentication."""
        response: HttpResponse = super().post_login(request, user, **kwargs)
        throttling.device_cookie_set(response, user)
        _sign_in_counts_as_recent_proof(request, user)
        return response

    def get_reset_password_from_key_url(self, key: str) -> str:
        return absolute_url(str(super().get_reset_password_from_key_url(key)))

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        return absolute_url(str(super().get_email_confirmation_url(request, emailconfirmation)))

    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: Form, commit: bool = True
    ) -> AbstractBaseUser:
        user = super().save_user(request, user, form, commit=False)
        # Ignored type error: allauth hands over an AbstractBaseUser; ours has these fields.
        user.full_name = form.cleaned_data.get("full_name", "")  # type: ignore[attr-defined]
        language = getattr(request, "LANGUAGE_CODE", "")
        # Ignored type error: allauth hands over an AbstractBaseUser; ours has these fields.
        user.language = language if language in {"es", "en"} else ""  # type: ignore[attr-defined]
        if commit:
            user.save()
        return user


def _sign_in_counts_as_recent_proof(request: HttpRequest, user: AbstractBaseUser) -> None:
    """Mark the last step of the sign-in just completed as a re-authentication.

    allauth asks for the password again before sensitive changes (setting up a second factor,
    changing the email address) unless the session holds a re-authentication younger than
    ``ACCOUNT_REAUTHENTICATION_TIMEOUT``, and it does not count the sign-in itself. A person
    who has just typed the password (and the code) has proved as much: the step keeps its own
    time, so once the timeout has passed the prompt comes back. A sign-in whose last step was
    not a password or a code (an emailed confirmation link) proves nothing and is left alone.
    """
    records = list(get_authentication_records(request, user))
    if records and records[-1].get("method") in settings.ACCOUNT_REAUTHENTICATION_METHODS:
        records[-1] = {**records[-1], "reauthenticated": True}
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = records
