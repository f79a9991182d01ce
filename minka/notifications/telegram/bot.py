"""The Telegram bot: the commands people write to it, in a private chat or in the network's
group or channel, and its answers.

Apps register their commands from ``AppConfig.ready()`` (``<app>/bot.py``), as they register
kinds of event::

    bot_command_register("proxima", next_meeting, help_text=_("the next meeting"))

A handler takes a :class:`BotRequest` and returns the answer in Telegram's HTML (render it
with :func:`render_reply`). It runs in the chat's language and reads as ``request.viewer``,
through its app's usual selectors: in a group or channel the viewer is always a visitor
(public content only, whoever asks); in a private chat it is the person who linked the chat
to their account, or a visitor when nobody did.

:func:`handle_update` takes one update from long polling (``minka telegram_bot``) or from the
webhook (``telegram/webhook/``): it answers ``/command``, ``/command@bot`` and
``/command args`` once per update id, in the linked person's language (Spanish otherwise),
in at most 4,096 characters. This module registers the commands of the notifications app
itself: ``/start`` (with a token: account linking), ``/ayuda``, ``/buscar`` and ``/salir``.
"""

from __future__ import annotations

import html
import logging
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka import search
from minka.core.urls_util import absolute_url
from minka.notifications.channels import PermanentError, TransientError
from minka.notifications.channels.telegram import PERSON_GONE, send_message, telegram_html
from minka.notifications.models import TelegramAccount
from minka.notifications.telegram import linking

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.utils.functional import Promise
    from telegram import Message, Update

    from minka.core.types import Actor

logger = logging.getLogger(__name__)

MAX_TEXT = 4096  # Telegram's limit, in UTF-16 code units of the text as shown
PRIVATE = "private"
SEARCH_SHOWN = 5
# How long an answer may wait for Telegram's pacing or a failed attempt (seconds), and how
# many failed attempts it gets: a person waits for it, and webhook mode holds a request.
REPLY_MAX_WAIT = 10.0
REPLY_ATTEMPTS = 3
# Update ids already handled are remembered this long (Telegram keeps an update 24 hours).
UPDATE_MEMORY = 48 * 3600
_UPDATE_KEY = "minka:telegram:update:"
_COMMAND = re.compile(r"/(?P<name>\w{1,64})(?:@(?P<bot>\w{1,64}))?(?:\s+(?P<args>.*))?", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
# The clock of the answers' waits (tests replace it).
_sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class BotRequest:
    """A command, as its handler sees it."""

    command: str  # its name, folded: "proxima"
    args: str  # what followed it, stripped
    chat_id: int
    chat_type: str  # "private", "group", "supergroup" or "channel"
    username: str  # the sender's Telegram @username, without the @ ("" when none)
    viewer: Actor  # whose eyes the answer uses: the linked person, or a visitor
    account: TelegramAccount | None  # the link of this private chat, if any

    @property
    def private(self) -> bool:
        return self.chat_type == PRIVATE


Handler = Callable[[BotRequest], str]


@dataclass(frozen=True)
class BotCommand:
    name: str
    handler: Handler
    help_text: str | Promise


_commands: dict[str, BotCommand] = {}
# The help lists these first (in this order), then any other in registration order, then
# the last ones; /start opens the conversation and is not listed.
_FIRST = ("proxima", "acuerdos", "documentos", "buscar")
_LAST = ("ayuda", "salir")


def bot_command_register(name: str, handler: Handler, *, help_text: str | Promise) -> BotCommand:
    """Register the command ``/name`` (lower-case letters, digits and _; again on a reload:
    the newest registration wins)."""
    if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
        raise ValueError("A command's name has 1 to 32 lower-case letters, digits or _.")
    command = BotCommand(name, handler, help_text)
    _commands[name] = command
    return command


def bot_commands() -> list[BotCommand]:
    """The commands the help lists, in the help's order."""
    fixed = {*_FIRST, *_LAST, "start"}
    first = [_commands[name] for name in _FIRST if name in _commands]
    others = [command for command in _commands.values() if command.name not in fixed]
    return first + others + [_commands[name] for name in _LAST if name in _commands]


# --- Answers ----------------------------------------------------------------------------------


def telegram_length(text: str) -> int:
    """The length Telegram counts for ``text`` in its HTML mode: UTF-16 code units of the
    text without its tags, entities decoded."""
    return len(html.unescape(_TAG.sub("", text)).encode("utf-16-le")) // 2


def fit(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` cut at a line break, with "…", when longer than Telegram allows. The
    templates of answers open and close every tag on one line, so whole lines stay valid."""
    if telegram_length(text) <= limit:
        return text
    lines = text.split("\n")
    while lines and telegram_length("\n".join([*lines, "…"])) > limit:
        lines.pop()
    return "\n".join([*lines, "…"]).strip()


def render_reply(template: str, context: dict[str, Any] | None = None) -> str:
    """Render an answer from ``templates/notifications/telegram/``: each line's indentation
    and trailing spaces removed, at most one empty line in a row, cut to Telegram's limit."""
    text = render_to_string(template, {"base_url": settings.BASE_URL, **(context or {})})
    lines = [line.strip() for line in text.splitlines()]
    return fit(re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip())


def sentence(text: str) -> str:
    """A one-line answer: plain text, escaped for Telegram."""
    return telegram_html(text)


# --- Dispatch ---------------------------------------------------------------------------------


def update_from_json(data: object) -> Update | None:
    """The update in Telegram's JSON ``data``, or ``None`` when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return None
    from telegram import Update  # imported when the bot is used (see channels.telegram)

    try:
        return Update.de_json(data)
    except (TypeError, KeyError, ValueError, AttributeError):
        return None


def handle_update(update: Update | dict[str, Any]) -> None:
    """Answer one update (a raw dict is read as Telegram's JSON). Commands in private
    chats, groups and channels get an answer; other text in a private chat gets the short
    help; everything else (edits, joins, other bots' commands, malformed data) is ignored.
    An update id seen before is ignored too (Telegram resends a webhook update it got no
    answer to)."""
    if isinstance(update, dict):
        parsed = update_from_json(update)
        if parsed is None:
            return
        update = parsed
    message = update.message or update.channel_post
    if message is None or not message.text:
        return
    if not cache.add(f"{_UPDATE_KEY}{update.update_id}", True, timeout=UPDATE_MEMORY):
        return
    request = _request(message)
    if request is None:
        return
    language = settings.LANGUAGE_CODE
    if request.account is not None:
        language = request.account.user.language or language
    with translation.override(language):
        answer = _answer(request)
    if answer:
        _reply(request, answer)


def _fold(name: str) -> str:
    """``/Próxima`` and ``/proxima`` are the same command."""
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _request(message: Message) -> BotRequest | None:
    """The command of ``message``, or ``None`` when the bot has nothing to say to it."""
    chat = message.chat
    text = (message.text or "").strip()
    matched = _COMMAND.fullmatch(text)
    bot = settings.TELEGRAM_BOT_USERNAME
    if matched:
        addressee = matched.group("bot")
        if addressee and bot and addressee.lower() != bot.lower():
            return None  # a command for another bot in the group
        name = _fold(matched.group("name"))
        args = (matched.group("args") or "").strip()
        if name not in _commands and chat.type != PRIVATE and not addressee:
            return None  # in a group, an unknown command may be another bot's
    elif chat.type == PRIVATE:
        name, args = "", text  # a message that is not a command: the short help
    else:
        return None
    account = None
    if chat.type == PRIVATE:
        account = (
            TelegramAccount.objects.select_related("user")
            .filter(chat_id=chat.id, user__is_active=True)
            .first()
        )
    sender = message.from_user
    return BotRequest(
        command=name,
        args=args,
        chat_id=chat.id,
        chat_type=chat.type,
        username=(sender.username or "") if sender is not None else "",
        viewer=account.user if account is not None else AnonymousUser(),
        account=account,
    )


def _answer(request: BotRequest) -> str:
    command = _commands.get(request.command)
    if command is None:
        return render_reply(
            "notifications/telegram/unknown.html",
            {"command": request.command, "commands": bot_commands()},
        )
    try:
        return fit(command.handler(request))
    except Exception:
        # A bug in one command must not stop the bot; the person learns it failed.
        logger.exception("The bot's command /%s failed", request.command)
        return sentence(_("Something went wrong with this command. Please try again later."))


def _reply(request: BotRequest, text: str) -> bool:
    """Send ``text`` to the chat of ``request``: waiting for Telegram's pacing and retrying a
    failed attempt, within :data:`REPLY_MAX_WAIT` seconds. Returns whether it went."""
    waited = 0.0
    failures = 0
    while True:
        try:
            send_message(request.chat_id, text)
        except PermanentError as error:
            logger.warning("Telegram refused an answer of the bot: %s", error)
            if request.account is not None and str(error) in PERSON_GONE:
                linking.unlink_chat(request.chat_id)
            return False
        except TransientError as error:
            failures += 1 if error.counts else 0
            wait = error.retry_after if error.retry_after is not None else float(failures)
            if failures >= REPLY_ATTEMPTS or waited + wait > REPLY_MAX_WAIT:
                logger.warning("An answer of the bot could not be sent: %s", error)
                return False
            _sleep(wait)
            waited += wait
        else:
            return True


# --- The commands of this app -----------------------------------------------------------------


def _start(request: BotRequest) -> str:
    """``/start``: a greeting with the help; ``/start <token>`` (the deep link of a profile
    page) links this private chat to the person's account."""
    token = request.args.split()[0] if request.args else ""
    if not token:
        return _help(request, greeting=True)
    if not request.private:
        return sentence(_("Open your link in a private chat with the bot, not in a group."))
    user = linking.link_confirm(token, chat_id=request.chat_id, username=request.username)
    if user is None:
        return render_reply("notifications/telegram/link_invalid.html")
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return render_reply(
            "notifications/telegram/linked.html",
            {"user": user, "commands": bot_commands(), "network_name": settings.NETWORK_NAME},
        )


def _help(request: BotRequest, *, greeting: bool = False) -> str:
    return render_reply(
        "notifications/telegram/help.html",
        {
            "greeting": greeting,
            "commands": bot_commands(),
            "private": request.private,
            "chat_id": request.chat_id,
            "linked": request.account is not None,
            "network_name": settings.NETWORK_NAME,
        },
    )


def _ayuda(request: BotRequest) -> str:
    return _help(request)


def _salir(request: BotRequest) -> str:
    """``/salir``: unlink this private chat from the account it was linked to."""
    if not request.private:
        return sentence(_("Send /salir in your private chat with the bot."))
    if request.account is None:
        return sentence(_("This chat is not linked to any account."))
    linking.unlink_chat(request.chat_id)
    return render_reply("notifications/telegram/unlinked.html")


def _visible(viewer: Actor, adapter: search.Searchable) -> QuerySet[Any]:
    """The objects of a search registration that ``viewer`` may see: the registration's
    ``visible_to``, else the model's (as the search page checks each hit again)."""
    if adapter.visible_to is not None:
        return adapter.visible_to(viewer)
    queryset = adapter.model._default_manager.all()
    if hasattr(queryset, "visible_to"):
        queryset = queryset.visible_to(viewer)
    return queryset


def _search_items(viewer: Actor, hits: list[search.SearchHit]) -> list[dict[str, str]]:
    adapters = {adapter.content_type: adapter for adapter in search.registered()}
    wanted: dict[str, list[str]] = {}
    for hit in hits:
        wanted.setdefault(hit.content_type, []).append(hit.object_id)
    objects: dict[tuple[str, str], Any] = {}
    for label, ids in wanted.items():
        adapter = adapters.get(label)
        if adapter is None:
            continue
        for obj in _visible(viewer, adapter).filter(pk__in=ids):
            objects[(label, str(obj.pk))] = obj
    items = []
    for hit in hits:
        obj = objects.get((hit.content_type, hit.object_id))
        url = getattr(obj, "get_absolute_url", None)
        if obj is None or url is None:
            continue
        kind = adapters[hit.content_type].type_name()
        items.append({"title": hit.title, "url": absolute_url(url()), "type": kind})
    return items


def _buscar(request: BotRequest) -> str:
    """``/buscar <texto>``: the first results of the site's search, with their links."""
    query = " ".join(request.args.split())[:200]
    if not query:
        return render_reply("notifications/telegram/search_usage.html")
    results = search.search(query, user=request.viewer, limit=SEARCH_SHOWN * 2)
    items = _search_items(request.viewer, results.hits)[:SEARCH_SHOWN]
    return render_reply(
        "notifications/telegram/search.html",
        {
            "query": query,
            "items": items,
            "total": results.total,
            "message": results.message,
            "more_url": absolute_url(f"{reverse('search:search')}?{urlencode({'q': query})}"),
            "public": not request.private or request.account is None,
        },
    )


bot_command_register("start", _start, help_text=gettext_lazy("start the conversation"))
bot_command_register(
    "buscar", _buscar, help_text=gettext_lazy("search the network's pages and documents")
)
bot_command_register("ayuda", _ayuda, help_text=gettext_lazy("this help"))
bot_command_register("salir", _salir, help_text=gettext_lazy("unlink your account from this chat"))
