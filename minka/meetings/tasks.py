"""Background tasks of the meetings app."""

from __future__ import annotations

import logging
from email.mime.text import MIMEText

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

logger = logging.getLogger(__name__)


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


@task()
def render_minutes_pdf(minutes_id: int) -> int:
    """Render and store the PDF of the minutes' current revision in every interface
    language, so that the first download after approval, publication or an erratum does
    not wait for the layout. Returns how many PDFs were rendered (0 when all were stored
    already, when the minutes are gone, or when WeasyPrint cannot load)."""
    from django.conf import settings
    from django.utils import translation

    from minka.meetings.minutes import exports, pdf_store
    from minka.meetings.models import Minutes

    minutes = (
        Minutes.objects.select_related("meeting__series", "approved_by", "current_revision")
        .filter(pk=minutes_id)
        .first()
    )
    if minutes is None or minutes.current_revision is None:
        return 0
    rendered = 0
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            name, html = pdf_store.lookup(minutes, minutes.current_revision)
            if pdf_store.exists(name):
                continue
            try:
                pdf_store.store(minutes, name, html)
            except exports.PdfUnavailable:
                logger.warning("minutes PDF not rendered: WeasyPrint cannot load")
                return rendered
            rendered += 1
    return rendered
