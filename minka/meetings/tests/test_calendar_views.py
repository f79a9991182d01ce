"""Calendar routes for every role: the public feed, one meeting's ``.ics``, the personal
feed (by token) and the page that creates, replaces and revokes it."""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING
from unittest import mock

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from minka.accounts.models import User
from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.meetings.models import CalendarFeed, Meeting
from minka.meetings.services import calendar as services
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory
from minka.meetings.views import calendar as views

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

PUBLIC_LINK = "https://meet.example.org/publica-enlace"
MEMBERS_LINK = "https://meet.example.org/miembros-enlace"


def summaries(response: Response) -> list[str]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return [str(event["SUMMARY"]) for event in calendar.events]


def unfolded(content: bytes) -> bytes:
    """The iCalendar body with its RFC 5545 line folding undone (a link may be folded)."""
    return content.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")


class CalendarTestCase(RoleTestCase):
    public: Meeting
    members: Meeting
    coordinators: Meeting
    cancelled: Meeting
    hidden_series: Meeting

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.public = MeetingFactory.create(title="Reunión pública", online_url=PUBLIC_LINK)
        AgendaItemFactory.create(meeting=cls.public, position=1, title="Punto público")
        cls.members = MeetingFactory.create(
            title="Reunión de miembros",
            visibility=Visibility.MEMBERS,
            online_url=MEMBERS_LINK,
        )
        cls.coordinators = MeetingFactory.create(
            title="Reunión de coordinación", visibility=Visibility.COORDINATORS
        )
        cls.cancelled = MeetingFactory.create(
            title="Reunión cancelada", status=Meeting.Status.CANCELLED
        )
        cls.hidden_series = MeetingFactory.create(
            title="Reunión de serie reservada",
            series=SeriesFactory.create(visibility=Visibility.MEMBERS),
        )

    def feed_url(self, persona: str) -> str:
        _feed, token = services.calendar_feed_create(actor=getattr(self, persona))
        return reverse("meetings:calendar-personal", kwargs={"token": token})


class PublicFeedTests(CalendarTestCase):
    def test_everyone_gets_the_public_meetings_only(self) -> None:
        """The same public feed for every persona: no members-only, coordinators-only or
        members-series meeting, and never an online link, even for a coordinator."""
        for persona in ("anon", "reg", "mem_a", "coord"):
            response = self.as_(persona).get(reverse("meetings:calendar-public"))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
            self.assertEqual(sorted(summaries(response)), ["Reunión cancelada", "Reunión pública"])
            self.assertNotIn(b"meet.example.org", unfolded(response.content))

    def test_cancelled_meetings_are_listed_as_cancelled(self) -> None:
        response = self.client.get(reverse("meetings:calendar-public"))
        calendar = icalendar.Calendar.from_ical(response.content)
        status = {str(e["SUMMARY"]): str(e["STATUS"]) for e in calendar.events}
        self.assertEqual(status, {"Reunión pública": "CONFIRMED", "Reunión cancelada": "CANCELLED"})

    def test_cacheable_for_five_minutes(self) -> None:
        """Calendar apps poll: browsers keep the feed five minutes. It stays ``private``
        (the session middleware may set a cookie on any response, which no shared cache
        may store)."""
        response = self.client.get(reverse("meetings:calendar-public"))
        self.assertIn("max-age=300", response["Cache-Control"])

    def test_query_count(self) -> None:
        """Two queries (meetings, agenda items), however many meetings there are."""
        for number in range(5):
            AgendaItemFactory.create(meeting=MeetingFactory.create(), position=number + 1)
        client = self.as_("anon")
        with self.assertNumQueries(2):
            response = client.get(reverse("meetings:calendar-public"))
        self.assertEqual(len(summaries(response)), 7)

    def test_a_token_in_the_query_string_is_ignored(self) -> None:
        """The personal token is accepted only in its own path, never as a parameter."""
        url = self.feed_url("mem_a")
        token = url.rsplit("/", 1)[1].removesuffix(".ics")
        response = self.client.get(reverse("meetings:calendar-public"), {"token": token})
        self.assertNotIn("Reunión de miembros", summaries(response))

    def test_other_methods_are_refused(self) -> None:
        for method in ("post", "put", "delete"):
            response = getattr(self.client, method)(reverse("meetings:calendar-public"))
            self.assertEqual(response.status_code, 405)


class MeetingIcsViewTests(CalendarTestCase):
    def url(self, meeting: Meeting) -> str:
        return reverse("meetings:meeting-ics", kwargs={"public_id": meeting.public_id})

    def test_public_meeting_without_link_for_visitors_and_registered(self) -> None:
        for persona in ("anon", "reg"):
            response = self.as_(persona).get(self.url(self.public))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(summaries(response), ["Reunión pública"])
            self.assertNotIn(PUBLIC_LINK.encode(), unfolded(response.content))
            self.assertIn("max-age=300", response["Cache-Control"])
            self.assertIn('attachment; filename="reunion.ics"', response["Content-Disposition"])

    def test_members_get_the_online_link_privately(self) -> None:
        for persona in ("mem_a", "mem_b", "coord", "admin"):
            response = self.as_(persona).get(self.url(self.public))
            self.assertEqual(response.status_code, 200)
            self.assertIn(PUBLIC_LINK.encode(), unfolded(response.content))
            self.assertIn("private", response["Cache-Control"])
            self.assertNotIn("public", response["Cache-Control"])

    def test_members_only_meeting(self) -> None:
        for persona in ("anon", "reg"):
            self.assertEqual(self.as_(persona).get(self.url(self.members)).status_code, 404)
        for persona in ("mem_a", "mem_b", "coord"):
            response = self.as_(persona).get(self.url(self.members))
            self.assertEqual(summaries(response), ["Reunión de miembros"])
            self.assertIn(MEMBERS_LINK.encode(), unfolded(response.content))
            self.assertIn("private", response["Cache-Control"])

    def test_coordinators_only_meeting(self) -> None:
        for persona in ("anon", "reg", "mem_a", "mem_b"):
            self.assertEqual(self.as_(persona).get(self.url(self.coordinators)).status_code, 404)
        for persona in ("coord", "admin"):
            response = self.as_(persona).get(self.url(self.coordinators))
            self.assertEqual(summaries(response), ["Reunión de coordinación"])

    def test_unknown_meeting_and_wrong_method(self) -> None:
        url = reverse(
            "meetings:meeting-ics", kwargs={"public_id": "00000000-0000-4000-8000-000000000000"}
        )
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(self.url(self.public)).status_code, 405)

    def test_query_count(self) -> None:
        client = self.as_("anon")
        with self.assertNumQueries(2):  # the meeting with its series; its agenda
            client.get(self.url(self.public))
        member = self.as_("mem_a")
        member.get(self.url(self.public))  # the first request of a session saves it
        # Session and user, then the meeting and its agenda.
        with self.assertNumQueries(4):
            member.get(self.url(self.public))


class PersonalFeedTests(CalendarTestCase):
    def test_a_member_s_feed_lists_members_meetings_with_their_links(self) -> None:
        response = self.client.get(self.feed_url("mem_a"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertEqual(
            sorted(summaries(response)),
            [
                "Reunión cancelada",
                "Reunión de miembros",
                "Reunión de serie reservada",
                "Reunión pública",
            ],
        )
        self.assertIn(MEMBERS_LINK.encode(), unfolded(response.content))
        self.assertIn(PUBLIC_LINK.encode(), unfolded(response.content))
        self.assertIn("no-store", response["Cache-Control"])
        self.assertIn("private", response["Cache-Control"])

    def test_a_registered_user_s_feed_is_the_public_one_without_links(self) -> None:
        response = self.client.get(self.feed_url("reg"))
        self.assertEqual(sorted(summaries(response)), ["Reunión cancelada", "Reunión pública"])
        self.assertNotIn(b"meet.example.org", unfolded(response.content))

    def test_a_coordinator_s_feed_includes_coordinators_meetings(self) -> None:
        response = self.client.get(self.feed_url("coord"))
        self.assertIn("Reunión de coordinación", summaries(response))

    def test_the_role_is_checked_at_each_request(self) -> None:
        """A member who loses membership stops getting members-only meetings and links."""
        url = self.feed_url("mem_a")
        self.assertIn("Reunión de miembros", summaries(self.client.get(url)))
        User.objects.filter(pk=self.mem_a.pk).update(role=User.Role.REGISTERED)
        response = self.client.get(url)
        self.assertNotIn("Reunión de miembros", summaries(response))
        self.assertNotIn(b"meet.example.org", unfolded(response.content))

    def test_an_inactive_user_s_feed_is_gone(self) -> None:
        url = self.feed_url("mem_a")
        User.objects.filter(pk=self.mem_a.pk).update(is_active=False)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_revoked_replaced_and_unknown_tokens_answer_404(self) -> None:
        old = self.feed_url("mem_a")
        new = self.feed_url("mem_a")  # replaces the first
        self.assertEqual(self.client.get(old).status_code, 404)
        self.assertEqual(self.client.get(new).status_code, 200)
        services.calendar_feed_revoke(actor=self.mem_a)
        self.assertEqual(self.client.get(new).status_code, 404)
        unknown = reverse("meetings:calendar-personal", kwargs={"token": "x" * 43})
        self.assertEqual(self.client.get(unknown).status_code, 404)
        huge = reverse("meetings:calendar-personal", kwargs={"token": "x" * 5000})
        self.assertEqual(self.client.get(huge).status_code, 404)

    def test_the_token_is_stored_only_as_its_hash(self) -> None:
        feed, token = services.calendar_feed_create(actor=self.mem_a)
        self.assertGreaterEqual(len(token), 43)
        stored = CalendarFeed.objects.get(pk=feed.pk)
        self.assertEqual(stored.token_hash, hashlib.sha256(token.encode()).hexdigest())
        self.assertNotIn(token, str(CalendarFeed.objects.values().get(pk=feed.pk)))
        entries = AuditEntry.objects.values_list("changes", "target_repr")
        self.assertNotIn(token, str(list(entries)))

    def test_last_used_is_written_at_most_once_an_hour(self) -> None:
        """A poll costs feed lookup + meetings + agenda; the first in an hour one UPDATE."""
        url = self.feed_url("mem_a")
        with self.assertNumQueries(4):
            self.client.get(url)
        first = CalendarFeed.objects.get(user=self.mem_a).last_used_at
        self.assertIsNotNone(first)
        with self.assertNumQueries(3):
            self.client.get(url)
        self.assertEqual(CalendarFeed.objects.get(user=self.mem_a).last_used_at, first)
        later = timezone.now() + datetime.timedelta(hours=1, minutes=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.client.get(url)
        self.assertEqual(CalendarFeed.objects.get(user=self.mem_a).last_used_at, later)

    def test_rate_limited_per_token(self) -> None:
        url = self.feed_url("mem_a")
        limit = views.FEED_LIMIT_PER_TOKEN[0]
        for _ in range(limit):
            self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 429)
        self.assertTrue(response["Retry-After"])

    def test_rate_limited_per_client_even_for_unknown_tokens(self) -> None:
        url = reverse("meetings:calendar-personal", kwargs={"token": "guess"})
        limit = views.FEED_LIMIT_PER_CLIENT[0]
        for _ in range(limit):
            self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(url).status_code, 429)
        cache.clear()
        self.assertEqual(self.client.get(url).status_code, 404)


@override_settings(LANGUAGE_CODE="en")
class FeedPageTests(CalendarTestCase):
    url = reverse("meetings:calendar-feed")

    def test_visitors_read_the_page_with_the_public_feed(self) -> None:
        """Anyone may subscribe: no sign-in; https and webcal addresses, steps for phones."""
        response = self.as_("anon").get(self.url)
        self.assertEqual(response.status_code, 200)
        https = f"{settings.BASE_URL}/reuniones/calendario.ics"
        self.assertContains(response, f'href="{https}"')
        webcal = "webcal://" + https.split("://", 1)[1]
        self.assertContains(response, f'href="{webcal}"')
        self.assertContains(response, gettext("iPhone or iPad"))
        self.assertContains(response, gettext("Android phone (Google Calendar)"))
        self.assertContains(response, gettext("Sign in to create your personal feed"))
        self.assertNotContains(response, gettext("Create my personal feed"))

    def test_visitors_who_post_are_sent_to_sign_in(self) -> None:
        response = self.as_("anon").post(self.url, {"action": "create"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])
        self.assertFalse(CalendarFeed.objects.exists())

    def test_webcal_keeps_host_and_path(self) -> None:
        self.assertEqual(
            views.webcal("https://minka.example.org/reuniones/calendario.ics"),
            "webcal://minka.example.org/reuniones/calendario.ics",
        )
        self.assertEqual(
            views.webcal("http://localhost:8000/x.ics"), "webcal://localhost:8000/x.ics"
        )

    def test_every_signed_in_persona_sees_the_page(self) -> None:
        for persona in ("reg", "mem_a", "mem_b", "coord", "admin"):
            response = self.as_(persona).get(self.url)
            self.assertEqual(response.status_code, 200, persona)
            self.assertContains(response, "You have no personal feed.")
            self.assertContains(response, f"{settings.BASE_URL}/reuniones/calendario.ics")
            self.assertNotContains(response, gettext("Sign in to create your personal feed"))
            self.assertIn("no-store", response["Cache-Control"])

    def test_create_shows_the_address_once(self) -> None:
        client = self.as_("mem_a")
        response = client.post(self.url, {"action": "create"})
        self.assertEqual(response.status_code, 200)
        feed_url = response.context["feed_url"]
        self.assertTrue(feed_url.startswith(f"{settings.BASE_URL}/reuniones/calendario/"))
        self.assertContains(response, feed_url)
        self.assertIn("no-store", response["Cache-Control"])
        token = feed_url.rsplit("/", 1)[1].removesuffix(".ics")
        feed = CalendarFeed.objects.get(user=self.mem_a)
        self.assertEqual(feed.token_hash, hashlib.sha256(token.encode()).hexdigest())
        again = client.get(self.url)
        self.assertNotContains(again, token)
        self.assertContains(again, "Revoke the feed")
        self.assertEqual(
            AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, target_id=feed.pk).count(),
            1,
        )

    def test_replace_makes_the_old_address_stop_working(self) -> None:
        client = self.as_("mem_a")
        first = client.post(self.url, {"action": "create"}).context["feed_url"]
        second = client.post(self.url, {"action": "create"}).context["feed_url"]
        self.assertNotEqual(first, second)
        self.assertEqual(CalendarFeed.objects.filter(user=self.mem_a).count(), 1)
        self.assertEqual(self.client.get(first).status_code, 404)
        self.assertEqual(self.client.get(second).status_code, 200)

    def test_revoke(self) -> None:
        client = self.as_("mem_a")
        feed_url = client.post(self.url, {"action": "create"}).context["feed_url"]
        response = client.post(self.url, {"action": "revoke"})
        self.assertRedirects(response, self.url)
        self.assertFalse(CalendarFeed.objects.filter(user=self.mem_a).exists())
        self.assertEqual(self.client.get(feed_url).status_code, 404)
        self.assertTrue(AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).exists())

    def test_revoking_nothing_is_refused_with_a_message(self) -> None:
        response = self.as_("reg").post(self.url, {"action": "revoke"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "You have no personal calendar feed.", status_code=400)
        self.assertContains(response, "error-summary", status_code=400)

    def test_bad_input_is_refused_and_changes_nothing(self) -> None:
        client = self.as_("mem_a")
        for data in ({}, {"action": "delete-all"}, {"action": "x" * 10000}):
            response = client.post(self.url, data)
            self.assertEqual(response.status_code, 400)
            self.assertContains(response, "There is a problem", status_code=400)
        self.assertFalse(CalendarFeed.objects.exists())

    def test_nobody_sees_another_user_s_feed(self) -> None:
        """Coordinators and admins manage only their own feed; another's stays invisible."""
        self.as_("mem_a").post(self.url, {"action": "create"})
        for persona in ("mem_b", "coord", "admin"):
            response = self.as_(persona).get(self.url)
            self.assertContains(response, "You have no personal feed.")
            self.as_(persona).post(self.url, {"action": "revoke"})
        self.assertTrue(CalendarFeed.objects.filter(user=self.mem_a).exists())

    def test_query_count(self) -> None:
        client = self.as_("mem_a")
        services.calendar_feed_create(actor=self.mem_a)
        client.get(self.url)  # the first request of a session saves it
        # Session, user, the feed (role and language come from the user row).
        with self.assertNumQueries(3):
            client.get(self.url)

    def test_other_methods_are_refused(self) -> None:
        for method in ("put", "patch", "delete"):
            self.assertEqual(getattr(self.as_("mem_a"), method)(self.url).status_code, 405)


@override_settings(LANGUAGE_CODE="en")
class MeetingCalendarPartialTests(CalendarTestCase):
    def test_visitors_get_the_ics_and_the_subscription_links(self) -> None:
        from django.contrib.auth.models import AnonymousUser

        html = render_to_string(
            "meetings/partials/meeting_calendar.html",
            {"meeting": self.public, "user": AnonymousUser()},
        )
        ics = reverse("meetings:meeting-ics", kwargs={"public_id": self.public.public_id})
        self.assertIn(f'href="{ics}"', html)
        self.assertIn("Add to my calendar (.ics)", html)
        self.assertIn(f'href="{reverse("meetings:calendar-feed")}"', html)
        self.assertIn("Subscribe to the public meetings in my calendar", html)

    def test_signed_in_users_also_get_the_feed_page(self) -> None:
        html = render_to_string(
            "meetings/partials/meeting_calendar.html", {"meeting": self.public, "user": self.reg}
        )
        self.assertIn(f'href="{reverse("meetings:calendar-feed")}"', html)
