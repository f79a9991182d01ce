"""Background tasks shared by every app."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, text: str, html: str = "") -> None:
    """Send one already-rendered email through Django's configured backend.

    Rendering happens in the request (in the recipient's language, with links from the
    base URL); only delivery runs in the worker, so SMTP never delays a page.
    """
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
