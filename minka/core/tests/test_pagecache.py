"""Public pages set no cookie, may be kept by shared caches, and are served from the
rendered-page cache (minka.core.pagecache) to visitors only, fresh after every change."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client, TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from minka.core import pagecache
from minka.core.tests.base import RoleTestCase, client_for, make_personas
from minka.core.visibility import Visibility
from minka.documents.tests.factories import DocumentFactory, add_version
from minka.meetings.models import Meeting
from minka.meetings.tests.factories import MeetingFactory

if TYPE_CHECKING:
    from minka.directory.models import Organization
    from minka.documents.models import Document

CANARY = "canary-members-only-7f3a"
ON = override_settings(PAGE_CACHE_SECONDS=300)


def _directives(response: Any) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def _vary(response: Any) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part}


def _public_urls(meeting: Meeting, organization: Organization, document: Document) -> list[str]:
    return [
        reverse("site:home"),
        reverse("meetings:meeting-list"),
        meeting.get_absolute_url(),
        reverse("documents:document-list"),
        document.get_absolute_url(),
        reverse("directory:organization-list"),
        organization.get_absolute_url(),
        reverse("agreements:dashboard"),
        reverse("core:privacy"),
        reverse("core:accessibility"),
    ]


class PublicPagesTestCase(RoleTestCase):
    """Every persona, a public meeting and document, and a members-only canary meeting."""

    meeting: Meeting
    document: Document
    hidden: Meeting

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.meeting = MeetingFactory.create(title="Reunión pública")
        cls.meeting.organizations.add(cls.org_a)
        cls.document = DocumentFactory.create(title="Documento público")
        add_version(cls.document)
        cls.hidden = MeetingFactory.create(title=CANARY, visibility=Visibility.MEMBERS)


class PublicHeaderTests(PublicPagesTestCase):
    def urls(self) -> list[str]:
        return _public_urls(self.meeting, self.org_a, self.document)

    def test_anonymous_public_pages_set_no_cookie_and_are_public(self) -> None:
        for url in self.urls():
            with self.subTest(url=url):
                response = Client().get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(list(response.cookies), [])
                self.assertEqual(_directives(response), {"public", "max-age=60"})
                self.assertEqual(_vary(response), {"cookie", "hx-request"})
                self.assertNotIn("csrfmiddlewaretoken", response.content.decode())
        print(f"public pages: {len(self.urls())} without cookies, public for 60 s")  # noqa: T201

    def test_signed_in_pages_stay_private_and_not_stored(self) -> None:
        client = self.as_("mem_a")
        for url in self.urls():
            with self.subTest(url=url):
                response = client.get(url)
                self.assertTrue({"private", "no-store"} <= _directives(response))
                self.assertNotIn("public", _directives(response))
                self.assertIn("cookie", _vary(response))

    def test_pages_with_a_form_keep_their_csrf_cookie_and_stay_private(self) -> None:
        for name in ("account_login", "account_signup"):
            with self.subTest(name=name):
                response = Client().get(reverse(name))
                self.assertIn("csrftoken", response.cookies)
                self.assertIn("private", _directives(response))
                refused = Client(enforce_csrf_checks=True).post(reverse(name), {"login": "x"})
                self.assertEqual(refused.status_code, 403)

    def test_a_visitors_language_switch_needs_no_token_and_sets_only_the_language(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("accounts:set-language"), {"language": "en", "next": "/"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(sorted(response.cookies), [settings.LANGUAGE_COOKIE_NAME])
        page = client.get("/")
        self.assertEqual(page["Content-Language"], "en")
        self.assertEqual(list(page.cookies), [])

    def test_a_signed_in_users_language_switch_still_needs_the_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.mem_a)
        response = client.post(reverse("accounts:set-language"), {"language": "en", "next": "/"})
        self.assertEqual(response.status_code, 403)
        self.mem_a.refresh_from_db()
        self.assertNotEqual(self.mem_a.language, "en")

    def test_the_language_switch_of_a_signed_in_user_carries_the_token(self) -> None:
        content = self.as_("mem_a").get("/").content.decode()
        self.assertIn("csrfmiddlewaretoken", content)
        self.assertIn("X-CSRFToken", content)

    def test_a_visitor_with_a_message_gets_a_private_page(self) -> None:
        client = Client()
        client.post(reverse("accounts:set-language"), {"language": "xx", "next": "/"})
        self.assertIn("messages", client.cookies)
        response = client.get("/")
        self.assertIn("private", _directives(response))
        self.assertNotIn("public", _directives(response))

    def test_missing_pages_and_htmx_fragments_are_not_public(self) -> None:
        missing = Client().get("/no-existe/")
        self.assertEqual(missing.status_code, 404)
        self.assertNotIn("public", _directives(missing))
        fragment = Client().get(reverse("meetings:meeting-list"), headers={"HX-Request": "true"})
        self.assertNotIn("public", _directives(fragment))


@ON
class PageCacheTests(PublicPagesTestCase):
    def setUp(self) -> None:
        caches[pagecache.CACHE_ALIAS].clear()

    def test_a_visitors_second_request_is_served_from_the_cache_without_sql(self) -> None:
        for url in _public_urls(self.meeting, self.org_a, self.document):
            with self.subTest(url=url):
                first = Client().get(url)
                self.assertEqual(first["X-Page-Cache"], "miss")
                with self.assertNumQueries(0):
                    second = Client().get(url)
                self.assertEqual(second["X-Page-Cache"], "hit")
                self.assertEqual(second.content, first.content)
                self.assertEqual(_directives(second), {"public", "max-age=60"})
                self.assertIn("X-Request-ID", second)
                self.assertIn("Content-Security-Policy", second)
                self.assertEqual(Client().head(url)["X-Page-Cache"], "hit")

    def test_each_language_has_its_own_copy(self) -> None:
        spanish = Client().get("/")
        english_client = Client()
        english_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = english_client.get("/")
        self.assertEqual(english["X-Page-Cache"], "miss")
        self.assertEqual(english["Content-Language"], "en")
        self.assertEqual(english_client.get("/")["X-Page-Cache"], "hit")
        again = Client().get("/")
        self.assertEqual(again["X-Page-Cache"], "hit")
        self.assertEqual(again.content, spanish.content)
        self.assertNotEqual(english.content, spanish.content)

    def test_each_query_string_has_its_own_copy(self) -> None:
        url = reverse("documents:document-list")
        Client().get(url)
        other = Client().get(f"{url}?kind=report")
        self.assertEqual(other["X-Page-Cache"], "miss")
        self.assertNotIn("Documento público", other.content.decode())
        self.assertIn("Documento público", Client().get(url).content.decode())

    def test_signed_in_users_never_get_or_store_a_cached_page(self) -> None:
        url = reverse("meetings:meeting-list")
        Client().get(url)
        for persona in ("reg", "mem_a", "coord"):
            with self.subTest(persona=persona):
                response = self.as_(persona).get(url)
                self.assertNotIn("X-Page-Cache", response)
                self.assertIn("no-store", _directives(response))
        self.assertIn(CANARY, self.as_("mem_a").get(url).content.decode())

    def test_members_only_content_never_reaches_the_cache(self) -> None:
        urls = [reverse("meetings:meeting-list"), self.hidden.get_absolute_url(), "/"]
        for url in urls:
            self.as_("mem_a").get(url)
            Client().get(url)
            self.assertNotIn(CANARY, Client().get(url).content.decode())
        stored = caches[pagecache.CACHE_ALIAS]._cache  # type: ignore[attr-defined]
        self.assertTrue(stored)
        self.assertFalse([key for key, value in stored.items() if CANARY.encode() in value])

    def test_pages_with_cookies_or_errors_or_messages_are_not_stored(self) -> None:
        login = Client().get(reverse("account_login"))
        self.assertNotIn("X-Page-Cache", login)
        self.assertNotIn("X-Page-Cache", Client().get(reverse("account_login")))
        self.assertNotIn("X-Page-Cache", Client().get("/no-existe/"))
        with_message = Client()
        with_message.post(reverse("accounts:set-language"), {"language": "xx", "next": "/"})
        self.assertNotIn("X-Page-Cache", with_message.get("/"))

    @override_settings(PAGE_CACHE_SECONDS=0)
    def test_zero_turns_the_cache_off(self) -> None:
        Client().get("/")
        self.assertNotIn("X-Page-Cache", Client().get("/"))


class WriteWatchTests(TestCase):
    def test_updates_inserts_and_deletes_bump_the_version_but_sessions_do_not(self) -> None:
        cache = caches[pagecache.CACHE_ALIAS]
        before = pagecache.current_version()
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            with connection.cursor() as cursor:
                cursor.execute("UPDATE django_session SET expire_date = expire_date")
        self.assertEqual(callbacks, [])
        self.assertEqual(cache.get(pagecache.VERSION_KEY), before)
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            with transaction.atomic():
                Meeting.objects.filter(pk=0).update(title="x")  # bulk: no signal is sent
        self.assertEqual(len(callbacks), 1)
        self.assertNotEqual(cache.get(pagecache.VERSION_KEY), before)


@ON
class InvalidationTests(TransactionTestCase):
    """Real commits: what one request changes, the next visitor sees at once."""

    def setUp(self) -> None:
        caches[pagecache.CACHE_ALIAS].clear()
        self.personas = make_personas()
        start = timezone.now() - timedelta(hours=3)
        self.meeting = MeetingFactory.create(
            title="Reunión que se realizó", starts_at=start, ends_at=start + timedelta(hours=2)
        )

    def test_a_change_made_in_one_request_is_visible_on_the_next_anonymous_request(self) -> None:
        url = self.meeting.get_absolute_url()
        self.assertEqual(Client().get(url)["X-Page-Cache"], "miss")
        self.assertEqual(Client().get(url)["X-Page-Cache"], "hit")
        coordinator = client_for(self.personas["coord"])
        held = coordinator.post(reverse("meetings:meeting-held", args=[self.meeting.public_id]))
        self.assertEqual(held.status_code, 302)
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.status, Meeting.Status.HELD)
        after = Client().get(url)
        self.assertEqual(after["X-Page-Cache"], "miss")
        self.assertIn("Realizada", after.content.decode())

    def test_a_bulk_update_outside_the_services_invalidates_too(self) -> None:
        url = reverse("meetings:meeting-list")
        Client().get(url)
        Meeting.objects.filter(pk=self.meeting.pk).update(title="Título cambiado en bloque")
        response = Client().get(url)
        self.assertEqual(response["X-Page-Cache"], "miss")
        self.assertIn("Título cambiado en bloque", response.content.decode())

    def test_a_rolled_back_change_keeps_the_cache(self) -> None:
        url = reverse("meetings:meeting-list")
        Client().get(url)
        try:
            with transaction.atomic():
                Meeting.objects.filter(pk=self.meeting.pk).update(title="Nunca guardado")
                raise RuntimeError
        except RuntimeError:
            pass
        self.assertEqual(Client().get(url)["X-Page-Cache"], "hit")
