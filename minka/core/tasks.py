"""Background tasks shared by every app."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from minka.core.emails import Param, email_build


class EmailDeliveryError(Exception):
    """An email could not be handed to the mail server. Its message names the kind of
    email and the error class only: the server's reply may quote the recipient's address,
    and failed task results are kept for diagnosis (without personal data)."""


def _permanent(error: Exception) -> bool:
    """A refusal retrying cannot change: refused recipients, or a 5xx reply."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _retry_later(kind: str, params: dict[str, Param], language: str, attempt: int) -> bool:
    """Queue the same email again on the outbox's schedule (``MINKA_OUTBOX_RETRY_BASE``
    doubled per attempt, capped; at most ``MINKA_OUTBOX_MAX_ATTEMPTS``) when the backend
    can defer tasks; return whether it did."""
    if attempt + 1 >= settings.OUTBOX_MAX_ATTEMPTS or not send_email.get_backend().supports_defer:
        return False
    delay = min(settings.OUTBOX_RETRY_BASE * 2**attempt, settings.OUTBOX_RETRY_MAX)
    send_email.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
        kind=kind, params=params, language=language, attempt=attempt + 1
    )
    return True


@task()
def send_email(*, kind: str, params: dict[str, Param], language: str, attempt: int = 0) -> bool:
    """Render the email of ``kind`` about the objects ``params`` names, in ``language``,
    and send it through Django's configured backend. Returns whether one was sent (``False``
    when its objects are gone or no longer call for it).

    When the server is down, slow or answers 4xx, the same email is queued again for later
    (the outbox's schedule), so that an invitation to join or the answer to a data request is
    not lost while SMTP is unreachable; a 5xx refusal is final. This attempt still fails, so
    its result records the error."""
    email = email_build(kind, params, language)
    if email is None:
        return False
    try:
        email.message().send()
    except (smtplib.SMTPException, OSError) as error:
        retried = not _permanent(error) and _retry_later(kind, params, language, attempt)
        suffix = f" (attempt {attempt + 1}, retried later)" if retried else ""
        raise EmailDeliveryError(f"{kind}: {type(error).__name__}{suffix}") from None
    if email.after_send is not None:
        email.after_send()
    return True
