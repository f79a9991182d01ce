"""A local Telegram Bot API server for tests: the real client (python-telegram-bot) talks to it
on 127.0.0.1 instead of api.telegram.org.

It answers the methods Minka uses with the JSON shapes of the Bot API documentation
(https://core.telegram.org/bots/api): ``getMe``, ``sendMessage``, ``getUpdates`` (long
polling with ``offset`` and ``timeout``), ``setWebhook``, ``deleteWebhook``,
``getWebhookInfo`` and ``getChat``, at ``/bot<token>/<method>``, with parameters in a JSON
body, a form body or the query string. Every answer is ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": ..., "description": ...}`` (plus ``parameters`` with
``retry_after`` or ``migrate_to_chat_id``), as Telegram sends them:

- a wrong token: 401 ``Unauthorized``; an unknown method: 404 ``Not Found``;
- a chat the test did not register (:meth:`BotAPIServer.add_chat`): 400
  ``Bad Request: chat not found``;
- a chat that blocked or removed the bot (:meth:`BotAPIServer.block`): 403 ``Forbidden: ...``;
- HTML the Bot API would refuse (an unsupported or unclosed tag): 400
  ``Bad Request: can't parse entities: ...``.

Faults, for the outbox's fault tests (SECURITY.md F8): :meth:`~BotAPIServer.fail_next` scripts
the next answers (429 with ``retry_after``, 500, or a hang), :meth:`~BotAPIServer.set_fault_rates`
draws them at random for a fraction of the calls, and :meth:`~BotAPIServer.stop` /
:meth:`~BotAPIServer.start` take the server down and bring it back on the same port. After a
429 the server keeps answering 429 to ``sendMessage`` until ``retry_after`` has run out, as
Telegram does, and counts those early requests (:meth:`~BotAPIServer.early_requests`).

Every request is recorded (:attr:`Request`: method, chat id, text, parse mode, arrival time by
the server's ``clock``, status) for assertions on what reached "Telegram". Updates sent by
people are injected with :meth:`~BotAPIServer.inject_message`. All state sits behind one lock;
the server handles each connection in its own thread::

    with BotAPIServer() as api:
        api.add_chat(1001, first_name="Ana")
        bot = telegram.Bot(api.token, base_url=api.base_url)
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Iterable
    from types import TracebackType

HOST = "127.0.0.1"
DEFAULT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"  # shaped as BotFather's tokens
BOT_ID = 123456789
BOT_USERNAME = "minka_test_bot"
FIRST_UPDATE_ID = 100_000
MAX_UPDATES = 100
MAX_TEXT = 4096
# Tags of the Bot API's HTML parse mode ("Formatting options").
HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
        "br",
    }
)
_PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)$")
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_INT_PARAMS = frozenset({"offset", "limit", "timeout", "max_connections", "message_thread_id"})
_BOOL_PARAMS = frozenset(
    {"disable_web_page_preview", "disable_notification", "protect_content", "drop_pending_updates"}
)
_JSON_PARAMS = frozenset(
    {"allowed_updates", "link_preview_options", "reply_markup", "reply_parameters", "entities"}
)

ChatKind = Literal["private", "group", "supergroup", "channel"]
Fault = Literal["flood", "error", "hang"]


class _APIError(Exception):
    """An error answer: HTTP status, Telegram's description and optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass(frozen=True)
class Request:
    """One request as the server saw it."""

    method: str
    chat_id: int | str | None
    text: str | None
    parse_mode: str | None
    params: dict[str, Any]
    at: float  # arrival, by the server's clock
    status: int  # the HTTP status answered; 0 when the server hung and closed the connection
    token_ok: bool
    fault: Fault | None = None


@dataclass(frozen=True)
class SentMessage:
    """A message the server accepted (``sendMessage`` answered 200)."""

    chat_id: int | str
    message_id: int
    text: str  # as sent (with its HTML)
    plain_text: str  # as Telegram shows it: tags removed, entities decoded
    parse_mode: str | None
    at: float


@dataclass
class _Chat:
    id: int
    kind: ChatKind
    title: str | None = None
    first_name: str | None = None
    username: str | None = None
    blocked: bool = False
    migrated_to: int | None = None
    next_message_id: int = 1

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.kind}
        if self.kind == "private":
            data["first_name"] = self.first_name or "Ana"
        else:
            data["title"] = self.title or "Grupo"
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class _FaultRates:
    flood: float = 0.0
    error: float = 0.0
    hang: float = 0.0
    retry_after: int = 5
    methods: frozenset[str] | None = None
    rng: random.Random = field(default_factory=lambda: random.Random(0))


@dataclass
class _ScriptedFault:
    fault: Fault
    retry_after: int
    methods: frozenset[str] | None


class _TelegramHTML(HTMLParser):
    """Check text as the Bot API's HTML parse mode does, and keep the plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.parts: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.error:
            return
        if tag not in HTML_TAGS:
            self.error = f'Unsupported start tag "{tag}" at byte offset {self._offset()}'
        elif tag == "br":
            self.parts.append("\n")
        else:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.error or tag == "br":
            return
        if not self.stack or self.stack[-1] != tag:
            expected = f'"</{self.stack[-1]}>"' if self.stack else "no end tag"
            self.error = (
                f"Unmatched end tag at byte offset {self._offset()}, "
                f'expected {expected}, found "</{tag}>"'
            )
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def _offset(self) -> int:
        return self.getpos()[1]

    def plain_text(self, html: str) -> str:
        self.feed(html)
        self.close()
        if self.error:
            raise _APIError(400, f"Bad Request: can't parse entities: {self.error}")
        if self.stack:
            raise _APIError(
                400,
                "Bad Request: can't parse entities: Can't find end tag corresponding to "
                f'start tag "{self.stack[-1]}"',
            )
        return "".join(self.parts)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self.server.api._handle(self)

    def do_GET(self) -> None:
        self.server.api._handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the path holds the token, and tests read the request log instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # bursts of parallel clients (socketserver's default is 5)

    def __init__(self, address: tuple[str, int], api: BotAPIServer):
        self.api = api
        super().__init__(address, _Handler)


class BotAPIServer:
    """The local Bot API server; a context manager (start on enter, stop on exit)."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        clock: Callable[[], float] = time.time,
        hang_seconds: float = 5.0,
        deliver_after_hang: bool = False,
        enforce_flood: bool = True,
    ) -> None:
        self.token = token
        self.clock = clock
        # A hung request closes the connection after ``hang_seconds`` without an answer; with
        # ``deliver_after_hang`` it is processed and answered then (a late success, as when
        # Telegram delivers a message whose answer the client no longer waits for).
        self.hang_seconds = hang_seconds
        self.deliver_after_hang = deliver_after_hang
        self.enforce_flood = enforce_flood
        self.bot_user: dict[str, Any] = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Minka",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.port = 0
        self._lock = threading.Condition()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._chats: dict[int | str, _Chat] = {}
        self._requests: list[Request] = []
        self._messages: list[SentMessage] = []
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = FIRST_UPDATE_ID
        self._poll_generation = 0
        self._webhook: dict[str, Any] = {}
        self._script: list[_ScriptedFault] = []
        self._rates = _FaultRates()
        self._flood_until = 0.0
        self._flood_windows: list[tuple[float, float]] = []

    # --- Lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Listen on 127.0.0.1: on a free port the first time, on the same port afterwards."""
        if self._server is not None:
            return
        self._stopping.clear()
        self._server = _Server((HOST, self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"botapi-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop listening (connections are refused) and end hung requests and long polls."""
        if self._server is None:
            return
        self._stopping.set()
        with self._lock:
            self._lock.notify_all()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        """The value for ``telegram.Bot(base_url=...)`` and ``MINKA_TELEGRAM_API_URL``."""
        return f"http://{HOST}:{self.port}/bot"

    # --- Test set-up ----------------------------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        kind: ChatKind | None = None,
        *,
        title: str | None = None,
        first_name: str | None = None,
        username: str | None = None,
    ) -> dict[str, Any]:
        """Register a chat the bot may write to; negative ids are groups unless ``kind`` says
        otherwise (ids from -1001000000000 down are supergroups, as on Telegram). A channel
        with a ``username`` is also reachable as ``@username``. Returns its Chat object."""
        if kind is None:
            kind = "private" if chat_id > 0 else "supergroup" if chat_id < -(10**12) else "group"
        chat = _Chat(chat_id, kind, title=title, first_name=first_name, username=username)
        with self._lock:
            self._chats[chat_id] = chat
            if username and kind != "private":
                self._chats[f"@{username}"] = chat
        return chat.as_json()

    def block(self, chat_id: int) -> None:
        """The person blocks the bot (private chat) or the bot is removed (group, channel)."""
        with self._lock:
            self._chats[chat_id].blocked = True

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        """The group becomes a supergroup: messages to the old id get 400 with
        ``migrate_to_chat_id``."""
        with self._lock:
            old = self._chats[chat_id]
            old.migrated_to = new_chat_id
            self._chats[new_chat_id] = _Chat(new_chat_id, "supergroup", title=old.title)

    def fail_next(
        self,
        fault: Fault,
        *,
        times: int = 1,
        retry_after: int = 5,
        methods: Iterable[str] | None = ("sendMessage",),
    ) -> None:
        """Answer the next ``times`` calls of ``methods`` (``None``: any method) with 429
        ``retry_after`` (``"flood"``), 500 (``"error"``) or a hang (``"hang"``)."""
        chosen = frozenset(methods) if methods is not None else None
        with self._lock:
            self._script.extend(_ScriptedFault(fault, retry_after, chosen) for _ in range(times))

    def set_fault_rates(
        self,
        *,
        flood: float = 0.0,
        error: float = 0.0,
        hang: float = 0.0,
        retry_after: int = 5,
        seed: int = 0,
        methods: Iterable[str] | None = ("sendMessage",),
    ) -> None:
        """Answer a random fraction of the calls of ``methods`` with 429 (``flood``), 500
        (``error``) or a hang (``hang``); the draw is reproducible by ``seed``."""
        if flood + error + hang > 1:
            raise ValueError("The fault rates add up to more than 1.")
        with self._lock:
            self._rates = _FaultRates(
                flood=flood,
                error=error,
                hang=hang,
                retry_after=retry_after,
                methods=frozenset(methods) if methods is not None else None,
                rng=random.Random(seed),
            )

    def inject_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (without ``update_id``: the server numbers it) for getUpdates."""
        with self._lock:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id += 1
            self._updates.append(update)
            self._lock.notify_all()
        return update

    def inject_message(
        self,
        text: str,
        *,
        user_id: int,
        chat_id: int | None = None,
        first_name: str = "Ana",
        username: str | None = None,
        language_code: str | None = "es",
    ) -> dict[str, Any]:
        """A person writes ``text`` to the bot: in their private chat (``chat_id`` None, the
        chat is registered if new) or in the registered group ``chat_id``. A leading
        ``/command`` (or ``/command@bot``) carries its ``bot_command`` entity. Returns the
        update."""
        sender: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            sender["username"] = username
        if language_code:
            sender["language_code"] = language_code
        with self._lock:
            target = chat_id if chat_id is not None else user_id
            chat = self._chats.get(target)
            if chat is None:
                if chat_id is not None:
                    raise KeyError(f"Register the group {chat_id} with add_chat() first.")
                chat = _Chat(user_id, "private", first_name=first_name, username=username)
                self._chats[user_id] = chat
            message: dict[str, Any] = {
                "message_id": chat.next_message_id,
                "from": sender,
                "chat": chat.as_json(),
                "date": int(time.time()),
                "text": text,
            }
            chat.next_message_id += 1
        command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
        if command:
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_len(command.group())}
            ]
        return self.inject_update({"message": message})

    # --- What reached the server ----------------------------------------------------------

    def requests(
        self, method: str | None = None, *, chat_id: int | str | None = None
    ) -> list[Request]:
        """Every request received, in order of arrival (optionally one method or chat)."""
        with self._lock:
            return [
                r
                for r in self._requests
                if (method is None or r.method == method)
                and (chat_id is None or r.chat_id == chat_id)
            ]

    def messages(self, chat_id: int | str | None = None) -> list[SentMessage]:
        """The messages accepted, in order."""
        with self._lock:
            return [m for m in self._messages if chat_id is None or m.chat_id == chat_id]

    def clear_log(self) -> None:
        with self._lock:
            self._requests.clear()
            self._messages.clear()

    def pending_updates(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._updates)

    @property
    def webhook(self) -> dict[str, Any]:
        """The webhook set (``url``, ``secret_token``, ...); empty when none."""
        with self._lock:
            return dict(self._webhook)

    def early_requests(self) -> int:
        """``sendMessage`` requests that arrived while a 429's ``retry_after`` was running."""
        with self._lock:
            return sum(
                1
                for r in self._requests
                if r.method == "sendMessage"
                and any(start < r.at < end for start, end in self._flood_windows)
            )

    def max_in_window(self, window: float, *, chat_id: int | str | None = None) -> int:
        """The most ``sendMessage`` requests one chat (or ``chat_id``) sent in any span of
        ``window`` seconds (half-open, by arrival time)."""
        by_chat: dict[int | str, list[float]] = {}
        for r in self.requests("sendMessage", chat_id=chat_id):
            if r.chat_id is not None and r.token_ok:
                by_chat.setdefault(r.chat_id, []).append(r.at)
        best = 0
        for times in by_chat.values():
            times.sort()
            start = 0
            for end, at in enumerate(times):
                while at - times[start] >= window:
                    start += 1
                best = max(best, end - start + 1)
        return best

    # --- Request handling -----------------------------------------------------------------

    def _handle(self, handler: _Handler) -> None:
        arrival = self.clock()
        split = urlsplit(handler.path)
        match = _PATH.match(split.path)
        params = self._params(handler, split.query)
        method = match.group("method") if match else ""
        token_ok = match is not None and match.group("token") == self.token
        fault: Fault | None = None
        try:
            if not match:
                raise _APIError(404, "Not Found")
            if not token_ok:
                raise _APIError(401, "Unauthorized")
            fault = self._draw_fault(method, arrival)
            if fault == "hang":
                if not self.deliver_after_hang:
                    # Recorded at once (status 0): the client gives up long before the end.
                    self._record(method, params, arrival, 0, token_ok, fault)
                    self._stopping.wait(self.hang_seconds)
                    return
                self._stopping.wait(self.hang_seconds)
            elif fault == "error":
                raise _APIError(500, "Internal Server Error")
            self._check_flood(method, arrival, fault)
            result = self._dispatch(method, params, arrival)
        except _APIError as error:
            if error.status == 429 and fault is None:
                fault = "flood"
            self._record(method, params, arrival, error.status, token_ok, fault)
            body: dict[str, Any] = {
                "ok": False,
                "error_code": error.status,
                "description": error.description,
            }
            if error.parameters:
                body["parameters"] = error.parameters
            self._answer(handler, error.status, body)
            return
        self._record(method, params, arrival, 200, token_ok, fault)
        self._answer(handler, 200, {"ok": True, "result": result})

    def _params(self, handler: _Handler, query: str) -> dict[str, Any]:
        raw: dict[str, Any] = dict(parse_qsl(query))
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        content_type = (handler.headers.get("Content-Type") or "").split(";")[0].strip()
        if content_type == "application/json" and body:
            try:
                decoded = json.loads(body)
            except ValueError:
                decoded = None
            if isinstance(decoded, dict):
                return {**raw, **decoded}
        elif content_type == "application/x-www-form-urlencoded":
            raw.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        # Form and query values are strings: type the ones the Bot API defines as numbers,
        # booleans or JSON-serialized objects (python-telegram-bot sends forms).
        params: dict[str, Any] = {}
        for key, value in raw.items():
            params[key] = _typed(key, value)
        return params

    def _draw_fault(self, method: str, arrival: float) -> Fault | None:
        with self._lock:
            for index, scripted in enumerate(self._script):
                if scripted.methods is None or method in scripted.methods:
                    del self._script[index]
                    if scripted.fault == "flood":
                        self._start_flood(arrival, scripted.retry_after)
                    return scripted.fault
            rates = self._rates
            if rates.methods is not None and method not in rates.methods:
                return None
            draw = rates.rng.random()
            if draw < rates.flood:
                self._start_flood(arrival, rates.retry_after)
                return "flood"
            if draw < rates.flood + rates.error:
                return "error"
            if draw < rates.flood + rates.error + rates.hang:
                return "hang"
            return None

    def _start_flood(self, arrival: float, retry_after: int) -> None:
        until = arrival + retry_after
        self._flood_windows.append((arrival, until))
        self._flood_until = max(self._flood_until, until)

    def _check_flood(self, method: str, arrival: float, fault: Fault | None) -> None:
        with self._lock:
            until = self._flood_until
        if fault == "flood" or (self.enforce_flood and method == "sendMessage" and arrival < until):
            wait = max(1, int(until - arrival + 0.999))
            raise _APIError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        arrival: float,
        status: int,
        token_ok: bool,
        fault: Fault | None,
    ) -> None:
        chat_id = params.get("chat_id")
        text = params.get("text")
        parse_mode = params.get("parse_mode")
        request = Request(
            method=method,
            chat_id=chat_id if isinstance(chat_id, int | str) else None,
            text=text if isinstance(text, str) else None,
            parse_mode=parse_mode if isinstance(parse_mode, str) else None,
            params=params,
            at=arrival,
            status=status,
            token_ok=token_ok,
            fault=fault,
        )
        with self._lock:
            self._requests.append(request)

    @staticmethod
    def _answer(handler: _Handler, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode()
        try:
            handler.send_response(status, HTTPStatus(status).phrase)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            pass  # the client gave up (its timeout) before the answer

    def _dispatch(self, method: str, params: dict[str, Any], arrival: float) -> Any:
        handlers: dict[str, Callable[[dict[str, Any], float], Any]] = {
            "getMe": lambda _p, _a: dict(self.bot_user),
            "sendMessage": self._send_message,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getChat": self._get_chat,
        }
        handler = handlers.get(method)
        if handler is None:
            raise _APIError(404, "Not Found")
        return handler(params, arrival)

    def _chat(self, params: dict[str, Any]) -> _Chat:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _APIError(400, "Bad Request: chat_id is empty")
        chat = self._chats.get(chat_id)
        if chat is None:
            raise _APIError(400, "Bad Request: chat not found")
        return chat

    def _send_message(self, params: dict[str, Any], arrival: float) -> dict[str, Any]:
        text = params.get("text")
        parse_mode = params.get("parse_mode")
        with self._lock:
            chat = self._chat(params)
            if chat.migrated_to is not None:
                raise _APIError(
                    400,
                    "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": chat.migrated_to},
                )
            if chat.blocked:
                raise _APIError(403, _FORBIDDEN[chat.kind])
        if not isinstance(text, str) or not text.strip():
            raise _APIError(400, "Bad Request: message text is empty")
        plain = text
        if isinstance(parse_mode, str) and parse_mode.upper() == "HTML":
            plain = _TelegramHTML().plain_text(text)
        elif parse_mode not in (None, "", "Markdown", "MarkdownV2"):
            raise _APIError(400, f"Bad Request: unsupported parse_mode {parse_mode}")
        if _utf16_len(plain) > MAX_TEXT:
            raise _APIError(400, "Bad Request: message is too long")
        if not plain.strip():
            raise _APIError(400, "Bad Request: text must be non-empty")
        with self._lock:
            message_id = chat.next_message_id
            chat.next_message_id += 1
            self._messages.append(
                SentMessage(
                    chat_id=params["chat_id"],
                    message_id=message_id,
                    text=text,
                    plain_text=plain,
                    parse_mode=parse_mode if isinstance(parse_mode, str) else None,
                    at=arrival,
                )
            )
            return {
                "message_id": message_id,
                "from": {
                    key: self.bot_user[key] for key in ("id", "is_bot", "first_name", "username")
                },
                "chat": chat.as_json(),
                "date": int(time.time()),
                "text": plain,
            }

    def _get_updates(self, params: dict[str, Any], _arrival: float) -> list[dict[str, Any]]:
        offset = params.get("offset")
        limit = params.get("limit") or MAX_UPDATES
        timeout = params.get("timeout") or 0
        if not isinstance(limit, int) or not 1 <= limit <= MAX_UPDATES:
            limit = MAX_UPDATES
        deadline = time.monotonic() + (timeout if isinstance(timeout, int | float) else 0)
        with self._lock:
            if self._webhook:
                raise _APIError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            self._poll_generation += 1
            generation = self._poll_generation
            self._lock.notify_all()  # an earlier long poll ends with a conflict
            if isinstance(offset, int) and offset < 0:
                self._updates = self._updates[offset:]
            elif isinstance(offset, int):
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while True:
                if self._updates:
                    return list(self._updates[:limit])
                if generation != self._poll_generation:
                    raise _APIError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that "
                        "only one bot instance is running",
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._stopping.is_set():
                    return []
                self._lock.wait(remaining)

    def _set_webhook(self, params: dict[str, Any], _arrival: float) -> bool:
        url = params.get("url")
        secret = params.get("secret_token")
        if not url:
            return self._delete_webhook(params, _arrival)
        if not isinstance(url, str) or not url.startswith("https://"):
            raise _APIError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        if secret is not None and not (isinstance(secret, str) and _SECRET_TOKEN.match(secret)):
            raise _APIError(400, "Bad Request: secret token contains unallowed characters")
        with self._lock:
            if params.get("drop_pending_updates"):
                self._updates.clear()
            self._webhook = {
                key: params[key]
                for key in ("url", "secret_token", "allowed_updates", "max_connections")
                if params.get(key) is not None
            }
            self._lock.notify_all()
        return True

    def _delete_webhook(self, params: dict[str, Any], _arrival: float) -> bool:
        with self._lock:
            if params.get("drop_pending_updates"):
                self._updates.clear()
            self._webhook = {}
        return True

    def _get_webhook_info(self, _params: dict[str, Any], _arrival: float) -> dict[str, Any]:
        with self._lock:
            info: dict[str, Any] = {
                "url": self._webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            for key in ("allowed_updates", "max_connections"):
                if key in self._webhook:
                    info[key] = self._webhook[key]
            return info

    def _get_chat(self, params: dict[str, Any], _arrival: float) -> dict[str, Any]:
        with self._lock:
            chat = self._chat(params)
            if chat.blocked and chat.kind != "private":
                raise _APIError(403, _FORBIDDEN[chat.kind])
            return {
                **chat.as_json(),
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }


_FORBIDDEN: dict[ChatKind, str] = {
    "private": "Forbidden: bot was blocked by the user",
    "group": "Forbidden: bot was kicked from the group chat",
    "supergroup": "Forbidden: bot was kicked from the supergroup chat",
    "channel": "Forbidden: bot is not a member of the channel chat",
}


def _typed(key: str, value: str) -> Any:
    if key == "chat_id":
        return int(value) if re.fullmatch(r"-?\d+", value) else value
    if key in _INT_PARAMS:
        try:
            return int(value)
        except ValueError:
            return value
    if key in _BOOL_PARAMS:
        return value.lower() in ("true", "1")
    if key in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _utf16_len(text: str) -> int:
    """Telegram counts lengths and offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


_Result = TypeVar("_Result")


def run_in_own_loop(coroutine: Coroutine[Any, Any, _Result]) -> _Result:
    """Run ``coroutine`` with :func:`asyncio.run` on a thread of its own: a test that ran
    before in the same process (Playwright's sync API, in the browser tests) may have left an
    event loop running on this one, where ``asyncio.run`` refuses to start."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
