"""Shared helpers of the authentication tests: allauth's messages, the login and sign-up
posts, and the form errors and page text the assertions compare."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.urls import reverse

if TYPE_CHECKING:
    from django.test import Client
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

TOO_MANY_ATTEMPTS = "Too many failed login attempts. Try again later."
TOO_MANY_HERE = (
    "Too many failed sign-in attempts for this account from this device. Wait a few minutes "
    "or sign in from a device where you have signed in before."
)
WRONG_CREDENTIALS = "The email address and/or password you specified are not correct."


def login_post(client: Client, email: str, password: str, **extra: Any) -> Response:
    """POST the allauth login form, as a browser would."""
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "email": "nueva.persona@example.org",
        "password1": "un río tranquilo bajo el puente",
        "password2": "un río tranquilo bajo el puente",
        "full_name": "Nueva Persona",
        "adult": "on",
        "accept_notice": "on",
    }
    data.update(overrides)
    return data


def form_errors(response: Response) -> list[str]:
    """Every error of the form in the response context (field and non-field)."""
    form = response.context["form"]
    return [str(message) for messages in form.errors.values() for message in messages]


def page_text(response: Response, *variable: str) -> str:
    """The page without what differs on every render (the CSRF token) or by input."""
    text = re.sub(r"\b[A-Za-z0-9]{64}\b", "<csrf>", response.content.decode())
    for value in variable:
        text = text.replace(value, "")
    return text
