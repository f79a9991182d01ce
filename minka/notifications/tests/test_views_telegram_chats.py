"""The coordinators' pages of the network's Telegram groups and channels: who may use them,
registering a chat (checked with Telegram when the bot is configured), editing, deactivating
and removing it, each written to the audit log."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minka.core.models import AuditEntry
from minka.core.tests.base import PERSONAS, RoleTestCase
from minka.notifications.models import TelegramChat
from minka.notifications.tests.botapi import BOT_USERNAME, BotAPIServer
from minka.notifications.tests.helpers import PING, ping_kind

GROUP = -1001000000001
CHANNEL = -1001000000002
ALLOWED = {"coord", "admin"}


class AccessTests(RoleTestCase):
    def setUp(self) -> None:
        self.chat = TelegramChat.objects.create(chat_id=GROUP, title="Red TIC", kinds=[PING])

    def test_only_coordinators_and_admins_reach_the_pages(self) -> None:
        """Visitors are sent to sign in; registered people and members are refused;
        coordinators and admins see the pages (an empty form is refused with 400)."""
        edit = reverse("notifications:telegramchat-edit", args=[self.chat.pk])
        delete = reverse("notifications:telegramchat-delete", args=[self.chat.pk])
        requests = [
            ("get", reverse("notifications:telegramchat-list"), 200),
            ("get", reverse("notifications:telegramchat-create"), 200),
            ("post", reverse("notifications:telegramchat-create"), 400),
            ("get", edit, 200),
            ("post", edit, 400),
            ("get", delete, 200),
            ("post", delete, 302),  # by the others; the chat stays
        ]
        for persona in PERSONAS:
            client = self.as_(persona)
            for method, url, allowed in requests:
                if persona in ALLOWED and method == "post" and url == delete:
                    continue
                with self.subTest(persona=persona, url=url, method=method):
                    status = getattr(client, method)(url).status_code
                    if persona == "anon":
                        self.assertEqual(status, 302)
                    elif persona not in ALLOWED:
                        self.assertEqual(status, 403)
                    else:
                        self.assertEqual(status, allowed)
        self.assertTrue(TelegramChat.objects.filter(pk=self.chat.pk).exists())

    def test_the_list_shows_each_chat_with_its_kinds(self) -> None:
        with ping_kind():
            response = self.as_("coord").get(reverse("notifications:telegramchat-list"))
        self.assertContains(response, "Red TIC")
        self.assertContains(response, str(GROUP))
        self.assertContains(response, "Ping")

    def test_the_list_costs_the_same_queries_for_1_or_10_chats(self) -> None:
        url = reverse("notifications:telegramchat-list")
        client = self.as_("coord")
        client.get(url)  # the session's first request does more
        with CaptureQueriesContext(connection) as one:
            client.get(url)
        for index in range(9):
            TelegramChat.objects.create(chat_id=GROUP - 1 - index, title=f"Grupo {index}")
        with CaptureQueriesContext(connection) as ten:
            self.assertContains(client.get(url), "Grupo 8")
        self.assertEqual(len(ten), len(one))

    def test_an_unknown_chat_is_not_found(self) -> None:
        for name in ("notifications:telegramchat-edit", "notifications:telegramchat-delete"):
            response = self.as_("coord").get(reverse(name, args=[9999]))
            self.assertEqual(response.status_code, 404)


@override_settings(LANGUAGE_CODE="en")  # the assertions quote the English texts
class WithoutBotTests(RoleTestCase):
    """No token: a chat is registered by its number and a name, unchecked."""

    def setUp(self) -> None:
        self.enterContext(override_settings(TELEGRAM_BOT_TOKEN=""))
        self.enterContext(ping_kind())
        self.client = self.as_("coord")
        self.url = reverse("notifications:telegramchat-create")

    def test_the_form_offers_the_announced_kinds_as_checkboxes(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, f'type="checkbox" name="kinds" value="{PING}"')
        self.assertContains(response, "MINKA_TELEGRAM_BOT_TOKEN")

    def test_a_chat_by_number_and_name(self) -> None:
        response = self.client.post(
            self.url, {"chat": str(GROUP), "title": "Red TIC", "kinds": [PING], "active": "on"}
        )
        self.assertRedirects(response, reverse("notifications:telegramchat-list"))
        chat = TelegramChat.objects.get()
        self.assertEqual(
            (chat.chat_id, chat.title, chat.kinds, chat.active), (GROUP, "Red TIC", [PING], True)
        )
        entry = AuditEntry.objects.get(target_type="notifications.telegramchat")
        self.assertEqual((entry.action, entry.actor), ("create", self.coord))

    def test_bad_input_is_refused_with_a_clear_message(self) -> None:
        cases = [
            ({"chat": "grupo de la red", "title": "x"}, "Give the chat"),
            ({"chat": "@avisos_red", "title": "x"}, "The bot is not configured"),
            ({"chat": str(GROUP), "title": ""}, "Give the chat a name."),
            ({"chat": str(GROUP), "title": "x", "kinds": ["nope"]}, "nope"),
            ({"chat": "", "title": "x"}, "This field is required."),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                response = self.client.post(self.url, data)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "error-summary", status_code=400)
                self.assertContains(response, message, status_code=400)
        self.assertFalse(TelegramChat.objects.exists())

    def test_a_chat_registered_twice_is_refused(self) -> None:
        TelegramChat.objects.create(chat_id=GROUP, title="Red TIC")
        response = self.client.post(self.url, {"chat": str(GROUP), "title": "Otra vez"})
        self.assertContains(response, "registered already", status_code=400)
        self.assertEqual(TelegramChat.objects.count(), 1)


@override_settings(LANGUAGE_CODE="en")  # the assertions quote the English texts
class WithBotTests(RoleTestCase):
    """The bot configured: the chat is checked with Telegram (getChat)."""

    def setUp(self) -> None:
        cache.clear()
        self.api = self.enterContext(BotAPIServer())
        self.enterContext(
            override_settings(
                TELEGRAM_BOT_TOKEN=self.api.token,
                TELEGRAM_API_URL=self.api.base_url,
                TELEGRAM_BOT_USERNAME=BOT_USERNAME,
            )
        )
        self.enterContext(ping_kind())
        self.api.add_chat(GROUP, title="Red TIC de Telegram")
        self.api.add_chat(CHANNEL, "channel", title="Avisos", username="avisos_red")
        self.api.add_chat(4242, first_name="Ana")
        self.client = self.as_("coord")
        self.url = reverse("notifications:telegramchat-create")

    def test_the_title_comes_from_telegram(self) -> None:
        response = self.client.post(self.url, {"chat": str(GROUP), "kinds": [PING], "active": "on"})
        self.assertRedirects(response, reverse("notifications:telegramchat-list"))
        self.assertEqual(TelegramChat.objects.get().title, "Red TIC de Telegram")
        self.assertEqual(self.api.requests("getChat")[0].chat_id, GROUP)

    def test_a_channel_by_its_name_is_stored_by_number(self) -> None:
        self.client.post(self.url, {"chat": "@avisos_red", "title": "Canal de avisos"})
        chat = TelegramChat.objects.get()
        self.assertEqual((chat.chat_id, chat.title), (CHANNEL, "Canal de avisos"))

    def test_a_chat_the_bot_cannot_see_is_refused(self) -> None:
        """Unknown to Telegram, or the bot was removed: a clear error, nothing saved."""
        self.api.block(GROUP)
        for chat in ("-1009999999999", str(GROUP)):
            with self.subTest(chat=chat):
                response = self.client.post(self.url, {"chat": chat, "title": "x"})
                self.assertContains(response, "The bot cannot see this chat", status_code=400)
        self.assertFalse(TelegramChat.objects.exists())

    def test_a_persons_private_chat_is_refused(self) -> None:
        response = self.client.post(self.url, {"chat": "4242", "title": "x"})
        self.assertContains(response, "private chat", status_code=400)
        self.assertFalse(TelegramChat.objects.exists())

    def test_telegram_unreachable_is_a_form_error(self) -> None:
        self.api.fail_next("error", methods=["getChat"])
        response = self.client.post(self.url, {"chat": str(GROUP), "title": "x"})
        self.assertContains(response, "could not be reached", status_code=400)
        self.assertFalse(TelegramChat.objects.exists())


class EditAndDeleteTests(RoleTestCase):
    def setUp(self) -> None:
        self.enterContext(ping_kind())
        self.chat = TelegramChat.objects.create(chat_id=GROUP, title="Red TIC", kinds=[PING])
        self.client = self.as_("admin")

    def test_edit_changes_the_kinds_and_deactivates(self) -> None:
        url = reverse("notifications:telegramchat-edit", args=[self.chat.pk])
        page = self.client.get(url)
        self.assertContains(page, "checked")
        self.assertNotContains(page, 'name="chat"')
        response = self.client.post(url, {"title": "Red TIC (avisos)"})
        self.assertRedirects(response, reverse("notifications:telegramchat-list"))
        self.chat.refresh_from_db()
        self.assertEqual(
            (self.chat.title, self.chat.kinds, self.chat.active), ("Red TIC (avisos)", [], False)
        )
        entry = AuditEntry.objects.get(action="update")
        self.assertEqual(entry.changes, {"title": "Red TIC (avisos)", "kinds": [], "active": False})

    def test_edit_needs_a_name(self) -> None:
        url = reverse("notifications:telegramchat-edit", args=[self.chat.pk])
        response = self.client.post(url, {"title": "", "active": "on"})
        self.assertEqual(response.status_code, 400)
        self.chat.refresh_from_db()
        self.assertEqual(self.chat.title, "Red TIC")

    def test_delete_asks_then_removes(self) -> None:
        url = reverse("notifications:telegramchat-delete", args=[self.chat.pk])
        self.assertContains(self.client.get(url), "Red TIC")
        self.assertTrue(TelegramChat.objects.exists())
        response = self.client.post(url)
        self.assertRedirects(response, reverse("notifications:telegramchat-list"))
        self.assertFalse(TelegramChat.objects.exists())
        self.assertTrue(AuditEntry.objects.filter(action="delete").exists())
