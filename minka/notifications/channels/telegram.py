"""The Telegram transport: sends messages and talks to the Bot API through python-telegram-bot's
:class:`telegram.Bot`, from synchronous code (views, services, the task worker).

Settings (``minka/settings.py``): ``TELEGRAM_BOT_TOKEN`` (empty: Telegram is off),
``TELEGRAM_API_URL`` (the Bot API base URL, the token appended), ``TELEGRAM_BOT_USERNAME`` (for
deep links) and ``TELEGRAM_WEBHOOK_SECRET``.

Each call runs the async client on a fresh event loop (:func:`asyncio.run`; a helper thread when
the caller is itself inside an event loop) with its own HTTP client, timeouts of
:data:`CONNECT_TIMEOUT` to connect and :data:`READ_TIMEOUT` to read, and an overall deadline.
The bot is not ``initialize()``-d: that would cost a ``getMe`` per message, and nothing here
needs the cached bot user.

Failures become :class:`PermanentError` (unknown chat, bot blocked or removed, a request that
retrying cannot fix) or :class:`TransientError` (429 with its ``retry_after``, network errors,
timeouts, 5xx, a refused token that an operator can fix). Their messages are fixed sentences:
no token, no chat id, no server reply.

Pacing (SECURITY.md §4.1, the Bot FAQ's limits, :data:`LIMITS`): about one message per second
to a chat, 20 per minute to a group or channel, 30 per second overall; and after a 429 nothing
goes to any chat until its ``retry_after`` has run out. :func:`send_message` checks these
*before* sending and, when it would exceed them, sends nothing and raises
``TransientError(retry_after=wait, counts=False)``: a deferral, not a failed attempt. The
state lives in Django's default cache, so every thread and process on one cache shares it;
a short lock in the cache (``cache.add``) makes check-and-record atomic. (Django's file cache
implements ``add`` as check-then-write, so across *processes* it is best effort there;
Redis, Memcached, the database and the local-memory cache are atomic.)

:class:`TelegramChannel` is the outbox's channel (``delivery.channel_get("telegram")``): it
sends a rendered notice to a person's linked chat or to one of the network's group chats.

The bot token appears in every Bot API URL (``/bot<token>/method``), and httpx and
python-telegram-bot log those URLs. Before the first request, :func:`install_log_redaction`
puts a filter on their loggers that replaces the token in every record with ``<token>``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import re
import ssl
import threading
import time
import uuid
import warnings
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache as memoize
from typing import TYPE_CHECKING, Any, TypeVar

import certifi
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from minka.notifications.channels import DeliveryError, PermanentError, TransientError

# python-telegram-bot (and httpx under it) is imported where a call needs it, not with this
# module: every web process and the task worker import this module, and the library adds
# about 20 MB to a process that never talks to Telegram (no bot token set).
if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence

    from telegram import Bot, ChatFullInfo, Update, User, WebhookInfo
    from telegram.error import RetryAfter, TelegramError

    from minka.notifications.kinds import Notice
    from minka.notifications.models import Message

T = TypeVar("T")

CONNECT_TIMEOUT = 3.0  # seconds to open a connection
READ_TIMEOUT = 10.0  # seconds to wait for each read (a long poll adds its own timeout)
REDACTED = "<token>"


@dataclass(frozen=True)
class PacingLimits:
    """How fast the bot may write (Telegram's Bot FAQ, as quoted by python-telegram-bot)."""

    chat_interval: float = 1.0  # seconds between two messages to one chat
    group_messages: int = 20  # messages to one group or channel ...
    group_window: float = 60.0  # ... per this many seconds
    bot_messages: int = 30  # messages to all chats together ...
    bot_window: float = 1.0  # ... per this many seconds


LIMITS = PacingLimits()


@memoize
def _library() -> None:
    """Import python-telegram-bot once, when a call first needs it. Version 22.2+ warns on
    every 429 (its RetryAfter reads its own deprecated attribute); the value is read below
    for int and timedelta alike."""
    from telegram.warnings import PTBDeprecationWarning

    warnings.filterwarnings(
        "ignore", message=r".*attribute `retry_after` will be", category=PTBDeprecationWarning
    )


# The clock of the pacing state (tests replace it with a fake one).
_clock: Callable[[], float] = time.time

_CACHE_PREFIX = "minka:telegram:"
_LOCK_KEY = _CACHE_PREFIX + "lock"
_FLOOD_KEY = _CACHE_PREFIX + "flood-until"
_BOT_KEY = _CACHE_PREFIX + "recent"
_LOCK_TTL = 5  # seconds: a holder that died frees the lock after this
_LOCK_WAIT = 2.0  # seconds to wait for the lock before deferring
_process_lock = threading.Lock()

_CHAT_ID = re.compile(r"-?\d{1,20}")
_CHANNEL_NAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{4,31}")
_START_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")

# Refusals that mean a person's private chat is gone for good: the bot was blocked, or the
# account deleted (the outbox's channel then forgets the link; the person may link again).
BLOCKED = "The person blocked the bot."
DEACTIVATED = "The Telegram account was deleted."
PERSON_GONE = frozenset({BLOCKED, DEACTIVATED})

# Why Telegram refused a message, from its description (matched in lower case), as fixed
# sentences: the description itself may quote the request and is not kept.
_REASONS = (
    ("chat not found", "Telegram does not know this chat."),
    ("blocked by the user", BLOCKED),
    ("kicked", "The bot was removed from the chat."),
    ("not a member", "The bot is not a member of the chat."),
    ("user is deactivated", DEACTIVATED),
    ("initiate conversation", "The person has not started a conversation with the bot."),
    ("not enough rights", "The bot may not write in this chat."),
    ("have no rights", "The bot may not write in this chat."),
    ("can't parse entities", "Telegram could not read the message's HTML."),
    ("message is too long", "The message is too long for Telegram."),
    ("text is empty", "The message is empty."),
    ("text must be non-empty", "The message is empty."),
    ("bad webhook", "Telegram refused the webhook address."),
    ("secret token", "Telegram refused the webhook secret."),
)


# --- Public API -------------------------------------------------------------------------------


def telegram_enabled() -> bool:
    """Whether a bot token is configured (``MINKA_TELEGRAM_BOT_TOKEN``)."""
    return bool(settings.TELEGRAM_BOT_TOKEN)


def telegram_html(text: str) -> str:
    """Escape plain text for a message sent with ``parse_mode=HTML``: ``&``, ``<``, ``>`` and
    ``"`` become the named entities the Bot API accepts."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def deep_link(payload: str) -> str:
    """The link that opens the bot with ``/start <payload>`` (1-64 of A-Z a-z 0-9 _ -)."""
    if not settings.TELEGRAM_BOT_USERNAME:
        raise ImproperlyConfigured("Set MINKA_TELEGRAM_BOT_USERNAME to link Telegram accounts.")
    if not _START_PAYLOAD.fullmatch(payload):
        raise ValueError("A start payload has 1 to 64 letters, digits, _ or -.")
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={payload}"


def send_message(chat_id: int | str, html: str, *, disable_preview: bool = True) -> int:
    """Send ``html`` (Telegram's HTML parse mode; escape text with :func:`telegram_html`) to a
    chat: a person's or group's id, or a channel's ``@username``. Return the message id.

    Raises :class:`TransientError` with ``counts=False`` and nothing sent when pacing says
    wait; :class:`TransientError` (``retry_after`` set after a 429) or
    :class:`PermanentError` when Telegram fails or refuses."""
    chat = _chat_id(chat_id)
    token, base_url = _config()
    _reserve(chat)
    _library()
    from telegram import LinkPreviewOptions
    from telegram.constants import ParseMode

    preview = LinkPreviewOptions(is_disabled=True) if disable_preview else None

    async def operation(bot: Bot) -> int:
        message = await bot.send_message(
            chat_id=chat, text=html, parse_mode=ParseMode.HTML, link_preview_options=preview
        )
        return message.message_id

    return _call(token, base_url, operation)


def bot_get_me() -> User:
    """The bot's own user (``getMe``): checks the token and tells the username."""
    token, base_url = _config()
    return _call(token, base_url, lambda bot: bot.get_me())


def get_chat(chat_id: int | str) -> ChatFullInfo:
    """A chat as the bot sees it (``getChat``): checks that a configured group exists and
    that the bot is in it."""
    chat = _chat_id(chat_id)
    token, base_url = _config()
    return _call(token, base_url, lambda bot: bot.get_chat(chat_id=chat))


def get_updates(
    offset: int | None = None, timeout: int = 0, *, allowed_updates: Sequence[str] | None = None
) -> list[Update]:
    """Long polling (``getUpdates``): the updates from ``offset`` on, waiting up to
    ``timeout`` seconds for one. Pass the last ``update_id`` + 1 as the next ``offset`` to
    confirm the ones handled. The returned objects are plain data: answer with
    :func:`send_message`, not with their ``reply_*`` shortcuts (their client is closed)."""
    token, base_url = _config()

    async def operation(bot: Bot) -> list[Update]:
        return list(
            await bot.get_updates(offset=offset, timeout=timeout, allowed_updates=allowed_updates)
        )

    return _call(token, base_url, operation, extra_seconds=timeout)


def set_webhook(
    url: str,
    secret_token: str,
    *,
    allowed_updates: Sequence[str] | None = None,
    drop_pending_updates: bool = False,
) -> bool:
    """Webhook mode (``setWebhook``): Telegram POSTs updates to ``url`` (HTTPS) with the
    header ``X-Telegram-Bot-Api-Secret-Token: <secret_token>``."""
    token, base_url = _config()
    return _call(
        token,
        base_url,
        lambda bot: bot.set_webhook(
            url=url,
            secret_token=secret_token,
            allowed_updates=allowed_updates,
            drop_pending_updates=drop_pending_updates,
        ),
    )


def delete_webhook(*, drop_pending_updates: bool = False) -> bool:
    """Leave webhook mode (``deleteWebhook``), so that long polling works again."""
    token, base_url = _config()
    return _call(
        token, base_url, lambda bot: bot.delete_webhook(drop_pending_updates=drop_pending_updates)
    )


def get_webhook_info() -> WebhookInfo:
    """The webhook Telegram knows (``getWebhookInfo``): its URL and pending updates."""
    token, base_url = _config()
    return _call(token, base_url, lambda bot: bot.get_webhook_info())


# --- The outbox's channel --------------------------------------------------------------------


class TelegramChannel:
    """Deliver one outbox message on Telegram: to the group or channel of ``message.chat``
    (an announcement), or to the private chat ``message.user`` linked (their
    :class:`~minka.notifications.models.TelegramAccount`).

    The text is ``notice.telegram`` (Telegram HTML), or the escaped subject with the link.
    The transport's errors pass through, so the outbox retries, waits for a 429's
    ``retry_after`` and paces the chats. A person who blocked the bot, or deleted their
    Telegram account, is unlinked as well: their later messages stop, and they may link again.
    """

    def send(self, message: Message, notice: Notice) -> None:
        chat_id, personal = _recipient(message)
        try:
            send_message(chat_id, notice.telegram or notice_text(notice))
        except PermanentError as error:
            if personal and str(error) in PERSON_GONE:
                from minka.notifications.telegram.linking import unlink_chat

                unlink_chat(chat_id)
            raise


def notice_text(notice: Notice) -> str:
    """A notice without a Telegram text of its own: its subject in bold, then its link."""
    text = f"<b>{telegram_html(' '.join(notice.subject.split()))}</b>"
    if notice.url:
        text += f"\n{telegram_html(notice.url)}"
    return text


def _recipient(message: Message) -> tuple[int, bool]:
    """The Telegram chat id of ``message``, and whether it is a person's private chat."""
    from minka.notifications.models import TelegramAccount

    if message.chat is not None:
        if not message.chat.active:
            raise PermanentError("The group or channel is no longer active.")
        return message.chat.chat_id, False
    if message.user is None:
        raise PermanentError("not linked")
    try:
        return message.user.telegram.chat_id, True
    except TelegramAccount.DoesNotExist:
        raise PermanentError("not linked") from None


# --- Running the async client -----------------------------------------------------------------


def _config() -> tuple[str, str]:
    token: str = settings.TELEGRAM_BOT_TOKEN
    if not token:
        raise PermanentError("Telegram is off: MINKA_TELEGRAM_BOT_TOKEN is empty.")
    install_log_redaction(token)
    return token, settings.TELEGRAM_API_URL


def _chat_id(chat_id: int | str) -> int | str:
    if isinstance(chat_id, int) and not isinstance(chat_id, bool):
        return chat_id
    text = str(chat_id).strip()
    if _CHAT_ID.fullmatch(text):
        return int(text)
    if _CHANNEL_NAME.fullmatch(text):
        return text
    raise PermanentError("This is not a Telegram chat id.")


def _call(
    token: str,
    base_url: str,
    operation: Callable[[Bot], Awaitable[T]],
    *,
    extra_seconds: float = 0,
) -> T:
    """Run ``operation`` with a bot of its own, translating every failure."""
    _library()
    from telegram import Bot
    from telegram.error import TelegramError
    from telegram.request import HTTPXRequest

    deadline = CONNECT_TIMEOUT + READ_TIMEOUT + extra_seconds

    async def main() -> T:
        requests = [
            HTTPXRequest(
                connection_pool_size=1,
                connect_timeout=CONNECT_TIMEOUT,
                read_timeout=READ_TIMEOUT,
                write_timeout=READ_TIMEOUT,
                pool_timeout=CONNECT_TIMEOUT,
                httpx_kwargs={"verify": _tls_context()},
            )
            for _ in range(2)
        ]
        bot = Bot(token, base_url=base_url, request=requests[0], get_updates_request=requests[1])
        try:
            async with asyncio.timeout(deadline):
                return await operation(bot)
        finally:
            await asyncio.gather(*(request.shutdown() for request in requests))

    try:
        return _run(main())
    except TelegramError as error:
        raise _delivery_error(error) from None
    except TimeoutError:
        raise TransientError("Telegram did not answer in time.") from None


@memoize
def _tls_context() -> ssl.SSLContext:
    """One TLS context per process, shared by every call's client: building it (loading the
    CA bundle, the same certifi bundle httpx uses by default) costs ~70 ms."""
    return ssl.create_default_context(cafile=certifi.where())


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion on a fresh event loop: in this thread, or in a helper
    thread when this one already runs a loop (an async caller; it waits meanwhile)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _delivery_error(error: TelegramError) -> DeliveryError:
    """Classify a python-telegram-bot error (order matters: BadRequest and TimedOut are
    NetworkErrors)."""
    from telegram.error import (
        BadRequest,
        ChatMigrated,
        Conflict,
        Forbidden,
        InvalidToken,
        NetworkError,
        RetryAfter,
        TimedOut,
    )

    if isinstance(error, RetryAfter):
        seconds = _retry_after_seconds(error)
        _pause_all(seconds)
        return TransientError(
            f"Telegram asked to wait {seconds:g} s (flood control).", retry_after=seconds
        )
    if isinstance(error, ChatMigrated):
        return PermanentError("The group became a supergroup with a new chat id.")
    if isinstance(error, BadRequest | Forbidden):
        description = error.message.lower()
        for needle, reason in _REASONS:
            if needle in description:
                return PermanentError(reason)
        kind = "forbidden" if isinstance(error, Forbidden) else "bad request"
        return PermanentError(f"Telegram refused the request ({kind}).")
    if isinstance(error, InvalidToken):
        # Permanent for this message but fixable by an operator: keep the message queued.
        return TransientError("Telegram refused the bot token (MINKA_TELEGRAM_BOT_TOKEN).")
    if isinstance(error, TimedOut):
        return TransientError("Telegram did not answer in time.")
    if isinstance(error, NetworkError):
        return TransientError("Telegram could not be reached or failed.")
    if isinstance(error, Conflict):
        return TransientError("Another process polls this bot, or a webhook is set.")
    return TransientError(f"Telegram failed ({type(error).__name__}).")


def _retry_after_seconds(error: RetryAfter) -> float:
    from telegram.warnings import PTBDeprecationWarning

    with warnings.catch_warnings():
        # python-telegram-bot 22.2+ warns that the attribute becomes a timedelta.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return float(value if isinstance(value, int | float) else value.total_seconds())


# --- Pacing -----------------------------------------------------------------------------------


@contextmanager
def _pacing_lock() -> Iterator[None]:
    """Hold the pacing state: a thread lock in this process, a cache entry across processes."""
    with _process_lock:
        owner = uuid.uuid4().hex
        give_up = time.monotonic() + _LOCK_WAIT
        while not cache.add(_LOCK_KEY, owner, timeout=_LOCK_TTL):
            if time.monotonic() >= give_up:
                raise TransientError("Telegram pacing is busy.", retry_after=1.0, counts=False)
            time.sleep(0.005)
        try:
            yield
        finally:
            if cache.get(_LOCK_KEY) == owner:
                cache.delete(_LOCK_KEY)


def _is_group(chat: int | str) -> bool:
    """Groups, supergroups and channels have negative ids; channels also ``@usernames``."""
    return isinstance(chat, str) or chat < 0


def _recent(times: list[float] | None, now: float, window: float) -> list[float]:
    return [t for t in times or [] if now - t < window]


def _reserve(chat: int | str) -> None:
    """Record a message to ``chat`` now, or raise a deferral if Telegram's limits (or a 429's
    pause) say wait; the wait is the longest of the limits that apply."""
    limits = LIMITS
    chat_key = f"{_CACHE_PREFIX}chat:{chat}"
    group_key = f"{_CACHE_PREFIX}group:{chat}"
    with _pacing_lock():
        now = _clock()
        state = cache.get_many([_FLOOD_KEY, chat_key, group_key, _BOT_KEY])
        waits = [state.get(_FLOOD_KEY, 0.0) - now]
        last = state.get(chat_key)
        if last is not None:
            waits.append(last + limits.chat_interval - now)
        group = _recent(state.get(group_key), now, limits.group_window)
        if _is_group(chat) and len(group) >= limits.group_messages:
            waits.append(group[len(group) - limits.group_messages] + limits.group_window - now)
        everyone = _recent(state.get(_BOT_KEY), now, limits.bot_window)
        if len(everyone) >= limits.bot_messages:
            waits.append(everyone[len(everyone) - limits.bot_messages] + limits.bot_window - now)
        wait = max(waits)
        if wait > 0:
            raise TransientError(
                "Telegram's rate limits: wait before writing to this chat.",
                retry_after=wait,
                counts=False,
            )
        cache.set(chat_key, now, timeout=int(limits.chat_interval) + 60)
        cache.set(_BOT_KEY, [*everyone, now], timeout=int(limits.bot_window) + 60)
        if _is_group(chat):
            cache.set(group_key, [*group, now], timeout=int(limits.group_window) + 60)


def _pause_all(seconds: float) -> None:
    """After a 429: no message to any chat for ``seconds``."""
    until = _clock() + seconds
    try:
        with _pacing_lock():
            if until > cache.get(_FLOOD_KEY, 0.0):
                cache.set(_FLOOD_KEY, until, timeout=int(seconds) + 60)
    except TransientError:
        cache.set(_FLOOD_KEY, until, timeout=int(seconds) + 60)  # the lock is stuck: set anyway


# --- The token never reaches a log ------------------------------------------------------------

# Loggers of the HTTP stack that see Bot API URLs; loggers created later under these
# prefixes get the filter on the next call.
_LOGGER_PREFIXES = ("httpx", "httpcore", "telegram", "hpack", "h2")
_KNOWN_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
    "telegram",
    "telegram.Bot",
    "telegram.request.BaseRequest",
    "telegram.request.HTTPXRequest",
)
# BotFather's token shape, for a token this process was not told about (another bot's).
_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")


class TokenRedactingFilter(logging.Filter):
    """Replace bot tokens with ``<token>`` in a record's message, arguments, traceback and
    stack. A logger's filter sees only that logger's own records, hence one per logger."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: frozenset[str] = frozenset()
        self._formatter = logging.Formatter()

    def redact(self, text: str) -> str:
        for token in self.tokens:
            text = text.replace(token, REDACTED)
        return _TOKEN_SHAPE.sub(REDACTED, text)

    def _scrub(self, value: object) -> object:
        if value is None or isinstance(value, bool | int | float):
            return value
        try:
            text = value if isinstance(value, str) else str(value)
        except Exception:  # a broken __str__ must not break logging
            return "<unprintable>"
        redacted = self.redact(text)
        return value if redacted == text else redacted

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._scrub(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {key: self._scrub(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(self._scrub(value) for value in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_redaction = TokenRedactingFilter()
_redaction_lock = threading.Lock()
_filtered_loggers: set[str] = set()


def install_log_redaction(token: str | None = None) -> None:
    """Put the token filter on every logger of httpx, httpcore and python-telegram-bot (and
    remember ``token``). Idempotent; every transport call runs it first. Code that drives
    python-telegram-bot itself (an ``Application``) calls it once at start."""
    with _redaction_lock:
        if token and token not in _redaction.tokens:
            _redaction.tokens = _redaction.tokens | {token}
        names = {
            name
            for name in logging.root.manager.loggerDict
            if name.split(".")[0] in _LOGGER_PREFIXES
        }
        for name in (names | set(_KNOWN_LOGGERS)) - _filtered_loggers:
            logging.getLogger(name).addFilter(_redaction)
            _filtered_loggers.add(name)
