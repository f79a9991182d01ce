"""The canary crawl, extended to what leaves Minka: no members-only content reaches a
non-member by email or Telegram, nor the network's Telegram group, nor a webhook
(SECURITY.md §1.4 and issue 18; the feeds have their own canaries in
``minka/notifications/tests/canaries_feeds.py``).

Every area raises its events through its real services while a registered person who is
not a member (``reg``) follows everything, has consented to news on both channels and linked
Telegram; the group and a webhook take every announced kind. Members-only meetings, minutes,
documents and commitments carry a canary in their titles and texts; a public meeting, public
minutes, a public document and a public commitment carry a control word, which must arrive
everywhere (so the test would see a leak if there were one). Messages go through the real
channels: Django's email backend, the local Telegram Bot API server and a local webhook
receiver.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from minka.agreements import services as agreement_services
from minka.core.tests.base import RoleTestCase, use_temporary_media
from minka.core.visibility import Visibility
from minka.directory.models import Topic
from minka.directory.tests.factories import PersonFactory
from minka.documents import services as document_services
from minka.documents.models import Kind
from minka.meetings.minutes import services as minutes_services
from minka.meetings.minutes.tests.factories import minutes_in
from minka.meetings.services import meetings as meeting_services
from minka.meetings.tests.factories import SeriesFactory
from minka.notifications import services as notification_services
from minka.notifications.channels import telegram as telegram_transport
from minka.notifications.channels.telegram import PacingLimits
from minka.notifications.delivery import outbox_deliver
from minka.notifications.kinds import announced_kinds
from minka.notifications.models import Message, TelegramAccount, TelegramChat
from minka.notifications.schedule import outbox_plan
from minka.notifications.tests.botapi import BotAPIServer
from minka.notifications.tests.helpers import consent_to_news
from minka.notifications.tests.webhook_receiver import WebhookReceiver
from minka.notifications.webhooks import services as webhook_services

CANARY = "canario-saliente-9c1e"
CONTROL = "control-publico-4b7d"
GROUP = -100_555
REG_CHAT = 5_001
MEMBER_CHAT = 5_002


class OutgoingCanaryTests(RoleTestCase):
    def setUp(self) -> None:
        use_temporary_media(self)
        self.bot = self.enterContext(BotAPIServer())
        for chat in (REG_CHAT, MEMBER_CHAT):
            self.bot.add_chat(chat)
        self.bot.add_chat(GROUP, title="Red TIC")
        self.enterContext(
            override_settings(
                TELEGRAM_BOT_TOKEN=self.bot.token,
                TELEGRAM_API_URL=self.bot.base_url,
                OUTBOX_THREADS=1,
            )
        )
        # Telegram's pacing (1 message a second per chat) is tested on its own; here every
        # message must go out in the test's few passes.
        self.enterContext(
            mock.patch.object(
                telegram_transport,
                "LIMITS",
                PacingLimits(chat_interval=0, group_messages=10_000, bot_messages=10_000),
            )
        )
        self.receiver = self.enterContext(WebhookReceiver())
        self.enterContext(self.receiver.allowed())
        announced = [kind.code for kind in announced_kinds()]
        TelegramChat.objects.create(chat_id=GROUP, title="Red TIC", kinds=announced)
        _endpoint, secret = webhook_services.endpoint_create(
            actor=self.coord, url=self.receiver.url, description="Canarios", kinds=announced
        )
        self.receiver.secrets = [secret]
        consent_to_news(self.reg, self.mem_a, self.mem_b, self.coord, self.admin)
        TelegramAccount.objects.create(user=self.reg, chat_id=REG_CHAT)
        TelegramAccount.objects.create(user=self.mem_b, chat_id=MEMBER_CHAT)
        self.series = SeriesFactory.create(title="Serie de canarios")
        self.topic = Topic.objects.create(name="Conectividad", slug="conectividad")
        for user in (self.reg, self.mem_b):
            for target in (
                ("meetings.series", self.series.pk),
                ("directory.topic", self.topic.pk),
                ("directory.organization", self.org_a.pk),
            ):
                notification_services.follow_set(
                    user=user, target_type=target[0], target_id=target[1], following=True
                )

    # --- The life of the network, through its services ------------------------------------

    def meeting(self, word: str, visibility: str, *, days: int) -> Any:
        start = timezone.now() + dt.timedelta(days=days)
        return meeting_services.meeting_create(
            actor=self.coord,
            data={
                "series": self.series,
                "title": f"Reunión {word}",
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=2),
                "place": f"Sala {word}",
                "visibility": visibility,
            },
        )

    def document(self, word: str, visibility: str) -> None:
        checked = document_services.check_file(
            SimpleUploadedFile(f"{word}.txt", f"Informe {word}".encode())
        )
        document_services.document_upload(
            actor=self.mem_a,
            files=[checked],
            data={
                "title": f"Informe {word}",
                "kind": Kind.REPORT,
                "visibility": visibility,
                "topics": [self.topic],
            },
        )

    def commitment(self, word: str, visibility: str) -> None:
        responsible = PersonFactory.create(full_name=f"Responsable {word}")
        commitment = agreement_services.commitment_create(
            actor=self.coord,
            data={
                "title": f"Compromiso {word}",
                "responsible_organizations": [self.org_a],
                "responsible_people": [responsible],
                "due_date": timezone.localdate() + dt.timedelta(days=7),
                "visibility": visibility,
            },
        )
        agreement_services.update_post(
            actor=self.coord,
            commitment=commitment,
            data={"text": f"Avance {word}", "status": "in_progress", "progress": 40},
        )

    def minutes(self, word: str, visibility: str) -> None:
        # Minutes of a past meeting of a series of their own (its numbers are the factory's).
        series = SeriesFactory.create(title=f"Serie {word}")
        for user in (self.reg, self.mem_b):
            notification_services.follow_set(
                user=user, target_type="meetings.series", target_id=series.pk, following=True
            )
        minutes = minutes_in(
            "approved", actor=self.coord, series=series, title=f"Reunión pasada {word}"
        )
        minutes_services.minutes_publish(actor=self.coord, minutes=minutes, visibility=visibility)

    def live(self) -> None:
        for word, visibility in ((CANARY, Visibility.MEMBERS), (CONTROL, Visibility.PUBLIC)):
            meeting = self.meeting(word, visibility, days=7)
            meeting_services.meeting_update(
                actor=self.coord, meeting=meeting, data={"place": f"Otra sala {word}"}
            )
            meeting_services.meeting_cancel(
                actor=self.coord, meeting=self.meeting(f"{word} cancelada", visibility, days=20)
            )
            self.document(word, visibility)
            self.commitment(word, visibility)
            self.minutes(word, visibility)
        outbox_plan()  # the reminders and the commitments due in 7 days
        for _ in range(10):
            if not sum(outbox_deliver().values()):
                break
        waiting = Message.objects.filter(status__in=["pending", "sending"]).count()
        self.assertEqual(waiting, 0)

    # --- What left ---------------------------------------------------------------------------

    def test_no_members_only_content_leaves_for_a_non_member_a_group_or_a_webhook(self) -> None:
        self.live()
        outgoing = {
            "email to the non-member": [
                str(m.body) + str(m.subject) for m in mail.outbox if self.reg.email in m.to
            ],
            "Telegram to the non-member": [m.text for m in self.bot.messages(REG_CHAT)],
            "Telegram group": [m.text for m in self.bot.messages(GROUP)],
            "webhook": [r.body.decode() for r in self.receiver.requests],
        }
        member = {
            "email to a member": [
                str(m.body) + str(m.subject) for m in mail.outbox if self.mem_b.email in m.to
            ],
            "Telegram to a member": [m.text for m in self.bot.messages(MEMBER_CHAT)],
        }
        checked = sum(len(texts) for texts in outgoing.values())
        leaks = {where: sum(CANARY in text for text in texts) for where, texts in outgoing.items()}
        print(  # noqa: T201 (the figure of the canary test)
            f"outgoing canaries: {sum(leaks.values())} leaks in {checked} messages "
            f"({', '.join(f'{where} {len(texts)}' for where, texts in outgoing.items())})"
        )
        self.assertEqual(leaks, dict.fromkeys(outgoing, 0))
        self.assertFalse(
            self.receiver.requests and not all(r.verified for r in self.receiver.requests)
        )
        # Positive controls: each channel carried public news, and members got the canary.
        for where, texts in outgoing.items():
            self.assertTrue(any(CONTROL in text for text in texts), f"nothing public in {where}")
        for where, texts in member.items():
            self.assertTrue(any(CANARY in text for text in texts), f"no canary in {where}")
