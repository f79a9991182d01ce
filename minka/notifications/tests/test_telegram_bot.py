"""The Telegram bot against the local Bot API server: every command in a private chat (a
linked member, an unlinked person) and in the network's group, where members-only content
never appears (canaries); long polling (``minka telegram_bot --once``) and the webhook view.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import timedelta
from io import StringIO
from typing import TYPE_CHECKING, Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from minka import search
from minka.agreements.models import Status
from minka.agreements.tests.factories import CommitmentFactory
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.documents.tests.factories import DocumentFactory
from minka.meetings.models import Modality
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory
from minka.notifications.channels import telegram as transport
from minka.notifications.channels.telegram import PacingLimits
from minka.notifications.management.commands.telegram_bot import Poller
from minka.notifications.models import TelegramAccount
from minka.notifications.telegram import bot
from minka.notifications.telegram.linking import link_start
from minka.notifications.tests.botapi import BOT_USERNAME, BotAPIServer

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.notifications.tests.botapi import SentMessage

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*attribute `retry_after` will be:telegram.warnings.PTBDeprecationWarning"
)

BASE_URL = "https://minka.example.org"
GROUP = -1001000000001
MEMBER_CHAT = 5001  # mem_a's private chat, linked to the account
STRANGER_CHAT = 5002  # someone who never linked an account
SECRET = "s3cr3t-webhook_token"
NO_PACING = PacingLimits(chat_interval=0, group_messages=10_000, bot_messages=10_000)

# Members-only content planted for the group's eyes: none of it may reach the group.
MEETING_CANARY = "CANARIO-REUNION-q7v"
COMMITMENT_CANARY = "CANARIO-COMPROMISO-k2m"
DOCUMENT_CANARY = "CANARIO-DOCUMENTO-x9p"
CANARIES = (MEETING_CANARY, COMMITMENT_CANARY, DOCUMENT_CANARY)


class BotTestCase(RoleTestCase):
    """The local Bot API server, the settings pointing at it, Telegram's pacing off (one
    test turns it on), mem_a's private chat linked to their account, and the group."""

    def setUp(self) -> None:
        cache.clear()  # pacing state and the update ids already handled
        self.api = self.enterContext(BotAPIServer())
        self.enterContext(
            override_settings(
                TELEGRAM_BOT_TOKEN=self.api.token,
                TELEGRAM_API_URL=self.api.base_url,
                TELEGRAM_BOT_USERNAME=BOT_USERNAME,
                TELEGRAM_WEBHOOK_SECRET=SECRET,
                BASE_URL=BASE_URL,
            )
        )
        self.enterContext(mock.patch.object(transport, "LIMITS", NO_PACING))
        self.api.add_chat(GROUP, title="Red TIC")
        self.api.add_chat(MEMBER_CHAT, first_name="Ana")
        self.api.add_chat(STRANGER_CHAT, first_name="Beto")
        TelegramAccount.objects.create(user=self.mem_a, chat_id=MEMBER_CHAT, username="ana")

    def ask(self, text: str, chat: int) -> str:
        """Write ``text`` in ``chat`` (its sender is the chat's person; in the group, mem_a)
        and return the bot's one answer, as Telegram shows it."""
        answers = self.answers(text, chat)
        self.assertEqual(len(answers), 1, answers)
        return answers[0].plain_text

    def answers(self, text: str, chat: int) -> list[SentMessage]:
        if chat == GROUP:
            update = self.api.inject_message(text, user_id=MEMBER_CHAT, chat_id=GROUP)
        else:
            update = self.api.inject_message(text, user_id=chat)
        before = len(self.api.messages())
        bot.handle_update(update)
        return self.api.messages()[before:]


class GreetingAndHelpTests(BotTestCase):
    def test_start_without_a_token_greets_and_lists_the_commands(self) -> None:
        """/start: a greeting and every command, the public-content note for an unlinked
        chat, in HTML Telegram accepts."""
        answer = self.ask("/start", STRANGER_CHAT)
        self.assertIn("Minka", answer)
        for command in ("/proxima", "/acuerdos", "/documentos", "/buscar", "/ayuda", "/salir"):
            self.assertIn(command, answer)
        self.assertNotIn("/start ", answer)
        self.assertEqual(self.api.messages()[0].parse_mode, "HTML")

    def test_help_in_the_group_says_public_only_and_gives_the_chat_number(self) -> None:
        answer = self.ask(f"/ayuda@{BOT_USERNAME}", GROUP)
        self.assertIn(str(GROUP), answer)
        self.assertIn("/proxima", answer)

    def test_commands_fold_case_and_accents(self) -> None:
        """/Próxima is /proxima (Telegram's own commands are ASCII, people type accents)."""
        MeetingFactory.create(title="Reunión ordinaria")
        self.assertIn("Reunión ordinaria", self.ask("/Próxima", STRANGER_CHAT))

    def test_unknown_command_or_text_in_a_private_chat_gets_the_short_help(self) -> None:
        self.assertIn("/ayuda", self.ask("/nada", STRANGER_CHAT))
        self.assertIn("/ayuda", self.ask("hola", STRANGER_CHAT))

    def test_group_ignores_other_bots_commands_and_plain_talk(self) -> None:
        """In a group: another bot's command, an unknown command not addressed to the bot
        and plain talk get no answer; an unknown command addressed to it gets the help."""
        self.assertEqual(self.answers("/ayuda@otro_bot", GROUP), [])
        self.assertEqual(self.answers("/nada", GROUP), [])
        self.assertEqual(self.answers("buenos días", GROUP), [])
        self.assertIn("/ayuda", self.ask(f"/nada@{BOT_USERNAME}", GROUP))

    def test_an_update_is_answered_once(self) -> None:
        """Telegram resends a webhook update it got no answer to: the second copy is
        ignored."""
        update = self.api.inject_message("/ayuda", user_id=STRANGER_CHAT)
        bot.handle_update(update)
        bot.handle_update(update)
        self.assertEqual(len(self.api.messages()), 1)

    def test_edits_joins_and_malformed_updates_are_ignored(self) -> None:
        bot.handle_update({"update_id": 1, "edited_message": {}})
        bot.handle_update({"update_id": "x"})
        bot.handle_update({"update_id": 2, "message": {"text": "/ayuda"}})  # no chat, no date
        self.assertEqual(self.api.requests(), [])


@override_settings(LANGUAGE_CODE="en")  # the assertions quote the English texts
class LinkingTests(BotTestCase):
    """/start <token> from the profile's deep link, and /salir."""

    def token_for(self, user: User) -> str:
        link = link_start(user)
        return link.rsplit("start=", 1)[1]

    def test_start_with_a_token_links_the_private_chat(self) -> None:
        """The chat is linked to mem_b, who then sees members-only content here, and the
        answer comes in their language."""
        self.mem_b.language = "en"
        self.mem_b.save(update_fields=["language"])
        update = self.api.inject_message(
            f"/start {self.token_for(self.mem_b)}", user_id=STRANGER_CHAT, username="beto"
        )
        bot.handle_update(update)
        account = TelegramAccount.objects.get(user=self.mem_b)
        self.assertEqual((account.chat_id, account.username), (STRANGER_CHAT, "beto"))
        answer = self.api.messages()[-1].plain_text
        self.assertIn("Your account is linked.", answer)
        self.assertIn("Miembro B", answer)
        MeetingFactory.create(title=MEETING_CANARY, visibility=Visibility.MEMBERS)
        self.assertIn(MEETING_CANARY, self.ask("/proxima", STRANGER_CHAT))

    def test_a_spent_or_unknown_token_links_nothing(self) -> None:
        token = self.token_for(self.mem_b)
        self.ask(f"/start {token}", STRANGER_CHAT)
        TelegramAccount.objects.filter(user=self.mem_b).delete()
        for attempt in (token, "no-such-token", "x" * 200):
            with self.subTest(token=attempt[:20]):
                answer = self.ask(f"/start {attempt}", STRANGER_CHAT)
                self.assertIn(f"{BASE_URL}/cuenta/notificaciones/", answer)
        self.assertFalse(TelegramAccount.objects.filter(user=self.mem_b).exists())

    def test_a_token_sent_in_a_group_is_not_used(self) -> None:
        token = self.token_for(self.mem_b)
        self.assertIn("private chat", self.ask(f"/start {token}", GROUP))
        self.assertFalse(TelegramAccount.objects.filter(user=self.mem_b).exists())
        self.ask(f"/start {token}", STRANGER_CHAT)  # still valid in a private chat
        self.assertTrue(TelegramAccount.objects.filter(user=self.mem_b).exists())

    def test_salir_unlinks_the_private_chat(self) -> None:
        answer = self.ask("/salir", MEMBER_CHAT)
        self.assertIn("no longer linked", answer)
        self.assertFalse(TelegramAccount.objects.filter(user=self.mem_a).exists())
        self.assertIn("not linked", self.ask("/salir", MEMBER_CHAT))
        MeetingFactory.create(title=MEETING_CANARY, visibility=Visibility.MEMBERS)
        self.assertNotIn(MEETING_CANARY, self.ask("/proxima", MEMBER_CHAT))

    def test_salir_in_a_group_unlinks_nobody(self) -> None:
        self.assertIn("private chat", self.ask("/salir", GROUP))
        self.assertTrue(TelegramAccount.objects.filter(user=self.mem_a).exists())

    def test_a_person_who_blocked_the_bot_is_unlinked(self) -> None:
        """An answer refused with 403 (the person blocked the bot): the link is removed."""
        self.api.block(MEMBER_CHAT)
        with self.assertLogs("minka.notifications.telegram.bot", "WARNING"):
            self.assertEqual(self.answers("/ayuda", MEMBER_CHAT), [])
        self.assertFalse(TelegramAccount.objects.filter(user=self.mem_a).exists())


class LanguageTests(BotTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(mock.patch.dict(bot._commands))
        bot.bot_command_register(
            "idioma", lambda request: translation.get_language(), help_text="language"
        )

    def test_answers_in_the_linked_persons_language_else_spanish(self) -> None:
        self.mem_a.language = "en"
        self.mem_a.save(update_fields=["language"])
        self.assertEqual(self.ask("/idioma", MEMBER_CHAT), "en")
        self.assertEqual(self.ask("/idioma", STRANGER_CHAT), "es")
        self.assertEqual(self.ask(f"/idioma@{BOT_USERNAME}", GROUP), "es")


class AnswerLimitTests(BotTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(mock.patch.dict(bot._commands))

    def test_long_answers_are_cut_to_telegrams_limit(self) -> None:
        """An answer of 300 lines of 40 characters is cut at a line, under 4,096."""
        lines = [f"<b>{index:04d}</b> {'é' * 33} &amp;" for index in range(300)]
        bot.bot_command_register("largo", lambda request: "\n".join(lines), help_text="long")
        answer = self.ask("/largo", STRANGER_CHAT)
        self.assertLessEqual(len(answer.encode("utf-16-le")) // 2, bot.MAX_TEXT)
        self.assertTrue(answer.endswith("…"))
        self.assertIn("0000", answer)

    def test_a_failing_command_answers_with_an_apology(self) -> None:
        def broken(request: bot.BotRequest) -> str:
            raise RuntimeError("a bug")

        bot.bot_command_register("roto", broken, help_text="broken")
        with self.assertLogs("minka.notifications.telegram.bot", "ERROR"):
            answer = self.ask("/roto", STRANGER_CHAT)
        self.assertNotIn("a bug", answer)

    def test_command_names_are_checked(self) -> None:
        with self.assertRaises(ValueError):
            bot.bot_command_register("Próxima", lambda request: "", help_text="x")


class ReplyDeliveryTests(BotTestCase):
    def test_an_answer_waits_for_telegrams_pacing(self) -> None:
        """Two commands in one second in one chat: the second answer waits its turn (one
        message a second to a chat) instead of being lost."""
        clock = FakeClock()
        self.enterContext(mock.patch.object(transport, "LIMITS", PacingLimits()))
        self.enterContext(mock.patch.object(transport, "_clock", clock))
        self.enterContext(mock.patch.object(bot, "_sleep", clock.advance))
        self.api.clock = clock
        self.ask("/ayuda", STRANGER_CHAT)
        self.ask("/ayuda", STRANGER_CHAT)
        first, second = self.api.requests("sendMessage")
        self.assertGreaterEqual(second.at - first.at, 1.0)

    def test_an_answer_is_retried_after_a_server_error(self) -> None:
        self.enterContext(mock.patch.object(bot, "_sleep", lambda seconds: None))
        self.api.fail_next("error")
        self.ask("/ayuda", STRANGER_CHAT)
        self.assertEqual([r.status for r in self.api.requests("sendMessage")], [500, 200])

    def test_an_answer_gives_up_within_its_limits(self) -> None:
        """Telegram down: a few attempts within REPLY_MAX_WAIT, then the bot moves on."""
        waits: list[float] = []
        self.enterContext(mock.patch.object(bot, "_sleep", waits.append))
        self.api.fail_next("error", times=10)
        with self.assertLogs("minka.notifications.telegram.bot", "WARNING"):
            self.assertEqual(self.answers("/ayuda", STRANGER_CHAT), [])
        self.assertEqual(len(self.api.requests("sendMessage")), bot.REPLY_ATTEMPTS)
        self.assertLessEqual(sum(waits), bot.REPLY_MAX_WAIT)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# --- The content commands: what each chat may see -------------------------------------------


class ContentTestCase(BotTestCase):
    """A public meeting three weeks ahead with its agenda, a members-only meeting sooner; a
    public open commitment of organization A, an overdue one, a members-only one, a
    closed one; a public and a members-only document; the canaries indexed for search."""

    def setUp(self) -> None:
        super().setUp()
        start = (timezone.localtime() + timedelta(days=21)).replace(hour=10, minute=0)
        self.meeting = MeetingFactory.create(
            title="Asamblea de la red",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="Casa de la Cultura",
            modality=Modality.HYBRID,
            online_url="https://meet.example.org/secreto-de-miembros",
        )
        AgendaItemFactory.create(meeting=self.meeting, position=1, title="Informe de la CODESI")
        AgendaItemFactory.create(meeting=self.meeting, position=2, title="Plan de trabajo 2027")
        MeetingFactory.create(
            title=MEETING_CANARY,
            starts_at=start - timedelta(days=7),
            ends_at=start - timedelta(days=7, hours=-2),
            visibility=Visibility.MEMBERS,
        )
        today = timezone.localdate()
        self.open = CommitmentFactory.create(
            title="Publicar el informe anual", due_date=today + timedelta(days=30)
        )
        self.open.responsible_organizations.add(self.org_a)
        self.overdue = CommitmentFactory.create(
            title="Enviar la carta al ministerio",
            due_date=today - timedelta(days=3),
            status=Status.IN_PROGRESS,
        )
        CommitmentFactory.create(
            title=COMMITMENT_CANARY,
            due_date=today - timedelta(days=1),
            visibility=Visibility.MEMBERS,
        )
        CommitmentFactory.create(title="Compromiso cumplido", status=Status.DONE)
        self.document = DocumentFactory.create(title="Agenda digital del Perú")
        canary = DocumentFactory.create(
            title=f"Agenda digital {DOCUMENT_CANARY}", visibility=Visibility.MEMBERS
        )
        for obj in (self.document, canary):
            search.index_object(obj)

    def assert_no_canary(self, answer: str) -> None:
        for canary in CANARIES:
            self.assertNotIn(canary, answer)


class NextMeetingTests(ContentTestCase):
    def test_in_the_group_the_next_public_meeting_with_date_place_and_agenda(self) -> None:
        """/proxima in the group: the public meeting (the members-only one, sooner, is not
        shown), its date, time, place, online without the link, and its agenda."""
        answer = self.ask("/proxima", GROUP)
        self.assert_no_canary(answer)
        with translation.override("es"):
            day = date_format(timezone.localtime(self.meeting.starts_at), "DATE_FORMAT")
        for expected in ("Asamblea de la red", day, "10:00", "12:00", "Casa de la Cultura"):
            self.assertIn(expected, answer)
        self.assertIn("1. Informe de la CODESI\n2. Plan de trabajo 2027", answer)
        self.assertNotIn("secreto-de-miembros", self.api.messages()[-1].text)
        link = f'href="{BASE_URL}{self.meeting.get_absolute_url()}"'
        self.assertIn(link, self.api.messages()[-1].text)

    def test_a_long_agenda_is_summed_up(self) -> None:
        for position in range(3, 16):
            AgendaItemFactory.create(meeting=self.meeting, position=position, title="x" * 300)
        answer = self.ask("/proxima", GROUP)
        self.assertIn("12. ", answer)
        self.assertNotIn("13. ", answer)
        self.assertIn(" 3", answer.rsplit("\n", 1)[1])  # "…and 3 more."

    def test_an_unlinked_private_chat_sees_public_only(self) -> None:
        answer = self.ask("/proxima", STRANGER_CHAT)
        self.assertIn("Asamblea de la red", answer)
        self.assert_no_canary(answer)

    def test_a_linked_member_sees_the_members_only_meeting(self) -> None:
        self.assertIn(MEETING_CANARY, self.ask("/proxima", MEMBER_CHAT))

    def test_a_linked_member_gets_the_online_link(self) -> None:
        self.meeting.visibility = Visibility.MEMBERS
        self.meeting.save()
        self.meeting.__class__.objects.filter(title=MEETING_CANARY).delete()
        self.ask("/proxima", MEMBER_CHAT)
        self.assertIn("secreto-de-miembros", self.api.messages()[-1].text)

    def test_no_meeting_ahead(self) -> None:
        self.meeting.__class__.objects.all().delete()
        answer = self.ask("/proxima", GROUP)
        self.assertNotIn("Asamblea", answer)
        self.assertIn(f"{BASE_URL}{reverse('meetings:meeting-list')}", self.api.messages()[-1].text)


class CommitmentsTests(ContentTestCase):
    def test_in_the_group_the_open_public_commitments_with_owners_and_deadlines(self) -> None:
        answer = self.ask("/acuerdos", GROUP)
        self.assert_no_canary(answer)
        self.assertIn("Publicar el informe anual — OA", answer)
        self.assertIn("Enviar la carta al ministerio", answer)
        self.assertNotIn("Compromiso cumplido", answer)
        assert self.open.due_date is not None
        with translation.override("es"):
            due = date_format(self.open.due_date, "SHORT_DATE_FORMAT")
        self.assertIn(due, answer)
        # The overdue one first: soonest deadline first.
        self.assertLess(answer.index("Enviar la carta"), answer.index("Publicar el informe"))

    def test_vencidos_lists_only_the_overdue(self) -> None:
        answer = self.ask("/acuerdos vencidos", GROUP)
        self.assertIn("Enviar la carta al ministerio", answer)
        self.assertNotIn("Publicar el informe anual", answer)
        self.assert_no_canary(answer)
        self.assertIn("?overdue=1", self.api.messages()[-1].text)

    def test_a_linked_member_sees_members_only_commitments(self) -> None:
        self.assertIn(COMMITMENT_CANARY, self.ask("/acuerdos vencidos", MEMBER_CHAT))
        self.assert_no_canary(self.ask("/acuerdos", STRANGER_CHAT))

    def test_an_unknown_argument_gets_the_usage(self) -> None:
        answer = self.ask("/acuerdos todos", GROUP)
        self.assertIn("/acuerdos vencidos", answer)
        self.assertNotIn("Publicar el informe anual", answer)

    def test_many_commitments_are_summed_up(self) -> None:
        for index in range(15):
            CommitmentFactory.create(title=f"Tarea {index:02d} " + "x" * 400)
        answer = self.ask("/acuerdos", GROUP)
        self.assertEqual(answer.count("• "), 10)
        self.assertLessEqual(len(answer), bot.MAX_TEXT)


class DocumentsTests(ContentTestCase):
    def test_in_the_group_the_latest_public_documents(self) -> None:
        answer = self.ask("/documentos", GROUP)
        self.assertIn("Agenda digital del Perú", answer)
        self.assert_no_canary(answer)
        link = f'href="{BASE_URL}{self.document.get_absolute_url()}"'
        self.assertIn(link, self.api.messages()[-1].text)

    def test_at_most_five_and_members_only_for_a_linked_member(self) -> None:
        for index in range(6):
            DocumentFactory.create(title=f"Documento nuevo {index}")
        self.assertEqual(self.ask("/documentos", GROUP).count("• "), 5)
        DocumentFactory.create(title=f"Último {DOCUMENT_CANARY}", visibility=Visibility.MEMBERS)
        self.assertIn(DOCUMENT_CANARY, self.ask("/documentos", MEMBER_CHAT))


class SearchTests(ContentTestCase):
    def test_in_the_group_public_results_with_absolute_links(self) -> None:
        answer = self.ask("/buscar agenda digital", GROUP)
        self.assertIn("Agenda digital del Perú", answer)
        self.assert_no_canary(answer)
        html = self.api.messages()[-1].text
        self.assertIn(f'href="{BASE_URL}{self.document.get_absolute_url()}"', html)
        self.assertIn(f"{BASE_URL}/buscar/?q=agenda+digital", html)

    def test_a_linked_member_finds_members_only_content(self) -> None:
        self.assertIn(DOCUMENT_CANARY, self.ask("/buscar agenda", MEMBER_CHAT))
        self.assert_no_canary(self.ask("/buscar agenda", STRANGER_CHAT))

    def test_at_most_five_results(self) -> None:
        for index in range(8):
            search.index_object(DocumentFactory.create(title=f"Agenda regional {index}"))
        answer = self.ask("/buscar agenda", GROUP)
        self.assertIn("5. ", answer)
        self.assertNotIn("6. ", answer)

    def test_without_text_the_usage_and_nothing_found(self) -> None:
        self.assertIn("/buscar", self.ask("/buscar", GROUP))
        self.assertIn("/buscar", self.ask("/buscar   ", STRANGER_CHAT))
        answer = self.ask("/buscar zzzqqq", GROUP)
        self.assertNotIn("1. ", answer)

    def test_html_in_the_query_is_escaped(self) -> None:
        self.ask("/buscar <b>agenda</b> & <i>", GROUP)
        self.assertIn("&lt;b&gt;agenda&lt;/b&gt; &amp;", self.api.messages()[-1].text)


# --- Long polling -------------------------------------------------------------------------------


class PollingTests(BotTestCase):
    def poll_once(self) -> str:
        out = StringIO()
        call_command("telegram_bot", "--once", stdout=out)
        return out.getvalue()

    def test_once_handles_each_update_exactly_once_across_two_rounds(self) -> None:
        """Two updates, a round; one more, another round: three answers, and the second
        round asked from the offset after the first round's updates."""
        first = self.api.inject_message("/ayuda", user_id=STRANGER_CHAT)
        self.api.inject_message("/documentos", user_id=MEMBER_CHAT)
        self.assertIn("updates handled: 2", self.poll_once())
        cache.clear()  # forget the handled ids: only the offset keeps them from coming back
        self.api.inject_message("/proxima", user_id=STRANGER_CHAT)
        self.assertIn("updates handled: 1", self.poll_once())
        self.assertEqual(len(self.api.messages()), 3)
        self.assertEqual(self.api.pending_updates(), [])
        # Each run asks from where Telegram stands, then confirms what it handled.
        offsets = [r.params.get("offset") for r in self.api.requests("getUpdates")]
        start = first["update_id"]
        self.assertEqual(offsets, [None, start + 2, None, start + 3])
        print(f"polling: 3 updates in 2 rounds, {len(self.api.messages())} answers")  # noqa: T201

    def test_polling_survives_an_outage_with_a_backoff(self) -> None:
        """Telegram down for three rounds: waits of 1, 2 and 4 s; back up: the update
        waiting is answered once."""
        waits: list[float] = []
        poller = Poller(timeout=0, sleep=waits.append)
        self.api.stop()
        with self.assertLogs("minka.notifications.management.commands.telegram_bot", "WARNING"):
            for _ in range(3):
                self.assertIs(poller.round(), False)
        self.api.start()
        self.api.inject_message("/ayuda", user_id=STRANGER_CHAT)
        self.assertIs(poller.round(), True)
        self.assertIs(poller.round(), True)
        self.assertEqual(waits, [1.0, 2.0, 4.0])
        self.assertEqual(len(self.api.messages()), 1)
        self.assertEqual(poller.backoff, 1.0)

    def test_polling_waits_as_a_429_asks(self) -> None:
        waits: list[float] = []
        poller = Poller(timeout=0, sleep=waits.append)
        self.api.fail_next("flood", retry_after=7, methods=["getUpdates"])
        with self.assertLogs("minka.notifications.management.commands.telegram_bot", "WARNING"):
            poller.round()
        self.assertEqual(waits, [7.0])

    def test_a_failing_update_is_not_handled_again(self) -> None:
        poller = Poller(timeout=0)
        self.api.inject_message("/ayuda", user_id=STRANGER_CHAT)
        with (
            mock.patch(
                "minka.notifications.management.commands.telegram_bot.handle_update",
                side_effect=RuntimeError("bug"),
            ),
            self.assertLogs("minka.notifications.management.commands.telegram_bot", "ERROR"),
        ):
            poller.round()
        poller.confirm()
        self.assertEqual(self.api.pending_updates(), [])

    def test_once_reports_an_unreachable_telegram(self) -> None:
        self.api.stop()
        with (
            self.assertLogs("minka.notifications.management.commands.telegram_bot", "WARNING"),
            mock.patch("time.sleep"),
            self.assertRaisesMessage(CommandError, "Telegram could not be reached."),
        ):
            self.poll_once()

    def test_without_a_token_the_command_refuses(self) -> None:
        with (
            override_settings(TELEGRAM_BOT_TOKEN=""),
            self.assertRaisesMessage(CommandError, "MINKA_TELEGRAM_BOT_TOKEN"),
        ):
            self.poll_once()


class WebhookModeTests(BotTestCase):
    URL = "https://minka.example.org/telegram/webhook/"

    def test_set_and_delete_the_webhook(self) -> None:
        """--set-webhook registers the URL with the secret; polling then conflicts;
        --delete-webhook returns to polling."""
        call_command("telegram_bot", "--set-webhook", self.URL, stdout=StringIO())
        self.assertEqual(self.api.webhook["url"], self.URL)
        self.assertEqual(self.api.webhook["secret_token"], SECRET)
        with (
            self.assertLogs("minka.notifications.management.commands.telegram_bot", "WARNING"),
            mock.patch("time.sleep"),
            self.assertRaises(CommandError),
        ):
            call_command("telegram_bot", "--once", stdout=StringIO())
        call_command("telegram_bot", "--delete-webhook", stdout=StringIO())
        self.assertEqual(self.api.webhook, {})

    def test_webhook_mode_needs_a_secret_and_https(self) -> None:
        with (
            override_settings(TELEGRAM_WEBHOOK_SECRET=""),
            self.assertRaisesMessage(CommandError, "MINKA_TELEGRAM_WEBHOOK_SECRET"),
        ):
            call_command("telegram_bot", "--set-webhook", self.URL)
        with self.assertRaisesMessage(CommandError, "https://"):
            call_command("telegram_bot", "--set-webhook", "http://minka.example.org/x/")
        self.assertEqual(self.api.webhook, {})


class WebhookViewTests(BotTestCase):
    def post(self, body: Any, **headers: str) -> int:
        data = body if isinstance(body, str) else json.dumps(body)
        response = self.client.post(
            reverse("notifications:telegram-webhook"),
            data,
            content_type="application/json",
            headers=headers,
        )
        return response.status_code

    def update(self, text: str = "/ayuda") -> dict[str, Any]:
        return self.api.inject_message(text, user_id=STRANGER_CHAT)

    def test_the_right_secret_gets_the_update_answered(self) -> None:
        status = self.post(self.update(), **{"X-Telegram-Bot-Api-Secret-Token": SECRET})
        self.assertEqual(status, 200)
        self.assertEqual(len(self.api.messages(STRANGER_CHAT)), 1)

    def test_a_missing_or_wrong_secret_is_refused_and_nothing_is_done(self) -> None:
        self.assertEqual(self.post(self.update()), 403)
        wrong = {"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"}
        self.assertEqual(self.post(self.update(), **wrong), 403)
        self.assertEqual(self.post(self.update(), **{"X-Telegram-Bot-Api-Secret-Token": ""}), 403)
        self.assertEqual(self.api.messages(), [])

    def test_without_a_configured_secret_everything_is_refused(self) -> None:
        with override_settings(TELEGRAM_WEBHOOK_SECRET=""):
            self.assertEqual(
                self.post(self.update(), **{"X-Telegram-Bot-Api-Secret-Token": ""}), 403
            )
        self.assertEqual(self.api.messages(), [])

    def test_bad_json_or_no_update_is_a_bad_request(self) -> None:
        header = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        self.assertEqual(self.post("{not json", **header), 400)
        self.assertEqual(self.post([1, 2], **header), 400)
        self.assertEqual(self.post({"update_id": "1"}, **header), 400)
        self.assertEqual(self.api.messages(), [])

    def test_only_post(self) -> None:
        response = self.client.get(reverse("notifications:telegram-webhook"))
        self.assertEqual(response.status_code, 405)

    def test_a_resent_update_is_answered_once(self) -> None:
        update = self.update()
        header = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        self.assertEqual(self.post(update, **header), 200)
        self.assertEqual(self.post(update, **header), 200)
        self.assertEqual(len(self.api.messages()), 1)


# --- The token never reaches a log ----------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter("%(name)s %(message)s").format(record))


class TokenLogTests(TestCase):
    def test_the_bot_token_never_reaches_a_log(self) -> None:
        """A canary token, every logger at DEBUG: a polling round with answers, an outage
        and a failing command; the token occurs 0 times in the logs (their URLs do, redacted)."""
        canary = f"{secrets.randbelow(10**9) + 10**9}:AA{secrets.token_urlsafe(25)}"
        collect = _Collect()
        root = logging.getLogger()
        saved = [(logger, logger.level) for logger in _all_loggers()]
        for logger, _level in saved:
            logger.setLevel(logging.DEBUG)
        root.addHandler(collect)
        cache.clear()
        try:
            with (
                BotAPIServer(token=canary) as api,
                override_settings(TELEGRAM_BOT_TOKEN=canary, TELEGRAM_API_URL=api.base_url),
                mock.patch.object(transport, "LIMITS", NO_PACING),
                mock.patch("time.sleep"),
                mock.patch.object(bot, "_sleep", lambda seconds: None),
            ):
                api.inject_message("/ayuda", user_id=STRANGER_CHAT)
                api.inject_message("/buscar", user_id=STRANGER_CHAT)
                call_command("telegram_bot", "--once", stdout=StringIO())
                api.fail_next("error", times=5, methods=["sendMessage"])
                api.inject_message("/ayuda", user_id=STRANGER_CHAT)
                call_command("telegram_bot", "--once", stdout=StringIO())
                api.stop()
                with self.assertRaises(CommandError):
                    call_command("telegram_bot", "--once", stdout=StringIO())
        finally:
            root.removeHandler(collect)
            for logger, level in saved:
                logger.setLevel(level)
        text = "\n".join(collect.lines)
        occurrences = text.count(canary.split(":", 1)[1])
        print(f"bot: token occurrences in {len(collect.lines)} log lines = {occurrences}")  # noqa: T201
        self.assertEqual(occurrences, 0)
        self.assertIn("/bot<token>/getUpdates", text)


def _all_loggers() -> list[logging.Logger]:
    names = list(logging.root.manager.loggerDict)
    return [logging.getLogger(), *(logging.getLogger(name) for name in names)]
