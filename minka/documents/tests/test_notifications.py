"""``documents.added``: a new document reaches the followers of its topics (and, once the
meetings app has linked it to an agenda, the followers of the meeting's series), a public one
is announced, and nothing members-only reaches a non-member, a group chat or a webhook."""

from __future__ import annotations

from typing import TYPE_CHECKING
from unittest import mock

from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone, translation

from minka.core.tests.base import RoleTestCase, use_temporary_media
from minka.core.visibility import Visibility
from minka.directory.models import Topic
from minka.documents import notifications, services
from minka.documents.models import Kind
from minka.meetings.services import meetings as meeting_services
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory
from minka.notifications import services as notification_services
from minka.notifications.delivery import outbox_deliver
from minka.notifications.kinds import Channel, RenderContext, kind_get
from minka.notifications.models import Message, TelegramChat, WebhookEndpoint
from minka.notifications.tests.helpers import consent_to_news

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.documents.models import Document
    from minka.meetings.models import Meeting

PUBLIC = RenderContext(user=None, channel=Channel.WEBHOOK, public=True)
ADDED = notifications.ADDED


def recipients() -> set[str]:
    return set(
        Message.objects.filter(kind=ADDED, user__isnull=False).values_list("user__email", flat=True)
    )


def meeting_place(place_id: int, context: RenderContext) -> notifications.Place | None:
    """What the meetings app registers (a stand-in here: this app does not read meetings)."""
    from minka.core.visibility import can_see
    from minka.meetings.models import Meeting

    meeting = Meeting.objects.filter(pk=place_id).first()
    if meeting is None or not can_see(context.user, meeting.visibility):
        return None
    return notifications.Place(
        text=f"On the agenda of “{meeting.title}”.",
        url=f"{settings.BASE_URL}{meeting.get_absolute_url()}",
        public_id=str(meeting.public_id),
    )


class DocumentsTestCase(RoleTestCase):
    """``mem_b``, ``reg`` and ``mem_a`` follow the topic "Agua"."""

    def setUp(self) -> None:
        use_temporary_media(self)
        self.topic = Topic.objects.create(name="Agua", slug="agua")
        # A new document is news: it reaches those who consented.
        consent_to_news(self.reg, self.mem_a, self.mem_b, self.coord, self.admin)
        for user in (self.mem_b, self.reg, self.mem_a):
            self.follow(user, "directory.topic", self.topic.pk)
        self.chat = TelegramChat.objects.create(chat_id=-100, title="Red", kinds=[ADDED])
        self.hook = WebhookEndpoint.objects.create(
            url="https://example.org/h", kinds=[ADDED], secret="s"
        )
        self.count = 0

    def follow(self, user: User, target_type: str, target_id: int) -> None:
        notification_services.follow_set(
            user=user, target_type=target_type, target_id=target_id, following=True
        )

    def upload(
        self,
        visibility: str = Visibility.PUBLIC,
        *,
        topics: list[Topic] | None = None,
        issuing_body: str = "",
    ) -> Document:
        self.count += 1
        checked = services.check_file(
            SimpleUploadedFile(f"informe-{self.count}.txt", f"Informe {self.count}".encode())
        )
        outcome = services.document_upload(
            actor=self.mem_a,
            files=[checked],
            data={
                "title": "Informe del agua",
                "kind": Kind.REPORT,
                "visibility": visibility,
                "topics": [self.topic] if topics is None else topics,
                "issuing_body": issuing_body,
            },
        )
        [document] = outcome.created
        return document


class RecipientTests(DocumentsTestCase):
    def test_followers_of_its_topics_get_a_new_document_but_not_the_uploader(self) -> None:
        self.upload()
        self.assertEqual(recipients(), {"mem-b@example.org", "reg@example.org"})

    def test_a_public_document_is_announced(self) -> None:
        self.upload()
        self.assertEqual(
            set(Message.objects.filter(user__isnull=True).values_list("chat", "endpoint")),
            {(self.chat.pk, None), (None, self.hook.pk)},
        )

    def test_a_members_only_document_reaches_members_only(self) -> None:
        """Not the registered follower, not the group chat, not the webhook."""
        self.upload(Visibility.MEMBERS)
        self.assertEqual(recipients(), {"mem-b@example.org"})
        self.assertFalse(Message.objects.filter(user__isnull=True).exists())

    def test_a_document_without_followed_topics_reaches_nobody_in_person(self) -> None:
        self.upload(topics=[])
        self.assertEqual(recipients(), set())

    def test_a_new_version_is_not_news(self) -> None:
        document = self.upload()
        before = Message.objects.count()
        checked = services.check_file(SimpleUploadedFile("v2.txt", b"Segunda version"))
        services.version_add(actor=self.mem_a, document=document, checked=checked, note="")
        self.assertEqual(Message.objects.count(), before)

    def test_the_same_event_twice_adds_nothing(self) -> None:
        document = self.upload()
        rows = sorted(Message.objects.values_list("key", flat=True))
        notifications.documents_added(documents=[document], actor=self.mem_a)
        self.assertEqual(sorted(Message.objects.values_list("key", flat=True)), rows)

    def test_the_kind_is_in_the_repository_group(self) -> None:
        with translation.override("es"):
            self.assertEqual(str(kind_get(ADDED).group), "Repositorio")


class MeetingPlaceTests(DocumentsTestCase):
    """What the meetings app does after linking documents to an agenda item (the call it
    is asked to add): the followers of the meeting's series are told, once."""

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(mock.patch.dict(notifications._places, {"meeting": meeting_place}))
        self.series = SeriesFactory.create()
        self.series_follower = self.mem_b
        self.follow(self.series_follower, "meetings.series", self.series.pk)
        self.follow(self.coord, "meetings.series", self.series.pk)

    def link(self, meeting: Meeting, document: Document) -> None:
        item = AgendaItemFactory.create(meeting=meeting)
        linked = meeting_services.agenda_item_link_documents(
            actor=self.coord, item=item, documents=[document]
        )
        notifications.documents_added(
            documents=linked,
            actor=self.coord,
            place=("meeting", meeting.pk),
            targets=[("meetings.series", self.series.pk)],
        )

    def test_series_followers_get_it_once_and_nothing_is_announced_again(self) -> None:
        document = self.upload(topics=[])
        meeting = MeetingFactory.create(series=self.series, title="Asamblea de diciembre")
        announced = Message.objects.filter(user__isnull=True).count()
        self.link(meeting, document)
        notifications.documents_added(
            documents=[document],
            actor=self.coord,
            place=("meeting", meeting.pk),
            targets=[("meetings.series", self.series.pk)],
        )
        self.assertEqual(recipients(), {"mem-b@example.org"})
        self.assertEqual(Message.objects.filter(user__isnull=True).count(), announced)

    def test_a_members_only_document_on_a_meeting_reaches_members_only(self) -> None:
        self.follow(self.reg, "meetings.series", self.series.pk)
        document = self.upload(Visibility.MEMBERS, topics=[])
        self.link(MeetingFactory.create(series=self.series), document)
        self.assertEqual(recipients(), {"mem-b@example.org"})

    @override_settings(OUTBOX_THREADS=1)
    def test_the_message_names_the_meeting_the_recipient_may_see(self) -> None:
        TelegramChat.objects.all().delete()
        WebhookEndpoint.objects.all().delete()
        self.mem_b.language = "en"
        self.mem_b.save(update_fields=["language"])
        document = self.upload(topics=[])
        meeting = MeetingFactory.create(series=self.series, title="Asamblea de diciembre")
        self.link(meeting, document)
        outbox_deliver(now=timezone.now())
        [email] = mail.outbox
        self.assertEqual(email.to, ["mem-b@example.org"])
        self.assertIn("The document “Informe del agua” was added on", email.body)
        self.assertIn("On the agenda of “Asamblea de diciembre”.", email.body)
        hidden = MeetingFactory.create(series=self.series, visibility=Visibility.MEMBERS)
        params = {"document": document.pk, "place": "meeting", "place_id": hidden.pk}
        notice = notifications.render_added(params, PUBLIC)
        assert notice is not None
        self.assertNotIn(hidden.title, notice.text)
        self.assertNotIn("place", notice.payload)


@override_settings(OUTBOX_THREADS=1)
class RenderingTests(DocumentsTestCase):
    def setUp(self) -> None:
        super().setUp()
        TelegramChat.objects.all().delete()
        WebhookEndpoint.objects.all().delete()

    def test_the_email_says_what_when_and_where_in_each_language(self) -> None:
        self.mem_b.language = "en"
        self.mem_b.save(update_fields=["language"])
        document = self.upload(issuing_body="Autoridad Nacional del Agua")
        self.assertEqual(outbox_deliver(now=timezone.now()), {"sent": 2})
        emails = {email.to[0]: email for email in mail.outbox}
        english, spanish = emails["mem-b@example.org"], emails["reg@example.org"]
        url = f"{settings.BASE_URL}{document.get_absolute_url()}"
        self.assertEqual(english.subject, "New document: Informe del agua")
        self.assertIn("A new document was added to the repository on", english.body)
        self.assertIn(str(timezone.localdate().year), english.body)
        self.assertIn("Kind: Report.", english.body)
        self.assertIn("Topics: Agua.", english.body)
        self.assertIn("Autoridad Nacional del Agua", english.body)
        self.assertIn(url, english.body)
        self.assertIn(f'<a href="{url}">', str(english.alternatives[0][0]))  # type: ignore[attr-defined]
        self.assertIn("Informe", spanish.body)
        self.assertNotIn("Report.", spanish.body)
        self.assertIn(url, spanish.body)

    def test_a_deleted_document_is_skipped(self) -> None:
        document = self.upload()
        services.document_delete(actor=self.coord, document=document)
        self.assertEqual(outbox_deliver(now=timezone.now()), {"skipped": 2})
        self.assertEqual(mail.outbox, [])

    def test_a_document_hidden_before_delivery_is_skipped_for_non_members(self) -> None:
        document = self.upload()
        services.document_update(
            actor=self.coord, document=document, data={"visibility": Visibility.MEMBERS}
        )
        outbox_deliver(now=timezone.now())
        self.assertEqual(
            dict(Message.objects.values_list("user__email", "status")),
            {"mem-b@example.org": "sent", "reg@example.org": "skipped"},
        )

    def test_the_public_rendering_is_for_public_documents_only(self) -> None:
        hidden = self.upload(Visibility.MEMBERS)
        shown = self.upload()
        self.assertIsNone(notifications.render_added({"document": hidden.pk}, PUBLIC))
        notice = notifications.render_added({"document": shown.pk}, PUBLIC)
        assert notice is not None
        self.assertEqual(
            set(notice.payload),
            {
                "event",
                "document",
                "title",
                "kind",
                "language",
                "topics",
                "added_at",
                "issued_on",
                "url",
            },
        )
        self.assertEqual(notice.payload["document"], str(shown.public_id))
        self.assertNotIn("mem-a@example.org", repr(notice.payload))
        self.assertTrue(notice.telegram.startswith("<b>"))
        self.assertIn(f'<a href="{notice.url}">', notice.telegram)
