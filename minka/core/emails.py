"""Emails rendered in the task worker from the objects they are about.

A service queues an email by its kind and the ids of its objects
(:func:`email_queue`); the worker's :func:`minka.core.tasks.send_email` looks the objects up
again, renders the message in the language given and sends it. So the task table holds
kinds, ids and a language, never an address, a rendered message or a token (a link's token
is made by the builder, in the worker, when it renders the link). An object that is gone by
then sends nothing.

Each app registers the builders of its kinds (``<app>.<name>``) in its ``emails.py``, imported
by its ``AppConfig.ready``::

    @email_builder("directory.invitation")
    def invitation(*, invitation_id: int) -> Email | None: ...

Builders render templates with :func:`email_render`: ``<prefix>_subject.txt``,
``_body.txt`` and, when it exists, ``_body.html``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

if TYPE_CHECKING:
    from email.mime.base import MIMEBase

# What a task may carry besides the kind and the language: ids, and short codes (a change kind).
Param = int | str


@dataclass
class Email:
    """One message ready to send; ``after_send`` runs once it has been handed to the server
    (e.g. to forget an address kept only to deliver this message)."""

    to: list[str]
    subject: str
    text: str
    html: str = ""
    attachments: list[MIMEBase] = field(default_factory=list)
    after_send: Callable[[], None] | None = None

    def message(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(subject=self.subject, body=self.text, to=self.to)
        if self.html:
            message.attach_alternative(self.html, "text/html")
        for part in self.attachments:
            message.attach(part)
        return message


EmailBuilder = Callable[..., Email | None]
_builders: dict[str, EmailBuilder] = {}


def email_builder(kind: str) -> Callable[[EmailBuilder], EmailBuilder]:
    """Register the function that renders emails of ``kind`` from keyword ids."""

    def register(builder: EmailBuilder) -> EmailBuilder:
        _builders[kind] = builder
        return builder

    return register


def email_build(kind: str, params: dict[str, Param], language: str) -> Email | None:
    """Render an email of ``kind`` in ``language`` (``None`` when its objects are gone)."""
    try:
        builder = _builders[kind]
    except KeyError:
        raise LookupError(f"No email builder is registered for {kind!r}.") from None
    with translation.override(language):
        return builder(**params)


def email_queue(*, kind: str, language: str | None = None, **params: Param) -> None:
    """Queue an email of ``kind`` about the objects ``params`` names (ids only), after
    commit (nothing leaves for data that is rolled back). ``language`` defaults to the
    active one, i.e. the language of whoever caused the email."""
    if kind not in _builders:
        raise LookupError(f"No email builder is registered for {kind!r}.")
    for name, value in params.items():
        if not isinstance(value, int | str):
            raise TypeError(f"Email parameters are ids: {name} is {type(value).__name__}.")
    from minka.core.tasks import send_email

    chosen = language or translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: send_email.enqueue(kind=kind, params=params, language=chosen))


def email_render(*, template_prefix: str, to: str, context: dict[str, Any]) -> Email:
    """Render ``<prefix>_subject.txt``, ``_body.txt`` and ``_body.html`` (if any) to ``to``."""
    context = {"network_name": settings.NETWORK_NAME, "base_url": settings.BASE_URL, **context}
    # One line, whatever the template: no header injection through a subject.
    subject = " ".join(str(render_to_string(f"{template_prefix}_subject.txt", context)).split())
    text = str(render_to_string(f"{template_prefix}_body.txt", context))
    html: str
    try:
        html = str(render_to_string(f"{template_prefix}_body.html", context))
    except TemplateDoesNotExist:
        html = ""
    return Email(to=[to], subject=subject, text=text, html=html)
