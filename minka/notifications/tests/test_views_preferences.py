"""The "Notificaciones" page of a person's account: channels, preferences per kind and
channel, what they follow, and the last messages sent to them."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from unittest import mock

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.models import ConsentEvent, Person
from minka.directory.tests.factories import PersonFactory
from minka.meetings.tests.factories import SeriesFactory
from minka.notifications import kinds, services
from minka.notifications.consent import consent_granted
from minka.notifications.kinds import Channel, EventKind, Frequency
from minka.notifications.models import Follow, Message, Preference, TelegramAccount
from minka.notifications.schedule import DIGEST_KIND
from minka.notifications.selectors import MESSAGES_SHOWN
from minka.notifications.tests.helpers import render_ping

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.test import Client

    from minka.accounts.models import User

URL = reverse("notifications:preferences")
SCHEDULED = "tests.scheduled"
MINUTES = "tests.minutes"
HIDDEN = "tests.hidden"


@contextmanager
def three_kinds() -> Iterator[None]:
    """Three kinds in two groups, and one a person does not choose."""
    registered = {
        SCHEDULED: EventKind(
            code=SCHEDULED, label="A meeting is scheduled", group="Meetings", render=render_ping
        ),
        MINUTES: EventKind(
            code=MINUTES,
            label="Minutes are published",
            group="Minutes",
            render=render_ping,
            defaults={Channel.EMAIL: Frequency.WEEKLY},
        ),
        HIDDEN: EventKind(
            code=HIDDEN,
            label="Something nobody chooses",
            group="Meetings",
            render=render_ping,
            configurable=False,
        ),
    }
    with mock.patch.dict(kinds._kinds, registered):
        yield


def complete(client: Client, **changes: str) -> dict[str, str]:
    """Every field of the form as the page shows it, with ``changes`` applied."""
    form = client.get(URL).context["form"]
    data = {name: str(form[name].value()) for name in form.current}
    data.update({field.name: "on" for field in form.consent_fields() if field.value()})
    data.update(changes)
    return data


@override_settings(LANGUAGE_CODE="en")
class PreferencesPageTests(RoleTestCase):
    def setUp(self) -> None:
        self.enterContext(three_kinds())

    def test_a_visitor_is_sent_to_sign_in(self) -> None:
        for method in ("get", "post"):
            response = getattr(self.as_("anon"), method)(URL)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("account_login"), response["Location"])
        self.assertFalse(Preference.objects.exists())

    def test_every_signed_in_persona_sees_their_own_page(self) -> None:
        for persona in ("reg", "mem_a", "mem_b", "coord", "admin"):
            with self.subTest(persona):
                response = self.as_(persona).get(URL)
                self.assertEqual(response.status_code, 200)
                user: User = getattr(self, persona)
                self.assertContains(response, user.email)
                self.assertIn("no-store", response["Cache-Control"])

    def test_only_coordinators_get_the_link_to_the_queue(self) -> None:
        queue = reverse("notifications:outbox")
        for persona, shown in (("reg", False), ("mem_a", False), ("coord", True), ("admin", True)):
            with self.subTest(persona):
                response = self.as_(persona).get(URL)
                self.assertEqual(queue in response.content.decode(), shown)

    def test_configurable_kinds_are_grouped_with_their_defaults_selected(self) -> None:
        response = self.as_("mem_a").get(URL)
        self.assertContains(response, "<h3>Meetings</h3>", html=True)
        self.assertContains(response, "<h3>Minutes</h3>", html=True)
        self.assertContains(response, "A meeting is scheduled")
        self.assertNotContains(response, "Something nobody chooses")
        self.assertNotContains(response, f'name="{DIGEST_KIND}__email"')
        form = response.context["form"]
        self.assertEqual(form[f"{SCHEDULED}__email"].value(), Frequency.IMMEDIATE)
        self.assertEqual(form[f"{MINUTES}__email"].value(), Frequency.WEEKLY)
        # A channel the kind sets no default for is off.
        self.assertEqual(form[f"{MINUTES}__telegram"].value(), Frequency.NEVER)
        self.assertContains(
            response,
            f'<option value="weekly" selected>{Frequency.WEEKLY.label}</option>',
            html=True,
        )

    def test_the_person_s_choice_is_selected(self) -> None:
        services.preference_set(
            user=self.mem_a, kind=SCHEDULED, channel=Channel.EMAIL, frequency=Frequency.DAILY
        )
        form = self.as_("mem_a").get(URL).context["form"]
        self.assertEqual(form[f"{SCHEDULED}__email"].value(), Frequency.DAILY)

    def test_the_table_becomes_cards_on_phones_and_each_select_has_a_label(self) -> None:
        """``table.cards`` stacks each row under 40rem (minka.css); every cell names its
        channel and every select has its own label."""
        response = self.as_("mem_a").get(URL)
        self.assertContains(response, '<table class="cards">')
        self.assertContains(response, 'data-label="Email"')
        self.assertContains(response, 'data-label="Telegram"')
        field = f"id_{SCHEDULED}__telegram"
        self.assertContains(
            response,
            f'<label class="visually-hidden" for="{field}">A meeting is scheduled (Telegram)'
            "</label>",
            html=True,
        )

    def test_saving_records_only_the_cells_that_changed(self) -> None:
        client = self.as_("mem_a")
        data = complete(client, **{f"{MINUTES}__telegram": Frequency.DAILY})
        response = client.post(URL, data, follow=True)
        self.assertRedirects(response, URL)
        rows = set(Preference.objects.values_list("user", "kind", "channel", "frequency"))
        self.assertEqual(rows, {(self.mem_a.pk, MINUTES, "telegram", "daily")})
        self.assertContains(response, "Your notification preferences were saved.")

    def test_going_back_to_the_default_is_saved_too(self) -> None:
        services.preference_set(
            user=self.mem_a, kind=SCHEDULED, channel=Channel.EMAIL, frequency=Frequency.NEVER
        )
        client = self.as_("mem_a")
        client.post(URL, complete(client, **{f"{SCHEDULED}__email": Frequency.IMMEDIATE}))
        preference = Preference.objects.get(user=self.mem_a)
        self.assertEqual(preference.frequency, Frequency.IMMEDIATE)

    def test_saving_is_all_or_nothing(self) -> None:
        """The cells are saved in one transaction: a failure on the second leaves none."""
        client = self.as_("mem_a")
        data = complete(
            client,
            **{f"{SCHEDULED}__email": Frequency.NEVER, f"{MINUTES}__email": Frequency.NEVER},
        )
        real = services.preference_set
        calls: list[str] = []

        def failing(**kwargs: Any) -> Preference:
            calls.append(kwargs["kind"])
            if len(calls) == 2:
                raise RuntimeError("database went away")
            return real(**kwargs)

        with (
            mock.patch.object(services, "preference_set", failing),
            self.assertRaises(RuntimeError),
        ):
            client.post(URL, data)
        self.assertEqual(len(calls), 2)
        self.assertFalse(Preference.objects.exists())

    def test_an_unknown_frequency_is_refused_and_nothing_changes(self) -> None:
        client = self.as_("mem_a")
        data = complete(
            client,
            **{f"{SCHEDULED}__email": "hourly", f"{MINUTES}__email": Frequency.NEVER},
        )
        response = client.post(URL, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertContains(response, f'href="#id_{SCHEDULED}__email"', status_code=400)
        self.assertFalse(Preference.objects.exists())

    def test_an_unknown_kind_is_refused_and_nothing_changes(self) -> None:
        client = self.as_("mem_a")
        data = complete(client, **{f"{MINUTES}__email": Frequency.NEVER})
        data["tests.nonexistent__email"] = Frequency.NEVER
        response = client.post(URL, data)
        self.assertContains(response, "names an event that does not exist", status_code=400)
        self.assertFalse(Preference.objects.exists())

    def test_a_kind_nobody_chooses_cannot_be_set_through_the_form(self) -> None:
        client = self.as_("mem_a")
        data = complete(client)
        data[f"{HIDDEN}__email"] = Frequency.NEVER
        self.assertEqual(client.post(URL, data).status_code, 400)
        self.assertFalse(Preference.objects.exists())

    def test_an_incomplete_form_is_refused_and_nothing_changes(self) -> None:
        client = self.as_("mem_a")
        for data in ({}, {f"{SCHEDULED}__email": Frequency.NEVER}):
            with self.subTest(data=data):
                response = client.post(URL, data)
                self.assertContains(
                    response, "Choose how often for every event and channel.", status_code=400
                )
        self.assertFalse(Preference.objects.exists())

    def test_each_persona_changes_only_their_own_preferences(self) -> None:
        for persona in ("reg", "mem_a", "mem_b", "coord", "admin"):
            with self.subTest(persona):
                client = self.as_(persona)
                response = client.post(
                    URL, complete(client, **{f"{SCHEDULED}__email": Frequency.WEEKLY})
                )
                self.assertEqual(response.status_code, 302)
                user: User = getattr(self, persona)
                self.assertEqual(
                    list(Preference.objects.filter(user=user).values_list("frequency", flat=True)),
                    ["weekly"],
                )
        self.assertEqual(Preference.objects.count(), 5)


@override_settings(LANGUAGE_CODE="en")
class ConsentTests(RoleTestCase):
    """Consent to news per channel (Ley 29733) is kept by the directory; the page shows it
    and records the person's changes through the consent provider."""

    def setUp(self) -> None:
        self.enterContext(three_kinds())

    def test_consent_starts_off_and_is_recorded_when_given(self) -> None:
        client = self.as_("reg")
        form = client.get(URL).context["form"]
        self.assertEqual([f.value() for f in form.consent_fields()], [False, False])
        data = complete(client, **{"consent-email": "on"})
        self.assertEqual(client.post(URL, data).status_code, 302)
        self.assertIs(consent_granted(self.reg, Channel.EMAIL), True)
        self.assertIs(consent_granted(self.reg, Channel.TELEGRAM), False)
        event = ConsentEvent.objects.get(person__user=self.reg)
        self.assertEqual((event.purpose, event.granted), ("email_notifications", True))
        self.assertContains(
            client.get(URL),
            '<input type="checkbox" name="consent-email" id="id_consent-email" checked>',
            html=True,
        )
        self.assertFalse(Preference.objects.exists())

    def test_unticking_withdraws_consent(self) -> None:
        client = self.as_("mem_a")
        client.post(URL, complete(client, **{"consent-email": "on", "consent-telegram": "on"}))
        data = complete(client)
        del data["consent-telegram"]
        client.post(URL, data)
        self.assertIs(consent_granted(self.mem_a, Channel.EMAIL), True)
        self.assertIs(consent_granted(self.mem_a, Channel.TELEGRAM), False)
        self.assertEqual(ConsentEvent.objects.filter(person__user=self.mem_a).count(), 3)

    def test_a_refused_consent_saves_nothing(self) -> None:
        """An anonymized directory record cannot change: the page says so (400) and the
        preferences sent with it are not saved either."""
        PersonFactory.create(user=self.reg, status=Person.Status.ANONYMIZED)
        client = self.as_("reg")
        data = complete(client, **{"consent-email": "on", f"{SCHEDULED}__email": "never"})
        response = client.post(URL, data)
        self.assertContains(response, "anonymized", status_code=400)
        self.assertFalse(Preference.objects.exists())
        self.assertFalse(ConsentEvent.objects.exists())


@override_settings(LANGUAGE_CODE="en")
class ChannelsTests(RoleTestCase):
    def test_telegram_not_configured_offers_nothing_to_click(self) -> None:
        with override_settings(TELEGRAM_BOT_USERNAME=""):
            response = self.as_("mem_a").get(URL)
        self.assertContains(response, "Telegram is not set up on this site yet.")
        self.assertNotContains(response, reverse("notifications:telegram-link"))

    def test_telegram_configured_offers_the_link(self) -> None:
        with override_settings(TELEGRAM_BOT_USERNAME="minka_test_bot"):
            response = self.as_("mem_a").get(URL)
        self.assertContains(response, reverse("notifications:telegram-link"))
        self.assertContains(response, "Link Telegram")

    def test_a_linked_account_shows_its_username_and_the_unlink_button(self) -> None:
        TelegramAccount.objects.create(user=self.mem_a, chat_id=42, username="ana_tg")
        response = self.as_("mem_a").get(URL)
        self.assertContains(response, "Linked as @ana_tg.")
        self.assertContains(response, reverse("notifications:telegram-unlink"))
        self.assertNotContains(self.as_("mem_b").get(URL), "ana_tg")


@override_settings(LANGUAGE_CODE="en")
class FollowListTests(RoleTestCase):
    def test_followed_targets_are_listed_with_links_and_an_unfollow_button(self) -> None:
        series = SeriesFactory.create(title="Mesa de salud", slug="mesa-salud")
        services.follow_set(
            user=self.mem_a, target_type="meetings.series", target_id=series.pk, following=True
        )
        services.follow_set(
            user=self.mem_a,
            target_type="directory.organization",
            target_id=self.org_b.pk,
            following=True,
        )
        response = self.as_("mem_a").get(URL)
        self.assertContains(response, "Mesa de salud")
        self.assertContains(response, "?series=mesa-salud")
        self.assertContains(response, self.org_b.name)
        self.assertContains(response, self.org_b.get_absolute_url())
        self.assertContains(response, 'name="action" value="unfollow"', count=2)
        self.assertNotContains(self.as_("mem_b").get(URL), "Mesa de salud")

    def test_a_target_no_longer_visible_is_listed_without_its_title(self) -> None:
        hidden = SeriesFactory.create(title="Mesa reservada", visibility=Visibility.COORDINATORS)
        Follow.objects.create(user=self.reg, target_type="meetings.series", target_id=hidden.pk)
        response = self.as_("reg").get(URL)
        self.assertNotContains(response, "Mesa reservada")
        self.assertContains(response, "no longer available")
        self.assertContains(response, f'name="id" value="{hidden.pk}"')

    def test_a_follow_of_an_unregistered_type_is_left_out(self) -> None:
        Follow.objects.create(user=self.reg, target_type="gone.app", target_id=1)
        response = self.as_("reg").get(URL)
        self.assertContains(response, "You follow nothing yet.")


@override_settings(LANGUAGE_CODE="en")
class SentMessagesTests(RoleTestCase):
    def setUp(self) -> None:
        self.enterContext(three_kinds())

    def _messages(self, user: User, count: int, **fields: Any) -> None:
        Message.objects.bulk_create(
            Message(
                kind=SCHEDULED,
                channel=Channel.EMAIL,
                user=user,
                params={"n": n},
                language="en",
                key=f"{user.pk}:{n}:{fields.get('status', '')}",
                **fields,
            )
            for n in range(count)
        )

    def test_the_last_messages_show_kind_channel_status_and_date_without_bodies(self) -> None:
        self._messages(
            self.mem_a, 1, status=Message.Status.FAILED, last_error="SMTP said secret-reply"
        )
        response = self.as_("mem_a").get(URL)
        self.assertContains(response, "A meeting is scheduled")
        self.assertContains(response, '<td data-label="Status">Failed</td>', html=True)
        self.assertContains(response, '<td data-label="Channel">Email</td>', html=True)
        self.assertNotContains(response, "secret-reply")
        self.assertNotContains(response, "Ping 0")

    def test_only_the_person_s_own_messages_are_listed(self) -> None:
        self._messages(self.mem_b, 3)
        response = self.as_("mem_a").get(URL)
        self.assertEqual(response.context["sent"], [])
        self.assertContains(response, "No message has been sent to you yet.")

    def test_at_most_the_last_fifty_are_listed(self) -> None:
        self._messages(self.mem_a, MESSAGES_SHOWN + 10)
        response = self.as_("mem_a").get(URL)
        self.assertEqual(len(response.context["sent"]), MESSAGES_SHOWN)

    def test_a_kind_no_longer_registered_is_named_plainly(self) -> None:
        Message.objects.create(
            kind="gone.kind", channel=Channel.EMAIL, user=self.mem_a, language="en", key="g"
        )
        self.assertContains(self.as_("mem_a").get(URL), "Another notice")

    def test_the_number_of_queries_does_not_grow_with_messages_or_follows(self) -> None:
        client = self.as_("mem_a")
        self._messages(self.mem_a, 1)
        series = SeriesFactory.create()
        services.follow_set(
            user=self.mem_a, target_type="meetings.series", target_id=series.pk, following=True
        )
        client.get(URL)  # warm the session
        with CaptureQueriesContext(connection) as one:
            client.get(URL)
        self._messages(self.mem_a, MESSAGES_SHOWN - 1, status=Message.Status.SENT)
        for _n in range(5):
            services.follow_set(
                user=self.mem_a,
                target_type="meetings.series",
                target_id=SeriesFactory.create().pk,
                following=True,
            )
        with self.assertNumQueries(len(one.captured_queries)):
            response = client.get(URL)
        self.assertEqual(len(response.context["sent"]), MESSAGES_SHOWN)
        self.assertEqual(len(response.context["follows"]), 6)
