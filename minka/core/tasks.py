"""Background tasks shared by every app."""

from __future__ import annotations

import smtplib

from django_tasks import task

from minka.core.emails import Param, email_build


class EmailDeliveryError(Exception):
    """An email could not be handed to the mail server. Its message names the kind of
    email and the error class only: the server's reply may quote the recipient's address,
    and failed task results are kept for diagnosis (without personal data)."""


@task()
def send_email(*, kind: str, params: dict[str, Param], language: str) -> bool:
    """Render the email of ``kind`` about the objects ``params`` names, in ``language``,
    and send it through Django's configured backend. Returns whether one was sent (``False``
    when its objects are gone or no longer call for it)."""
    email = email_build(kind, params, language)
    if email is None:
        return False
    try:
        email.message().send()
    except (smtplib.SMTPException, OSError) as error:
        raise EmailDeliveryError(f"{kind}: {type(error).__name__}") from None
    if email.after_send is not None:
        email.after_send()
    return True
