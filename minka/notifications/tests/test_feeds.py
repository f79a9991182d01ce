"""The Atom feeds (``/feeds/*.atom``): valid Atom 1.0, public content only and the same for
every persona, links from ``BASE_URL``, escaped text, a fixed number of queries, cache
headers and conditional GET, and the links from their pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from minka.agreements.models import Status
from minka.agreements.tests.factories import CommitmentFactory
from minka.core.tests.base import PERSONAS, RoleTestCase
from minka.core.tests.extensions import canary_modules
from minka.core.visibility import Visibility
from minka.directory.tests.factories import PersonFactory
from minka.documents.tests.factories import DocumentFactory, add_version
from minka.meetings.minutes.content import Agreement, MinutesContent
from minka.meetings.minutes.models import Minutes
from minka.meetings.minutes.tests.factories import minutes_in, minutes_with
from minka.meetings.models import Meeting, Modality
from minka.meetings.tests.factories import MeetingFactory, SeriesFactory
from minka.notifications.feeds import ENTRY_LIMIT
from minka.notifications.tests import canaries_feeds as planted

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from minka.agreements.models import Commitment
    from minka.documents.models import Document

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = ("minutes", "documents", "meetings", "commitments")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# Untrusted text as a title, a file name, a summary: it must reach readers as characters.
HOSTILE = '<script>alert("feed")</script> ]]> & <b>negrita</b>'


@dataclass
class Entry:
    id: str
    title: str
    updated: datetime
    link: str
    summary: str

    @property
    def summary_text(self) -> str:
        """The summary as a feed reader shows it (it is ``type="html"``)."""
        return unescape(re.sub(r"<[^>]+>", " ", self.summary))


def moment(text: str | None) -> datetime:
    """An RFC 3339 date-time, checked and parsed."""
    assert text is not None and RFC3339.match(text), text
    return datetime.fromisoformat(text)


def parse(response: Response) -> ET.Element:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 - our own output, under test


def entries(root: ET.Element) -> list[Entry]:
    found = []
    for entry in root.iter(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link is not None
        found.append(
            Entry(
                id=entry.findtext(f"{ATOM}id") or "",
                title=entry.findtext(f"{ATOM}title") or "",
                updated=moment(entry.findtext(f"{ATOM}updated")),
                link=link.get("href", ""),
                summary=entry.findtext(f"{ATOM}summary") or "",
            )
        )
    return found


class _Tags(HTMLParser):
    """Collects the start tags of an HTML fragment (with their attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


class FeedTestCase(RoleTestCase):
    def feed(self, name: str, persona: str = "anon", **extra: Any) -> Response:
        return self.as_(persona).get(reverse(f"feeds:{name}"), **extra)

    def entries(self, name: str, persona: str = "anon") -> list[Entry]:
        return entries(parse(self.feed(name, persona)))

    def entry(self, name: str, path: str) -> Entry:
        """The entry of ``name`` that links to ``path``."""
        url = f"{settings.BASE_URL}{path}"
        found = [e for e in self.entries(name) if e.link == url]
        self.assertEqual(len(found), 1, f"{url} in {name}")
        return found[0]


class AtomFeedTests(FeedTestCase):
    """Public, members-only and coordinators-only items of every kind (``canaries_feeds``)."""

    feed_public_meeting: Meeting
    feed_public_minutes: Minutes
    feed_public_document: Document

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        planted.plant(cls)

    def test_every_feed_is_valid_atom(self) -> None:
        """Root ``feed`` in the Atom namespace, with id, title, updated, author, links
        ``self`` and ``alternate`` (absolute); each entry with id, title, updated (RFC
        3339), an absolute link; ids unique tag URIs."""
        host = re.escape(urlsplit(settings.BASE_URL).hostname or "")
        for name in FEEDS:
            with self.subTest(feed=name):
                root = parse(self.feed(name))
                self.assertEqual(root.tag, f"{ATOM}feed")
                self.assertEqual(root.get("{http://www.w3.org/XML/1998/namespace}lang"), "es")
                self.assertTrue(root.findtext(f"{ATOM}title"))
                moment(root.findtext(f"{ATOM}updated"))
                self.assertEqual(root.findtext(f"{ATOM}author/{ATOM}name"), settings.NETWORK_NAME)
                links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
                self_url = f"{settings.BASE_URL}{reverse(f'feeds:{name}')}"
                self.assertEqual(links["self"], self_url)
                self.assertTrue(str(links["alternate"]).startswith(f"{settings.BASE_URL}/"))
                self.assertEqual(root.findtext(f"{ATOM}id"), self_url)
                found = entries(root)
                self.assertGreater(len(found), 0)
                ids = [entry.id for entry in found]
                self.assertEqual(len(ids), len(set(ids)))
                for entry in found:
                    self.assertRegex(entry.id, rf"^tag:{host},\d{{4}}-\d{{2}}-\d{{2}}:/\S+/$")
                    self.assertTrue(entry.title)
                    self.assertTrue(entry.link.startswith(f"{settings.BASE_URL}/"), entry.link)
                    self.assertIsNotNone(entry.updated.tzinfo)

    def test_only_public_items_are_listed_for_every_persona(self) -> None:
        """Whoever asks, no members-only or coordinators-only item reaches a feed, and the
        public ones do; the feed is byte for byte the same for every persona."""
        public = {
            "minutes": planted.PUBLIC_SUMMARY,
            "documents": planted.PUBLIC_DOCUMENT,
            "meetings": planted.PUBLIC_MEETING,
            "commitments": planted.PUBLIC_COMMITMENT,
        }
        hidden = planted.CANARIES + planted.MEMBERS_CANARIES
        for name in FEEDS:
            bodies = set()
            for persona in PERSONAS:
                with self.subTest(feed=name, persona=persona):
                    response = self.feed(name, persona)
                    text = response.content.decode()
                    self.assertIn(public[name], text)
                    self.assertEqual([c for c in hidden if c in text], [])
                    bodies.add(response.content)
            self.assertEqual(len(bodies), 1, f"{name} differs between personas")

    def test_minutes_feed_lists_only_published_public_minutes(self) -> None:
        """Drafts, minutes in review or approved, and minutes published for members are
        left out: their pages are not linked."""
        links = {entry.link for entry in self.entries("minutes", "coord")}
        public = self.feed_public_minutes
        self.assertIn(f"{settings.BASE_URL}{public.get_absolute_url()}", links)
        for name in ("draft", "review", "approved", "members"):
            minutes = getattr(self, f"feed_{name}_minutes")
            self.assertNotIn(f"{settings.BASE_URL}{minutes.get_absolute_url()}", links)

    def test_minutes_entry_names_the_meeting_its_summary_and_agreements(self) -> None:
        minutes: Minutes = self.feed_public_minutes
        entry = self.entry("minutes", minutes.get_absolute_url())
        self.assertIn(minutes.meeting.title, entry.title)
        self.assertIn(planted.PUBLIC_SUMMARY, entry.summary_text)
        self.assertIn("Enviar el informe", entry.summary_text)
        assert minutes.published_at is not None
        self.assertEqual(entry.updated, minutes.published_at.replace(microsecond=0))

    def test_published_minutes_of_a_members_only_meeting_are_left_out(self) -> None:
        minutes = minutes_with(
            status=Minutes.Status.PUBLISHED,
            meeting=MeetingFactory.create(visibility=Visibility.MEMBERS),
        )
        links = {entry.link for entry in self.entries("minutes")}
        self.assertNotIn(f"{settings.BASE_URL}{minutes.get_absolute_url()}", links)

    def test_minutes_newest_published_first(self) -> None:
        older = minutes_with(status=Minutes.Status.PUBLISHED)
        Minutes.objects.filter(pk=older.pk).update(
            published_at=timezone.now() - timedelta(days=400)
        )
        newer = minutes_with(status=Minutes.Status.PUBLISHED, meeting=MeetingFactory.create())
        links = [entry.link for entry in self.entries("minutes")]
        self.assertEqual(links[0], f"{settings.BASE_URL}{newer.get_absolute_url()}")
        self.assertEqual(links[-1], f"{settings.BASE_URL}{older.get_absolute_url()}")

    def test_meeting_entry_says_when_and_where_without_the_online_link(self) -> None:
        meeting: Meeting = self.feed_public_meeting
        entry = self.entry("meetings", meeting.get_absolute_url())
        with translation.override("es"):
            day = date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
            self.assertEqual(
                entry.title, _("%(date)s: %(title)s") % {"date": day, "title": meeting.title}
            )
            online = _("Where: online (the link is for members of the network).")
        self.assertIn(day, entry.summary_text)
        self.assertIn("10:00", entry.summary_text)
        self.assertIn("12:00", entry.summary_text)
        self.assertIn(online, entry.summary_text)
        self.assertNotIn(planted.ONLINE_URL, entry.summary)
        self.assertEqual(entry.updated, meeting.updated_at.replace(microsecond=0))

    def test_meeting_entry_names_the_place_and_a_cancellation(self) -> None:
        meeting = MeetingFactory.create(
            place="Casa de la Cultura, Cusco",
            modality=Modality.HYBRID,
            status=Meeting.Status.CANCELLED,
        )
        entry = self.entry("meetings", meeting.get_absolute_url())
        with translation.override("es"):
            day = date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
            title = _("Cancelled: %(date)s: %(title)s") % {"date": day, "title": meeting.title}
            cancelled = _("This meeting was cancelled.")
        self.assertEqual(entry.title, title)
        self.assertIn("Casa de la Cultura, Cusco", entry.summary_text)
        self.assertIn(cancelled, entry.summary_text)

    def test_a_changed_meeting_moves_first_and_keeps_its_id(self) -> None:
        meeting: Meeting = self.feed_public_meeting
        MeetingFactory.create()  # changed later than the planted meeting
        before = self.entry("meetings", meeting.get_absolute_url())
        meeting.title = "Reunion publica cambiada"
        meeting.save()
        found = self.entries("meetings")
        self.assertEqual(found[0].link, before.link)
        self.assertEqual(found[0].id, before.id)
        self.assertIn("Reunion publica cambiada", found[0].title)

    def test_meetings_of_a_members_only_series_are_left_out(self) -> None:
        """As in the public calendar: the meeting and its series must both be public."""
        series = SeriesFactory.create(slug="serie-feed-miembros", visibility=Visibility.MEMBERS)
        meeting = MeetingFactory.create(series=series)
        links = {entry.link for entry in self.entries("meetings")}
        self.assertNotIn(f"{settings.BASE_URL}{meeting.get_absolute_url()}", links)

    def test_documents_newest_version_first(self) -> None:
        """A new version brings its document first, under the same id, naming the file."""
        document: Document = self.feed_public_document
        newer = DocumentFactory.create(title="Documento mas nuevo")
        add_version(newer)
        before = self.entry("documents", document.get_absolute_url())
        self.assertNotEqual(self.entries("documents")[0].link, before.link)
        add_version(document, text="Segunda version", name="informe-final.pdf", note="Cifras")
        first = self.entries("documents")[0]
        self.assertEqual((first.link, first.id), (before.link, before.id))
        self.assertIn("informe-final.pdf", first.summary_text)
        self.assertIn("Cifras", first.summary_text)
        self.assertGreater(first.updated, before.updated - timedelta(seconds=1))

    def test_a_document_without_a_file_is_left_out(self) -> None:
        document = DocumentFactory.create(title="Documento sin archivo")
        self.assertNotIn(document.title, self.feed("documents").content.decode())

    def test_commitment_entry_names_owners_deadline_and_status(self) -> None:
        commitment = CommitmentFactory.create(
            title="Publicar el informe anual",
            owners=[self.org_a],
            due_date=timezone.localdate() - timedelta(days=2),
            status=Status.IN_PROGRESS,
            progress=40,
        )
        commitment.responsible_people.set(
            [PersonFactory.create(full_name="Rosa Quispe Publica", public_listing=True)]
        )
        entry = self.entry("commitments", commitment.get_absolute_url())
        self.assertEqual(entry.title, "Publicar el informe anual")
        assert commitment.due_date is not None
        with translation.override("es"):
            due = date_format(commitment.due_date, "DATE_FORMAT")
            status = str(Status.IN_PROGRESS.label)
            overdue = _("This commitment is overdue.")
        for text in (self.org_a.name, "Rosa Quispe Publica", due, status, "40 %", overdue):
            self.assertIn(text, entry.summary_text)

    def test_at_most_fifty_entries(self) -> None:
        for _number in range(ENTRY_LIMIT + 5):
            MeetingFactory.create()
        self.assertEqual(len(self.entries("meetings")), ENTRY_LIMIT)

    def test_texts_follow_the_active_language(self) -> None:
        """Spanish unless the visitor chose English (the language cookie)."""
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        root = parse(self.client.get(reverse("feeds:minutes")))
        self.assertEqual(root.get("{http://www.w3.org/XML/1998/namespace}lang"), "en")
        self.assertEqual(
            root.findtext(f"{ATOM}title"), f"Published minutes — {settings.NETWORK_NAME}"
        )
        spanish = parse(self.as_("anon").get(reverse("feeds:minutes")))
        with translation.override("es"):
            title = _("Published minutes — %(network)s") % {"network": settings.NETWORK_NAME}
        self.assertEqual(spanish.findtext(f"{ATOM}title"), title)

    @override_settings(ALLOWED_HOSTS=["*"], BASE_URL="https://red.example.org")
    def test_links_come_from_base_url_never_from_the_host_header(self) -> None:
        """A forged Host header (SECURITY.md) reaches no link or id."""
        for name in FEEDS:
            with self.subTest(feed=name):
                response = self.client.get(reverse(f"feeds:{name}"), HTTP_HOST="evil.example")
                self.assertNotIn(b"evil.example", response.content)
                root = parse(response)
                hrefs = [link.get("href", "") for link in root.iter(f"{ATOM}link")]
                self.assertGreater(len(hrefs), 2)
                for href in hrefs:
                    self.assertTrue(href.startswith("https://red.example.org/"), href)
                for entry in entries(root):
                    self.assertTrue(entry.id.startswith("tag:red.example.org,"), entry.id)

    def test_cache_headers_and_conditional_get(self) -> None:
        """Cacheable five minutes (never ``no-store`` for visitors), with an ETag and the
        Last-Modified of the newest entry: asking again with either answers 304."""
        for name in FEEDS:
            with self.subTest(feed=name):
                response = self.feed(name)
                self.assertIn("max-age=300", response["Cache-Control"])
                self.assertNotIn("no-store", response["Cache-Control"])
                etag, modified = response["ETag"], response["Last-Modified"]
                again = self.feed(name, HTTP_IF_NONE_MATCH=etag)
                self.assertEqual(again.status_code, 304)
                self.assertEqual(again.content, b"")
                since = self.feed(name, HTTP_IF_MODIFIED_SINCE=modified)
                self.assertEqual(since.status_code, 304)
                changed = self.feed(name, HTTP_IF_NONE_MATCH='"another"')
                self.assertEqual(changed.status_code, 200)

    def test_only_get_and_head(self) -> None:
        for name in FEEDS:
            with self.subTest(feed=name):
                url = reverse(f"feeds:{name}")
                self.assertEqual(self.client.head(url).status_code, 200)
                self.assertEqual(self.client.post(url).status_code, 405)


class EscapingTests(FeedTestCase):
    """Titles, file names, places and minutes are untrusted text (Decidim CVE-2023-51447)."""

    meeting: Meeting
    document: Document
    commitment: Commitment
    minutes: Minutes

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.meeting = MeetingFactory.create(title=HOSTILE, place=HOSTILE, description=HOSTILE)
        cls.document = DocumentFactory.create(title=HOSTILE, description=HOSTILE)
        add_version(cls.document, name=f"{HOSTILE}.pdf", note=HOSTILE)
        cls.commitment = CommitmentFactory.create(
            title=HOSTILE, description=HOSTILE, responsible_text=HOSTILE
        )
        content = MinutesContent(summary=HOSTILE, agreements=[Agreement(text=HOSTILE)])
        cls.minutes = minutes_in("published", actor=cls.coord, content=content, title=HOSTILE)

    def test_untrusted_text_reaches_readers_as_characters(self) -> None:
        """No markup or CDATA end from the data in the bytes; titles are that text; the
        HTML summaries contain only our paragraphs, and read as that text."""
        items: dict[str, Any] = {
            "meetings": self.meeting,
            "documents": self.document,
            "commitments": self.commitment,
            "minutes": self.minutes,
        }
        for name, item in items.items():
            with self.subTest(feed=name):
                response = self.feed(name)
                for raw in (b"<script", b"]]>", b"<b>"):
                    self.assertNotIn(raw, response.content)
                # In a summary (HTML inside XML) the text is escaped twice.
                self.assertIn(b"&amp;lt;script&amp;gt;", response.content)
                entry = self.entry(name, item.get_absolute_url())
                self.assertIn(HOSTILE, entry.title)
                self.assertEqual({tag for tag, _attrs in tags(entry.summary)}, {"p"})
                self.assertIn(HOSTILE, entry.summary_text)

    def test_characters_xml_cannot_carry_are_dropped(self) -> None:
        """A control character in a title would make the XML writer fail: it is left out
        and the feed still answers."""
        meeting = MeetingFactory.create(title="Reunion\x0bcon\x1fcontrol", place="Sala\x0c 1")
        entry = self.entry("meetings", meeting.get_absolute_url())
        self.assertTrue(entry.title.endswith("Reunionconcontrol"))
        self.assertIn("Sala 1", entry.summary_text)


class QueryCountTests(FeedTestCase):
    """A fixed number of queries, whatever the number of entries (3 or 30)."""

    def _meeting(self) -> None:
        MeetingFactory.create()

    def _minutes(self) -> None:
        minutes_with(status=Minutes.Status.PUBLISHED, meeting=MeetingFactory.create())

    def _document(self) -> None:
        add_version(DocumentFactory.create())

    def _commitment(self) -> None:
        commitment = CommitmentFactory.create(owners=[self.org_a, self.org_b])
        commitment.responsible_people.set([PersonFactory.create(public_listing=True)])

    # Feed → (how to add one public item, queries for a visitor).
    CASES: ClassVar[dict[str, tuple[str, int]]] = {
        "meetings": ("_meeting", 1),
        "minutes": ("_minutes", 1),
        "documents": ("_document", 1),
        "commitments": ("_commitment", 3),
    }

    def _count(self, name: str, persona: str) -> int:
        client = self.as_(persona)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(f"feeds:{name}"))
        return len(queries)

    def test_queries_do_not_grow_with_the_entries(self) -> None:
        for name, (method, expected) in self.CASES.items():
            with self.subTest(feed=name):
                add: Callable[[], None] = getattr(self, method)
                before = len(self.entries(name))
                for _number in range(3):
                    add()
                with self.assertNumQueries(expected):
                    self.assertEqual(len(self.entries(name)), before + 3)
                signed_in = self._count(name, "coord")
                for _number in range(27):
                    add()
                with self.assertNumQueries(expected):
                    self.assertEqual(len(self.entries(name)), before + 30)
                self.assertEqual(self._count(name, "coord"), signed_in)


class PageLinkTests(FeedTestCase):
    """Each list page announces its feeds in the head and links them visibly."""

    PAGES: ClassVar[dict[str, tuple[str, ...]]] = {
        "meetings:meeting-list": ("meetings", "minutes"),
        "documents:document-list": ("documents",),
        "agreements:dashboard": ("commitments",),
    }

    def test_list_pages_link_their_feeds(self) -> None:
        for route, feeds in self.PAGES.items():
            for persona in PERSONAS:
                with self.subTest(page=route, persona=persona):
                    response = self.as_(persona).get(reverse(route))
                    self.assertEqual(response.status_code, 200)
                    found = tags(response.content.decode())
                    alternates = {
                        attrs.get("href")
                        for tag, attrs in found
                        if tag == "link"
                        and attrs.get("rel") == "alternate"
                        and attrs.get("type") == "application/atom+xml"
                        and attrs.get("title")
                    }
                    anchors = {attrs.get("href") for tag, attrs in found if tag == "a"}
                    for feed in feeds:
                        url = reverse(f"feeds:{feed}")
                        self.assertIn(url, alternates)
                        self.assertIn(url, anchors)
                        self.assertEqual(self.client.get(url).status_code, 200)


class EveryCanaryTests(FeedTestCase):
    """The canaries of every area (``canaries_*`` modules: members-only and coordinators-
    only content of the directory, documents, meetings, minutes, agreements...) reach no
    feed, for any persona: a feed is public whoever reads it."""

    @classmethod
    def setUpTestData(cls) -> None:
        from minka.core.tests.test_access_matrix import Objects

        super().setUpTestData()
        Objects(cls)
        for module in canary_modules():
            module.plant(cls)

    def test_no_canary_of_any_area_in_any_feed(self) -> None:
        canaries: list[str] = []
        for module in canary_modules():
            canaries += module.CANARIES + getattr(module, "MEMBERS_CANARIES", [])
        canaries = [c.lower() for c in canaries]
        self.assertGreater(len(canaries), 50)
        entries_seen = 0
        for persona in PERSONAS:
            for name in FEEDS:
                response = self.feed(name, persona)
                entries_seen += len(entries(parse(response)))
                text = response.content.decode().lower()
                self.assertEqual([c for c in canaries if c in text], [], f"{name} as {persona}")
        self.assertGreater(entries_seen, 0)
