"""Email: the plain-text and HTML parts of a notice, wrapped with the footer that says why
the person gets it and how to stop, through Django's configured SMTP backend.

Every email to a person carries ``List-Unsubscribe`` (a one-click link, and the RFC 8058
``List-Unsubscribe-Post``) for its kind, and a ``Message-ID`` made from the message's public
id, so that a server or a mail program that sees a second copy after a worker crash can
recognise it. SMTP replies are classified: 5xx (a refused address included) is permanent,
the rest (4xx, also at RCPT where greylisting answers; connection refused or dropped,
timeouts, a certificate that does not verify) is transient and retried. Django's SMTP backend
verifies the server's certificate with the system's authorities
(``ssl.create_default_context``): a bad certificate is never sent over. The footer is in the
active language: the worker activates the recipient's.
"""

from __future__ import annotations

import smtplib
import ssl
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from minka.core.urls_util import absolute_url
from minka.notifications.channels import PermanentError, TransientError
from minka.notifications.kinds import kind_get

if TYPE_CHECKING:
    from minka.notifications.kinds import Notice
    from minka.notifications.models import Message


def _domain() -> str:
    return urlsplit(settings.BASE_URL).hostname or "localhost"


class EmailChannel:
    def send(self, message: Message, notice: Notice) -> None:
        user = message.user
        address = notice.to or (user.email if user is not None else "")
        if not address:
            raise PermanentError("no address")
        headers = {
            "Message-ID": f"<{message.public_id}@{_domain()}>",
            "Auto-Submitted": "auto-generated",
        }
        context = {
            "notice": notice,
            "network_name": settings.NETWORK_NAME,
            "base_url": settings.BASE_URL,
            "kind_label": kind_get(message.kind).label,
            "unsubscribe_url": "",
            "preferences_url": "",
            # The HTML part's ``lang``: render_to_string has no request, so no context
            # processor sets it.
            "LANGUAGE_CODE": translation.get_language() or settings.LANGUAGE_CODE,
        }
        if user is not None:
            from minka.notifications.services import unsubscribe_url

            link = unsubscribe_url(user=user, kind=message.kind)
            headers["List-Unsubscribe"] = f"<{link}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
            context["unsubscribe_url"] = link
            context["preferences_url"] = absolute_url(reverse("notifications:preferences"))
        text = render_to_string("notifications/emails/message_body.txt", context)
        email = EmailMultiAlternatives(
            subject=" ".join(notice.subject.split()),
            body=text,
            to=[address],
            headers=headers,
            connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
        )
        if notice.html:
            email.attach_alternative(
                render_to_string("notifications/emails/message_body.html", context), "text/html"
            )
        for part in notice.attachments:
            email.attach(part)
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as error:
            # The server refused the address at RCPT: 5xx for good (no such mailbox), 4xx
            # for now (greylisting, a full mailbox: "come back later").
            codes = [code for code, _reply in error.recipients.values()]
            if codes and all(400 <= code < 500 for code in codes):
                raise TransientError(f"SMTP {codes[0]}") from None
            raise PermanentError("recipient refused") from None
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                raise PermanentError(f"SMTP {error.smtp_code}") from None
            raise TransientError(f"SMTP {error.smtp_code}") from None
        except ssl.SSLError as error:
            raise TransientError(f"TLS: {type(error).__name__}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise TransientError(f"SMTP: {type(error).__name__}") from None
