"""Issue 18's "done when", end to end, through the pages, the services, the real Telegram
client against the local Bot API server, Django's email backend and a local webhook
receiver:

- a member links Telegram from their Notificaciones page (the deep link, then ``/start``);
- they get the reminder of the next meeting on Telegram and by email;
- ``/proxima`` in the network's group answers with the date, the place and the agenda;
- a webhook receiver gets a signed payload when minutes are published.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import formats, timezone

from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory import services as directory_services
from minka.meetings.minutes import services as minutes_services
from minka.meetings.minutes.tests.factories import minutes_in
from minka.meetings.services import invitations
from minka.meetings.services import meetings as meeting_services
from minka.meetings.tests.factories import SeriesFactory
from minka.notifications.channels import telegram as telegram_transport
from minka.notifications.channels.telegram import PacingLimits
from minka.notifications.delivery import outbox_deliver
from minka.notifications.models import TelegramAccount, TelegramChat
from minka.notifications.schedule import outbox_plan
from minka.notifications.tests.botapi import BOT_USERNAME, BotAPIServer
from minka.notifications.tests.webhook_receiver import WebhookReceiver
from minka.notifications.webhooks import services as webhook_services

PRIVATE = 7_001
GROUP = -100_777


class DoneWhenTests(RoleTestCase):
    def setUp(self) -> None:
        self.bot = self.enterContext(BotAPIServer())
        self.bot.add_chat(GROUP, title="Red TIC Perú")
        self.enterContext(
            override_settings(
                TELEGRAM_BOT_TOKEN=self.bot.token,
                TELEGRAM_API_URL=self.bot.base_url,
                TELEGRAM_BOT_USERNAME=BOT_USERNAME,
                OUTBOX_THREADS=1,
            )
        )
        self.enterContext(
            mock.patch.object(
                telegram_transport,
                "LIMITS",
                PacingLimits(chat_interval=0, group_messages=10_000, bot_messages=10_000),
            )
        )

    def poll(self) -> None:
        call_command("telegram_bot", "--once", stdout=StringIO(), stderr=StringIO())

    def deliver(self) -> None:
        for _ in range(5):
            if not sum(outbox_deliver().values()):
                return

    def test_link_remind_answer_and_sign(self) -> None:
        # 1. The member links Telegram from the Notificaciones page.
        client = self.as_("mem_a")
        page = client.get(reverse("notifications:preferences"))
        self.assertContains(page, reverse("notifications:telegram-link"))
        response = client.post(reverse("notifications:telegram-link"))
        match = re.search(
            rf"https://t\.me/{BOT_USERNAME}\?start=([A-Za-z0-9_-]+)", response.content.decode()
        )
        assert match is not None, "the page shows the deep link"
        self.bot.inject_message(f"/start {match.group(1)}", user_id=PRIVATE, username="ana_tic")
        self.poll()
        account = TelegramAccount.objects.get(user=self.mem_a)
        self.assertEqual((account.chat_id, account.username), (PRIVATE, "ana_tic"))
        self.assertEqual(len(self.bot.messages(PRIVATE)), 1)  # the bot confirms

        # 2. The next meeting, tomorrow: the member is invited and reminded on both channels.
        series = SeriesFactory.create(title="Desarrollo de las TIC en el Perú")
        start = timezone.now() + dt.timedelta(hours=20)
        meeting = meeting_services.meeting_create(
            actor=self.coord,
            data={
                "series": series,
                "title": "Segunda reunión de la red",
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=2),
                "place": "Auditorio de la Universidad de Lima",
                "visibility": Visibility.PUBLIC,
            },
        )
        meeting_services.agenda_item_create(
            actor=self.coord, meeting=meeting, data={"title": "Funciones de la CODESI"}
        )
        person = directory_services.person_for_user(user=self.mem_a)
        invitations.invitees_add(actor=self.coord, meeting=meeting, people=[person])
        self.deliver()
        mail.outbox.clear()
        before = len(self.bot.messages(PRIVATE))
        outbox_plan()
        self.deliver()
        [email] = [m for m in mail.outbox if m.to == [self.mem_a.email]]
        self.assertIn("Segunda reunión de la red", str(email.subject) + str(email.body))
        self.assertIn("Auditorio de la Universidad de Lima", str(email.body))
        [reminder] = self.bot.messages(PRIVATE)[before:]
        self.assertIn("Segunda reunión de la red", reminder.plain_text)

        # 3. /proxima in the network's group: date, place and agenda.
        self.bot.inject_message("/proxima", user_id=9_999, chat_id=GROUP)
        self.poll()
        [answer] = self.bot.messages(GROUP)
        local = timezone.localtime(meeting.starts_at)
        self.assertIn("Segunda reunión de la red", answer.plain_text)
        self.assertIn("Auditorio de la Universidad de Lima", answer.plain_text)
        self.assertIn("Funciones de la CODESI", answer.plain_text)
        self.assertIn(formats.date_format(local, "j"), answer.plain_text)

        # 4. A webhook receiver gets a signed payload when minutes are published.
        with WebhookReceiver() as receiver, receiver.allowed():
            _endpoint, secret = webhook_services.endpoint_create(
                actor=self.coord,
                url=receiver.url,
                description="Portal de datos",
                kinds=["minutes.published"],
            )
            receiver.secrets = [secret]
            minutes = minutes_in("approved", actor=self.coord, title="Primera reunión")
            minutes_services.minutes_publish(
                actor=self.coord, minutes=minutes, visibility=Visibility.PUBLIC
            )
            self.deliver()
            [request] = receiver.requests
        self.assertIs(request.verified, True)
        payload = json.loads(request.body)
        self.assertEqual(payload["type"], "minutes.published")
        self.assertIn(str(minutes.meeting.public_id), json.dumps(payload["data"]))
        # Nothing waits or failed; the group chat of the network was not needed for this.
        self.assertFalse(TelegramChat.objects.exists())
