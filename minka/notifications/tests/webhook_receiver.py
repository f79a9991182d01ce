"""A local webhook receiver for tests: an HTTP server on 127.0.0.1 that records every request
and verifies its Standard Webhooks signature with the reference library (``standardwebhooks``),
not with Minka's own code.

Usage::

    with WebhookReceiver(secrets=[secret]) as receiver, receiver.allowed():
        post(receiver.url, body=..., headers=...)       # minka.core.outbound.post
    (request,) = receiver.requests
    assert request.verified

``allowed()`` lists the receiver in ``MINKA_OUTBOUND_ALLOWED_HOSTS`` (it runs on loopback,
which the outbound guard otherwise refuses). The receiver can be told to answer another status
(``answer(500)``), to hang (``hang(5)``: it records the request, then waits before answering;
leaving the ``with`` block releases it) or to redirect (``redirect(url)``). ``connections``
counts the TCP connections accepted, requests or not.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.test import override_settings
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import TracebackType

MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as received; ``verified`` is None when the receiver has no secret."""

    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    verified: bool | None
    verification_error: str = ""
    received_at: float = field(default_factory=time.time)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: WebhookReceiver

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.owner._count_connection()
        return True


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_POST(self) -> None:
        self.server.owner._handle(self)

    def handle(self) -> None:
        # A client that gave up (a time-out, a refused redirect) may reset the connection.
        with contextlib.suppress(ConnectionError):
            super().handle()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class WebhookReceiver:
    """See the module docstring. Thread-safe: requests arrive on server threads."""

    def __init__(self, secrets: Sequence[str] = (), *, path: str = "/webhook") -> None:
        self.secrets = list(secrets)
        self.path = path
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._release = threading.Event()
        self._requests: list[ReceivedRequest] = []
        self._connections = 0
        self._status = 204
        self._hang_seconds = 0.0
        self._location = ""
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- Lifecycle ---

    def start(self) -> WebhookReceiver:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.owner = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="webhook-receiver",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # --- Where it listens ---

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("The receiver is not running: use it in a with block.")
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        """``127.0.0.1:<port>``, the entry for ``MINKA_OUTBOUND_ALLOWED_HOSTS``."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}{self.path}"

    def allowed(self) -> override_settings:
        """Settings that let the outbound guard reach this receiver."""
        return override_settings(OUTBOUND_ALLOWED_HOSTS=[self.host])

    # --- What it answers ---

    def answer(self, status: int) -> None:
        """Answer ``status`` from now on (204 at first), without hanging or redirecting."""
        with self._lock:
            self._status, self._hang_seconds, self._location = status, 0.0, ""

    def hang(self, seconds: float) -> None:
        """Record each request, then wait ``seconds`` (or until stopped) before answering."""
        with self._lock:
            self._hang_seconds = seconds

    def redirect(self, location: str, status: int = 302) -> None:
        """Answer every request with a redirect to ``location``."""
        with self._lock:
            self._status, self._hang_seconds, self._location = status, 0.0, location

    # --- What it saw ---

    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def connections(self) -> int:
        with self._lock:
            return self._connections

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedRequest]:
        """The requests, once at least ``count`` have arrived (``TimeoutError`` otherwise)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._requests) >= count, timeout):
                raise TimeoutError(f"{len(self._requests)} of {count} webhook requests arrived.")
            return list(self._requests)

    # --- Server side ---

    def _count_connection(self) -> None:
        with self._lock:
            self._connections += 1

    def _verify(self, headers: dict[str, str], body: bytes) -> tuple[bool | None, str]:
        if not self.secrets:
            return None, ""
        errors = []
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers, json_parse=False)
            except WebhookVerificationError as error:
                errors.append(str(error))
            else:
                return True, ""
        return False, "; ".join(errors)

    def _handle(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        length = min(int(handler.headers.get("Content-Length") or 0), MAX_BODY)
        body = handler.rfile.read(length)
        headers = {name.lower(): value for name, value in handler.headers.items()}
        verified, error = self._verify(headers, body)
        request = ReceivedRequest(
            method=handler.command,
            path=handler.path,
            headers=headers,
            body=body,
            verified=verified,
            verification_error=error,
        )
        with self._changed:
            self._requests.append(request)
            self._changed.notify_all()
            status, hang_seconds, location = self._status, self._hang_seconds, self._location
        if hang_seconds:
            self._release.wait(hang_seconds)
        with contextlib.suppress(OSError):
            handler.send_response(status)
            if location:
                handler.send_header("Location", location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
