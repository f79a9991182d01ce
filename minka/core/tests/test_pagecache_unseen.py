"""Writes no visitor can see keep the rendered-page cache: a members-only document (its
upload and its processing by the task worker) and an answer to "¿Asistirá?". Each test also
renders the visitor's pages afresh, without the cache, before and after, and finds them
unchanged: the proof that the cache kept nothing stale."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import transaction
from django.test import Client, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from minka.core import pagecache
from minka.core.tests.base import client_for, make_personas, use_temporary_media
from minka.core.visibility import Visibility
from minka.documents import services
from minka.documents.models import Document
from minka.documents.selectors import document_years
from minka.documents.tests.views_base import upload
from minka.meetings.models import Invitee, Meeting
from minka.meetings.tests.factories import MeetingFactory

if TYPE_CHECKING:
    from minka.accounts.models import User

ON = override_settings(PAGE_CACHE_SECONDS=300)
OFF = override_settings(PAGE_CACHE_SECONDS=0)
WORD = "zanahoriasecreta"  # a word only the uploaded document holds


@ON
class UnseenWritesTests(TransactionTestCase):
    def setUp(self) -> None:
        caches[pagecache.CACHE_ALIAS].clear()
        use_temporary_media(self)
        self.personas = make_personas()
        start = timezone.now() + timedelta(days=7)
        self.meeting = MeetingFactory.create(
            title="Reunión abierta",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            visibility=Visibility.PUBLIC,
        )
        self.search_url = reverse("search:search") + f"?q={WORD}"  # never stored: rate-limited
        self.cached_urls = [
            reverse("site:home"),
            reverse("documents:document-list"),
            self.personas["org_a"].get_absolute_url(),
            self.meeting.get_absolute_url(),
        ]
        self.urls = [*self.cached_urls, self.search_url]

    def visitor_pages(self) -> list[str]:
        """What a visitor gets, rendered afresh."""
        with OFF:
            return [Client().get(url).content.decode() for url in self.urls]

    def upload(self, visibility: str) -> Document:
        member: User = self.personas["mem_a"]
        checked = services.check_file(upload("nota.txt", f"Texto con {WORD}.".encode()))
        outcome = services.document_upload(
            actor=member,
            files=[checked],
            data={
                "title": f"Nota {visibility}",
                "kind": "other",
                "language": "es",
                "license": "cc-by-4.0",
                "visibility": visibility,
                "organizations": [self.personas["org_a"]],
            },
        )
        document = outcome.created[0]
        # The test settings' task backend ran the extraction when the upload committed.
        version = Document.objects.get(pk=document.pk).latest_version
        assert version is not None
        assert version.status == version.Status.DONE, version.detail
        return document

    def test_a_block_marked_unseen_keeps_the_version_and_the_rest_of_its_transaction_not(
        self,
    ) -> None:
        before = pagecache.current_version()
        with transaction.atomic(), pagecache.unseen_by_visitors():
            Meeting.objects.filter(pk=self.meeting.pk).update(title="Reunión abierta")
        self.assertEqual(pagecache.current_version(), before)
        with transaction.atomic():
            with pagecache.unseen_by_visitors():
                Meeting.objects.filter(pk=self.meeting.pk).update(title="Reunión abierta")
            Meeting.objects.filter(pk=self.meeting.pk).update(title="Reunión renombrada")
        self.assertNotEqual(pagecache.current_version(), before)

    def test_a_members_only_document_changes_no_visitors_page_and_keeps_the_cache(self) -> None:
        fresh = self.visitor_pages()
        for url in self.cached_urls:
            self.assertEqual(Client().get(url)["X-Page-Cache"], "miss")  # stored
        version = pagecache.current_version()
        document = self.upload(Visibility.MEMBERS)  # and processed by the task worker
        self.assertEqual(pagecache.current_version(), version)
        hits = [Client().get(url)["X-Page-Cache"] for url in self.cached_urls]
        self.assertEqual(hits, ["hit"] * len(self.cached_urls))
        self.assertEqual(self.visitor_pages(), fresh)
        # Members find it at once, by a word of its text: their pages are never cached.
        member = client_for(self.personas["mem_a"])
        self.assertContains(member.get(self.search_url), document.title)

    def test_members_figures_follow_an_unseen_write_at_once(self) -> None:
        """What cached_until_next_write keeps (members' year filter) follows the data
        version, which unseen writes replace too; visitors' pages stay stored."""
        document = self.upload(Visibility.MEMBERS)
        member, visitor = self.personas["mem_a"], AnonymousUser()
        before = (document_years(member), document_years(visitor))  # computed, then kept
        listed = reverse("documents:document-list")
        Client().get(listed)  # stored
        versions = (
            pagecache.current_version(),
            pagecache.current_version(pagecache.DATA_VERSION_KEY),
        )
        with transaction.atomic(), pagecache.unseen_by_visitors():
            Document.objects.filter(pk=document.pk).update(issued_on=date(1998, 5, 1))
        self.assertEqual(pagecache.current_version(), versions[0])
        self.assertNotEqual(pagecache.current_version(pagecache.DATA_VERSION_KEY), versions[1])
        self.assertNotIn(1998, before[0])
        self.assertIn(1998, document_years(member))
        self.assertEqual(document_years(visitor), before[1])
        self.assertEqual(Client().get(listed)["X-Page-Cache"], "hit")

    def test_a_public_document_shows_on_the_next_visitors_request(self) -> None:
        for url in self.cached_urls:
            Client().get(url)
        version = pagecache.current_version()
        document = self.upload(Visibility.PUBLIC)
        self.assertNotEqual(pagecache.current_version(), version)
        listed = Client().get(reverse("documents:document-list"))
        self.assertEqual(listed["X-Page-Cache"], "miss")
        self.assertContains(listed, document.title)
        self.assertContains(Client().get(self.search_url), document.title)

    def test_a_members_only_document_made_public_shows_at_once(self) -> None:
        document = Document.objects.get(pk=self.upload(Visibility.MEMBERS).pk)  # processed
        listed = reverse("documents:document-list")
        Client().get(listed)
        services.document_update(
            actor=self.personas["coord"],
            document=document,
            data={
                "title": document.title,
                "kind": "other",
                "language": "es",
                "license": "cc-by-4.0",
                "visibility": Visibility.PUBLIC,
            },
        )
        self.assertContains(Client().get(listed), document.title)
        self.assertContains(Client().get(self.search_url), document.title)

    def test_an_answer_to_will_you_attend_keeps_the_visitors_meeting_page(self) -> None:
        member = client_for(self.personas["mem_a"])
        rsvp = reverse("meetings:meeting-rsvp", args=[self.meeting.public_id])
        # The first answer may create the member's directory record: that counts as a change.
        member.post(rsvp, {"answer": "maybe"})
        fresh = self.visitor_pages()
        self.assertEqual(Client().get(self.meeting.get_absolute_url())["X-Page-Cache"], "miss")
        version = pagecache.current_version()
        for answer in ("yes", "no"):
            self.assertIn(member.post(rsvp, {"answer": answer}).status_code, (200, 302))
            self.assertEqual(Invitee.objects.get(meeting=self.meeting).rsvp, answer)
        self.assertEqual(pagecache.current_version(), version)
        self.assertEqual(Client().get(self.meeting.get_absolute_url())["X-Page-Cache"], "hit")
        self.assertEqual(self.visitor_pages(), fresh)
        # Members see the answers counted at once.
        self.assertContains(member.get(self.meeting.get_absolute_url()), "<dd>1</dd>")
