"""Email end to end: the outbox hands messages to Django's real SMTP backend, which sends them
to a real SMTP server on 127.0.0.1 (aiosmtpd); the tests read what that server received.

What arrives: the headers (Subject, From, To, a Message-ID made from the message's public id,
the one-click unsubscribe headers), a plain-text and an HTML part with Spanish accents
intact, the invitation's calendar as ``text/calendar; method=REQUEST``, the footer in the
recipient's language. The unsubscribe link read from the received email works. The server's
refusals are classified: 5xx fails for good, 4xx (greylisting, a full queue) is retried and
then delivered once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.mime.text import MIMEText
from typing import TYPE_CHECKING, Any, ClassVar
from unittest import mock
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client, TestCase, override_settings
from django.utils.html import format_html

from minka.accounts.tests.factories import UserFactory
from minka.notifications import kinds, services
from minka.notifications.delivery import outbox_deliver
from minka.notifications.kinds import EventKind, Notice, RenderContext
from minka.notifications.models import Message, Preference
from minka.notifications.tests.smtpserver import SMTPTestServer

if TYPE_CHECKING:
    from email.message import EmailMessage
    from email.mime.base import MIMEBase

    from minka.accounts.models import User
    from minka.notifications.tests.smtpserver import Received

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
KIND = "tests.meeting"
SUBJECT = "Reunión de coordinación: ¿qué acordamos sobre la señal en Ñuñoa?"
WHAT = (
    "Reunión de coordinación el sábado 12 de diciembre de 2026 a las 10:00 "
    "en la Asociación Andina, Cusco. Agenda: conexión en Ayacucho, año 2027."
)
ICS = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Minka//tests//ES",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        "UID:meeting-12@minka.test",
        "DTSTAMP:20261201T120000Z",
        "DTSTART:20261212T150000Z",
        "SUMMARY:Reunión de coordinación",
        "LOCATION:Asociación Andina\\, Cusco",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)


def render_meeting(params: dict[str, Any], context: RenderContext) -> Notice | None:
    """A meeting notice in Spanish, with the invitation's calendar when ``ics`` is set."""
    attachments: list[MIMEBase] = []
    if params.get("ics"):
        part = MIMEText(ICS, "calendar", "utf-8")
        part.set_param("method", "REQUEST")
        part.add_header("Content-Disposition", "attachment", filename="invitacion.ics")
        attachments.append(part)
    return Notice(
        subject=SUBJECT,
        text=WHAT,
        html=format_html("<p><strong>{}</strong></p><p>{}</p>", SUBJECT, WHAT),
        url="http://127.0.0.1:8000/reuniones/12/",
        attachments=attachments,
    )


def domain() -> str:
    return urlsplit(settings.BASE_URL).hostname or ""


class SmtpCase(TestCase):
    """One SMTP server for the class; the kind ``tests.meeting`` registered for each test."""

    server: ClassVar[SMTPTestServer]

    @classmethod
    def setUpClass(cls) -> None:
        cls.server = SMTPTestServer()
        cls.server.start()
        cls.addClassCleanup(cls.server.close)
        cls.enterClassContext(
            override_settings(**cls.server.settings(), OUTBOX_RETRY_BASE=60, OUTBOX_MAX_ATTEMPTS=5)
        )
        super().setUpClass()

    def setUp(self) -> None:
        self.server.reset()
        kind = EventKind(
            code=KIND,
            label="Reuniones de prueba",
            group="Tests",
            render=render_meeting,
            transactional=True,
        )
        self.enterContext(mock.patch.dict(kinds._kinds, {KIND: kind}))

    def notify(self, user: User, key: str = "meeting:12:scheduled", **params: int) -> Message:
        services.notify(KIND, key=key, params=params, users=[user], now=NOW)
        return Message.objects.filter(user=user).latest("id")

    def received_one(self) -> Received:
        messages = self.server.messages
        self.assertEqual(len(messages), 1, [m.message_id for m in messages])
        return messages[0]


class ReceivedEmailTests(SmtpCase):
    def setUp(self) -> None:
        super().setUp()
        self.ana = UserFactory.create(email="ana.quispe@example.org", language="es")

    def test_the_headers_name_the_message_and_offer_one_click_unsubscribe(self) -> None:
        """Subject (decoded), From, To, Message-ID from the public id, List-Unsubscribe with
        an http(s) link and List-Unsubscribe-Post."""
        message = self.notify(self.ana)
        self.assertEqual(outbox_deliver(now=NOW), {"sent": 1})
        received = self.received_one()
        email = received.message
        self.assertEqual(received.rcpt_tos, ("ana.quispe@example.org",))
        self.assertEqual(header(email, "Subject"), SUBJECT)
        self.assertEqual(header(email, "From"), settings.DEFAULT_FROM_EMAIL)
        self.assertEqual(header(email, "To"), "ana.quispe@example.org")
        self.assertEqual(header(email, "Message-ID"), f"<{message.public_id}@{domain()}>")
        self.assertEqual(header(email, "Auto-Submitted"), "auto-generated")
        self.assertRegex(header(email, "List-Unsubscribe"), r"^<https?://[^<>\s]+/[^<>\s]+/>$")
        self.assertEqual(header(email, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click")
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), ("sent", 1))

    def test_both_parts_arrive_in_utf8_with_the_accents_intact(self) -> None:
        self.notify(self.ana)
        outbox_deliver(now=NOW)
        email = self.received_one().message
        self.assertEqual(email.get_content_type(), "multipart/alternative")
        plain, html = body_part(email, "plain"), body_part(email, "html")
        for part in (plain, html):
            self.assertEqual(part.get_content_charset(), "utf-8")
        self.assertIn(WHAT, plain.get_content())
        self.assertIn("http://127.0.0.1:8000/reuniones/12/", plain.get_content())
        html_text = html.get_content()
        self.assertIn(f"<strong>{SUBJECT}</strong>", html_text)
        self.assertIn(WHAT, html_text)
        self.assertIn('<html lang="es">', html_text)

    def test_an_invitation_carries_its_calendar_as_a_request(self) -> None:
        """The calendar is a ``text/calendar; method=REQUEST`` part; the text still says
        what, when and where."""
        self.notify(self.ana, ics=1)
        outbox_deliver(now=NOW)
        email = self.received_one().message
        self.assertEqual(email.get_content_type(), "multipart/mixed")
        [calendar] = [p for p in email.walk() if p.get_content_type() == "text/calendar"]
        self.assertEqual(calendar.get_param("method"), "REQUEST")
        self.assertEqual(calendar.get_filename(), "invitacion.ics")
        content = calendar.get_content()
        self.assertIn("METHOD:REQUEST", content)
        self.assertIn("SUMMARY:Reunión de coordinación", content)
        self.assertIn(WHAT, body_part(email, "plain").get_content())

    def test_the_unsubscribe_link_read_from_the_email_works(self) -> None:
        """POSTing the header's link (as a mail program does, no session, no CSRF token)
        turns the kind off by email; the next event of that kind sends nothing."""
        self.notify(self.ana)
        outbox_deliver(now=NOW)
        email = self.received_one().message
        link = header(email, "List-Unsubscribe").strip("<>")
        self.assertIn(link, body_part(email, "plain").get_content())
        self.assertIn(f'href="{link}"', body_part(email, "html").get_content())
        self.assertTrue(link.startswith(settings.BASE_URL), link)

        response = Client(enforce_csrf_checks=True).post(
            link.removeprefix(settings.BASE_URL), {"List-Unsubscribe": "One-Click"}
        )
        self.assertEqual(response.status_code, 200)
        preference = Preference.objects.get(user=self.ana)
        self.assertEqual((preference.kind, preference.channel), (KIND, "email"))
        self.assertEqual(preference.frequency, "never")

        offered = services.notify(
            KIND, key="meeting:12:changed", params={}, users=[self.ana], now=NOW
        )
        self.assertEqual(offered, 0)
        self.assertEqual(outbox_deliver(now=NOW + timedelta(hours=1)), {})
        self.assertEqual(len(self.server.messages), 1)

    def test_the_footer_is_in_the_recipients_language(self) -> None:
        beto = UserFactory.create(email="beto@example.org", language="en")
        self.notify(self.ana)
        self.notify(beto)
        self.assertEqual(outbox_deliver(now=NOW), {"sent": 2})
        by_address = {m.rcpt_tos[0]: m.message for m in self.server.messages}
        english = by_address["beto@example.org"]
        spanish = by_address["ana.quispe@example.org"]
        text = body_part(english, "plain").get_content()
        self.assertIn(
            "You get this email because of your notification preferences (Reuniones de prueba).",
            text,
        )
        self.assertIn("Stop these emails: http", text)
        self.assertIn("All your preferences: http", text)
        html = body_part(english, "html").get_content()
        self.assertIn('<html lang="en">', html)
        self.assertIn("Stop these emails</a>", html)
        self.assertIn(
            "Dejar de recibir estos correos: http", body_part(spanish, "plain").get_content()
        )
        self.assertIn(
            "Recibe este correo por sus preferencias", body_part(spanish, "html").get_content()
        )


class ServerRepliesTests(SmtpCase):
    def setUp(self) -> None:
        super().setUp()
        self.ana = UserFactory.create(email="ana@example.org")

    def test_a_rejected_address_fails_for_good(self) -> None:
        """550 at RCPT: failed, with a reply that names no address; never tried again."""
        self.server.refused.add("ana@example.org")
        message = self.notify(self.ana)
        self.assertEqual(outbox_deliver(now=NOW), {"failed": 1})
        message.refresh_from_db()
        self.assertEqual((message.status, message.last_error), ("failed", "recipient refused"))
        self.server.refused.clear()
        self.assertEqual(outbox_deliver(now=NOW + timedelta(days=2)), {})
        self.assertEqual(self.server.messages, [])

    def test_a_rejected_message_fails_for_good(self) -> None:
        """554 at DATA (refused content) is permanent too."""
        self.server.answer_next("DATA", "554 5.7.1 Message refused")
        message = self.notify(self.ana)
        self.assertEqual(outbox_deliver(now=NOW), {"failed": 1})
        message.refresh_from_db()
        self.assertEqual(message.last_error, "SMTP 554")
        self.assertEqual(outbox_deliver(now=NOW + timedelta(days=2)), {})

    def test_greylisting_is_retried_later_then_delivered_once(self) -> None:
        """451 at RCPT (greylisting: "come back later") is temporary: the message waits for
        its retry and then arrives exactly once."""
        self.server.answer_next("RCPT", "451 4.7.1 Greylisted, try again later")
        message = self.notify(self.ana)
        self.assertEqual(outbox_deliver(now=NOW), {"pending": 1})
        message.refresh_from_db()
        self.assertEqual(message.last_error, "SMTP 451")
        self.assertEqual(message.next_attempt_at, NOW + timedelta(seconds=60))
        self.assertEqual(outbox_deliver(now=NOW + timedelta(seconds=59)), {})
        self.assertEqual(outbox_deliver(now=NOW + timedelta(seconds=60)), {"sent": 1})
        self.assertEqual(self.server.message_ids(), {f"<{message.public_id}@{domain()}>": 1})

    def test_a_full_queue_at_data_is_retried_then_delivered_once(self) -> None:
        self.server.answer_next("DATA", "451 4.3.0 Queue full, try again later")
        message = self.notify(self.ana)
        self.assertEqual(outbox_deliver(now=NOW), {"pending": 1})
        self.assertEqual(self.server.messages, [])
        self.assertEqual(outbox_deliver(now=NOW + timedelta(seconds=60)), {"sent": 1})
        self.assertEqual(self.server.message_ids(), {f"<{message.public_id}@{domain()}>": 1})


def header(email: EmailMessage, name: str) -> str:
    """A header's value. Django folds long headers right after the colon; the standard
    library's parser keeps the space of that fold, which mail programs drop."""
    return str(email[name]).strip()


def body_part(email: EmailMessage, subtype: str) -> EmailMessage:
    part = email.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return part  # type: ignore[return-value]  # get_body returns the message's own class
