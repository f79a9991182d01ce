"""Background tasks of the meetings app."""

from __future__ import annotations

from email.mime.text import MIMEText

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_calendar_email(
    *, to: list[str], subject: str, text: str, html: str, ics: str, method: str
) -> None:
    """Send one already-rendered email with an iCalendar part (``METHOD:REQUEST`` or
    ``CANCEL``), as calendar programs expect an invitation: ``text/calendar; method=…``."""
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    part = MIMEText(ics, "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invitacion.ics")
    message.attach(part)
    message.send()
