"""Templated emails, rendered now and delivered by the task queue after commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string

from minka.core.tasks import send_email


def email_send(*, template_prefix: str, to: str, context: dict[str, Any]) -> None:
    """Render ``<prefix>_subject.txt``, ``_body.txt`` and ``_body.html`` and queue the email.

    Queued with ``transaction.on_commit``, so nothing leaves for data that is rolled back.
    """
    context = {"network_name": settings.NETWORK_NAME, "base_url": settings.BASE_URL, **context}
    # One line, whatever the template: no header injection through a subject.
    subject = " ".join(str(render_to_string(f"{template_prefix}_subject.txt", context)).split())
    text = str(render_to_string(f"{template_prefix}_body.txt", context))
    html: str
    try:
        html = str(render_to_string(f"{template_prefix}_body.html", context))
    except TemplateDoesNotExist:
        html = ""
    transaction.on_commit(
        lambda: send_email.enqueue(to=[to], subject=subject, text=text, html=html)
    )
