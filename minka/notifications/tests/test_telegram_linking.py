"""Linking a person's account to their Telegram chat: one-time deep links, the bot's
confirmation, unlinking from either side, and the two buttons of the page."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import time_machine
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from minka.accounts.tests.factories import UserFactory
from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.notifications.models import TelegramAccount, TelegramLinkToken
from minka.notifications.telegram import linking

BOT = "minka_test_bot"
LINK = reverse("notifications:telegram-link")
UNLINK = reverse("notifications:telegram-unlink")


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["start"][0]


@override_settings(TELEGRAM_BOT_USERNAME=BOT)
class LinkStartTests(TestCase):
    def setUp(self) -> None:
        self.ana = UserFactory.create()

    def test_the_deep_link_opens_the_bot_with_a_random_token(self) -> None:
        url = linking.link_start(self.ana)
        parts = urlsplit(url)
        self.assertEqual((parts.scheme, parts.netloc, parts.path), ("https", "t.me", f"/{BOT}"))
        token = token_of(url)
        self.assertRegex(token, r"^[A-Za-z0-9_-]{43}$")  # 32 bytes, Telegram's alphabet
        self.assertNotEqual(token, token_of(linking.link_start(self.ana)))

    def test_only_the_token_s_hash_is_stored_and_it_expires_in_15_minutes(self) -> None:
        token = token_of(linking.link_start(self.ana))
        row = TelegramLinkToken.objects.get()
        self.assertEqual(row.token_hash, hashlib.sha256(token.encode()).hexdigest())
        self.assertNotIn(token, str(TelegramLinkToken.objects.values_list()))
        remaining = row.expires_at - timezone.now()
        self.assertGreater(remaining, timedelta(minutes=14))
        self.assertLessEqual(remaining, timedelta(minutes=15))

    def test_a_new_link_deletes_the_person_s_older_unused_tokens_only(self) -> None:
        other = UserFactory.create()
        linking.link_start(other)
        used = token_of(linking.link_start(self.ana))
        linking.link_confirm(used, chat_id=1, username="")
        linking.link_start(self.ana)
        linking.link_start(self.ana)
        self.assertEqual(TelegramLinkToken.objects.filter(user=self.ana).count(), 2)
        self.assertEqual(
            TelegramLinkToken.objects.filter(user=self.ana, used_at__isnull=True).count(), 1
        )
        self.assertEqual(TelegramLinkToken.objects.filter(user=other).count(), 1)

    def test_the_bot_s_username_is_read_when_needed(self) -> None:
        with override_settings(TELEGRAM_BOT_USERNAME="@otro_bot"):
            self.assertTrue(linking.link_start(self.ana).startswith("https://t.me/otro_bot?"))
        with override_settings():
            from django.conf import settings

            delattr(settings, "TELEGRAM_BOT_USERNAME")  # a branch without the bot
            self.assertEqual(linking.bot_username(), "")


@override_settings(TELEGRAM_BOT_USERNAME=BOT)
class LinkConfirmTests(TestCase):
    def setUp(self) -> None:
        self.ana = UserFactory.create()
        self.beto = UserFactory.create()

    def test_a_valid_token_links_the_chat_and_is_spent(self) -> None:
        token = token_of(linking.link_start(self.ana))
        self.assertEqual(linking.link_confirm(token, chat_id=111, username="ana_tg"), self.ana)
        account = TelegramAccount.objects.get()
        self.assertEqual(
            (account.user, account.chat_id, account.username), (self.ana, 111, "ana_tg")
        )
        self.assertIsNotNone(TelegramLinkToken.objects.get().used_at)
        entry = AuditEntry.objects.get(target_type="notifications.telegramaccount")
        self.assertEqual((entry.actor, entry.changes), (self.ana, {"telegram": "linked"}))
        self.assertNotIn("111", entry.target_repr + str(entry.changes))
        self.assertNotIn("ana_tg", entry.target_repr + str(entry.changes))

    def test_a_token_works_once(self) -> None:
        token = token_of(linking.link_start(self.ana))
        linking.link_confirm(token, chat_id=111, username="")
        self.assertIsNone(linking.link_confirm(token, chat_id=222, username="intruso"))
        self.assertEqual(TelegramAccount.objects.get().chat_id, 111)

    def test_an_expired_token_is_refused(self) -> None:
        token = token_of(linking.link_start(self.ana))
        with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=1)):
            self.assertIsNone(linking.link_confirm(token, chat_id=111, username=""))
        self.assertFalse(TelegramAccount.objects.exists())
        with time_machine.travel(timezone.now() + timedelta(minutes=14)):
            self.assertEqual(linking.link_confirm(token, chat_id=111, username=""), self.ana)

    def test_unknown_tampered_or_oversized_tokens_are_refused(self) -> None:
        token = token_of(linking.link_start(self.ana))
        for bad in ("", "nope", token[:-1] + ("A" if token[-1] != "A" else "B"), token + "x" * 30):
            with self.subTest(token=bad):
                self.assertIsNone(linking.link_confirm(bad, chat_id=111, username=""))
        self.assertFalse(TelegramAccount.objects.exists())

    def test_a_closed_account_is_not_linked(self) -> None:
        token = token_of(linking.link_start(self.ana))
        self.ana.is_active = False
        self.ana.save(update_fields=["is_active"])
        self.assertIsNone(linking.link_confirm(token, chat_id=111, username=""))
        self.assertFalse(TelegramAccount.objects.exists())

    def test_a_chat_linked_to_someone_else_is_moved(self) -> None:
        linking.link_confirm(token_of(linking.link_start(self.beto)), chat_id=111, username="")
        linking.link_confirm(token_of(linking.link_start(self.ana)), chat_id=111, username="")
        self.assertEqual(
            list(TelegramAccount.objects.values_list("user", "chat_id")), [(self.ana.pk, 111)]
        )
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.DELETE, changes={"telegram": "unlinked"}
            ).exists()
        )

    def test_linking_another_chat_replaces_the_person_s_previous_one(self) -> None:
        linking.link_confirm(token_of(linking.link_start(self.ana)), chat_id=111, username="a")
        linking.link_confirm(token_of(linking.link_start(self.ana)), chat_id=222, username="b")
        self.assertEqual(
            list(TelegramAccount.objects.values_list("user", "chat_id", "username")),
            [(self.ana.pk, 222, "b")],
        )


class UnlinkTests(TestCase):
    def setUp(self) -> None:
        self.ana = UserFactory.create()
        TelegramAccount.objects.create(user=self.ana, chat_id=111)

    def test_the_person_unlinks_from_their_page(self) -> None:
        self.assertIs(linking.unlink(self.ana), True)
        self.assertFalse(TelegramAccount.objects.exists())
        self.assertIs(linking.unlink(self.ana), False)
        entry = AuditEntry.objects.get()
        self.assertEqual((entry.actor, entry.action), (self.ana, AuditEntry.Action.DELETE))

    def test_the_bot_unlinks_a_chat(self) -> None:
        self.assertEqual(linking.unlink_chat(111), self.ana)
        self.assertFalse(TelegramAccount.objects.exists())
        self.assertIsNone(linking.unlink_chat(111))
        self.assertIsNone(AuditEntry.objects.get().actor)


@override_settings(LANGUAGE_CODE="en")
class TelegramViewsTests(RoleTestCase):
    SIGNED_IN = ("reg", "mem_a", "mem_b", "coord", "admin")

    def test_visitors_are_sent_to_sign_in_and_nothing_is_created(self) -> None:
        for url in (LINK, UNLINK):
            with self.subTest(url):
                response = self.as_("anon").post(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("account_login"), response["Location"])
        self.assertFalse(TelegramLinkToken.objects.exists())

    def test_only_post_is_allowed(self) -> None:
        for url in (LINK, UNLINK):
            with self.subTest(url):
                self.assertEqual(self.as_("mem_a").get(url).status_code, 405)
        self.assertFalse(TelegramLinkToken.objects.exists())

    @override_settings(TELEGRAM_BOT_USERNAME=BOT)
    def test_each_signed_in_persona_gets_a_one_time_link(self) -> None:
        for persona in self.SIGNED_IN:
            with self.subTest(persona):
                response = self.as_(persona).post(LINK)
                self.assertEqual(response.status_code, 200)
                self.assertIn("no-store", response["Cache-Control"])
                link = response.context["link"]
                self.assertTrue(link.startswith(f"https://t.me/{BOT}?start="))
                self.assertContains(response, f'href="{link}"')
                self.assertContains(response, "The link works once, for 15 minutes.")
                user = getattr(self, persona)
                self.assertEqual(
                    linking.link_confirm(token_of(link), chat_id=user.pk, username=""), user
                )

    @override_settings(TELEGRAM_BOT_USERNAME="")
    def test_without_a_bot_the_page_says_so_and_creates_no_token(self) -> None:
        response = self.as_("mem_a").post(LINK)
        self.assertContains(response, "Telegram is not set up on this site yet")
        self.assertNotContains(response, "t.me")
        self.assertFalse(TelegramLinkToken.objects.exists())

    def test_each_persona_unlinks_only_their_own_chat(self) -> None:
        for n, persona in enumerate(self.SIGNED_IN):
            TelegramAccount.objects.create(user=getattr(self, persona), chat_id=100 + n)
        for persona in self.SIGNED_IN:
            with self.subTest(persona):
                before = TelegramAccount.objects.count()
                response = self.as_(persona).post(UNLINK, follow=True)
                self.assertRedirects(response, reverse("notifications:preferences"))
                self.assertContains(response, "no longer linked to Telegram")
                self.assertEqual(TelegramAccount.objects.count(), before - 1)
                self.assertFalse(
                    TelegramAccount.objects.filter(user=getattr(self, persona)).exists()
                )

    def test_unlinking_without_a_link_says_so(self) -> None:
        response = self.as_("reg").post(UNLINK, follow=True)
        self.assertContains(response, "Your account was not linked to Telegram.")
