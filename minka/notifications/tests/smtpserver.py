"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording every message it accepts.

Django's SMTP backend talks to it over a socket, so the tests see what a mail server sees:
the envelope, the raw bytes and the parsed message (``email.message.EmailMessage`` with the
modern policy, so headers come back decoded). Faults on demand:

- ``refused``: addresses answered ``550`` at ``RCPT`` (a rejected address);
- :meth:`SMTPTestServer.answer_next`: canned replies for the next commands of one stage, e.g.
  ``451`` at ``RCPT`` (greylisting) or at ``DATA`` (a full queue);
- :meth:`SMTPTestServer.stop` / :meth:`SMTPTestServer.start`: the server is down (connections
  refused), then back on the same port;
- ``delay``: seconds slept in ``DATA`` before the reply (a slow server). The message is
  recorded after the sleep; if the client hung up meanwhile, aiosmtpd cancels the handler and
  nothing is recorded (a real server might have kept that copy);
- ``tls=True``: ``STARTTLS`` with a self-signed certificate made at start
  (:func:`self_signed_certificate`); ``cert_path`` is the file a client would have to trust.

Usage::

    with smtp_server() as server, override_settings(**server.settings()):
        ...
        self.assertEqual(server.message_ids(), {...})
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email
import email.policy
import ipaddress
import logging
import socket
import ssl
import tempfile
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiosmtpd.controller import Controller

if TYPE_CHECKING:
    from collections.abc import Iterator
    from email.message import EmailMessage

HOST = "127.0.0.1"
# aiosmtpd logs every command at INFO: keep the test output for what matters.
logging.getLogger("mail.log").setLevel(logging.WARNING)
STAGES = ("MAIL", "RCPT", "DATA")


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    message: EmailMessage
    tls: bool

    @property
    def message_id(self) -> str:
        return str(self.message.get("Message-ID", ""))


def free_port() -> int:
    """A TCP port free on the loopback right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """Write a self-signed certificate for 127.0.0.1 and ``localhost`` and its key to
    ``folder``; return their paths. No authority the system trusts signed it, so a client
    that verifies certificates refuses it (unless told to trust this very file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Minka test SMTP")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.IPv4Address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path = folder / "smtp-cert.pem"
    key_path = folder / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class _Handler:
    """aiosmtpd's hooks, answering as the owning server's settings say."""

    def __init__(self, owner: SMTPTestServer) -> None:
        self.owner = owner

    async def handle_MAIL(  # noqa: N802 (aiosmtpd's hook names)
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]
    ) -> str:
        reply = self.owner._canned("MAIL")
        if reply:
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in self.owner.refused:
            return "550 5.1.1 No such user here"
        reply = self.owner._canned("RCPT")
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.owner.delay:
            await asyncio.sleep(self.owner.delay)
        reply = self.owner._canned("DATA")
        if reply:
            return reply
        raw = bytes(envelope.original_content or envelope.content)
        self.owner._record(
            Received(
                mail_from=str(envelope.mail_from),
                rcpt_tos=tuple(envelope.rcpt_tos),
                raw=raw,
                message=email.message_from_bytes(raw, policy=email.policy.default),
                tls=session.ssl is not None,
            )
        )
        return "250 2.0.0 Message accepted for delivery"


class SMTPTestServer:
    """An SMTP server on ``127.0.0.1:port`` that records what it accepts; see the module's
    docstring for its faults. Thread-safe: the server runs on its own thread."""

    def __init__(self, *, port: int = 0, tls: bool = False, delay: float = 0.0) -> None:
        self.port = port or free_port()
        self.tls = tls
        self.delay = delay
        self.refused: set[str] = set()
        self._replies: dict[str, deque[str]] = {stage: deque() for stage in STAGES}
        self._messages: list[Received] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        self._folder = tempfile.TemporaryDirectory(prefix="minka-smtp-")
        self.cert_path: Path | None = None
        self._tls_context: ssl.SSLContext | None = None
        if tls:
            self.cert_path, key_path = self_signed_certificate(Path(self._folder.name))
            self._tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._tls_context.load_cert_chain(self.cert_path, key_path)

    # --- Life -----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        """Listen (again, on the same port after :meth:`stop`)."""
        if self._controller is not None:
            return
        options: dict[str, Any] = {}
        if self._tls_context is not None:
            options = {"tls_context": self._tls_context, "require_starttls": False}
        # The port was ours until stop(): retry briefly while the kernel still holds it.
        for attempt in range(20):
            controller = Controller(
                _Handler(self),
                hostname=HOST,
                port=self.port,
                server_hostname="smtp.test",
                ready_timeout=10.0,
                **options,
            )
            try:
                controller.start()
                break
            except OSError:
                if attempt == 19:
                    raise
                time.sleep(0.1)
        self._controller = controller

    def stop(self) -> None:
        """Stop listening: a client's connection is refused until :meth:`start`."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def close(self) -> None:
        self.stop()
        self._folder.cleanup()

    @contextlib.contextmanager
    def down(self) -> Iterator[None]:
        """The server is down for the block, then back on the same port."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    # --- Faults ---------------------------------------------------------------------------

    def answer_next(self, stage: str, reply: str, times: int = 1) -> None:
        """Answer the next ``times`` commands of ``stage`` (MAIL, RCPT or DATA) with
        ``reply`` (e.g. ``"451 4.7.1 Greylisted, try again later"``)."""
        if stage not in STAGES:
            raise ValueError(f"stage is one of {STAGES}")
        with self._lock:
            self._replies[stage].extend([reply] * times)

    def _canned(self, stage: str) -> str | None:
        with self._lock:
            queue = self._replies[stage]
            return queue.popleft() if queue else None

    # --- What was received ----------------------------------------------------------------

    def _record(self, received: Received) -> None:
        with self._lock:
            self._messages.append(received)

    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        """Forget the messages received."""
        with self._lock:
            self._messages.clear()

    def reset(self) -> None:
        """Forget the messages and every fault: a quick server that accepts everyone."""
        with self._lock:
            self._messages.clear()
            self.refused.clear()
            for queue in self._replies.values():
                queue.clear()
            self.delay = 0.0

    def message_ids(self) -> Counter[str]:
        """How many times each ``Message-ID`` arrived (more than once: a duplicate)."""
        return Counter(received.message_id for received in self.messages)

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until at least ``count`` messages arrived; return whether they did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return True
            time.sleep(0.02)
        return len(self.messages) >= count

    # --- Clients' configuration -----------------------------------------------------------

    def settings(self, **extra: Any) -> dict[str, Any]:
        """Django settings that send through this server with the real SMTP backend (for
        ``override_settings``); plain SMTP unless ``EMAIL_USE_TLS=True`` is passed."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_TIMEOUT": 5,
            **extra,
        }

    def environment(self) -> dict[str, str]:
        """The ``MINKA_*`` variables that make a ``minka`` process send through this server."""
        return {
            "MINKA_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "MINKA_EMAIL_HOST": HOST,
            "MINKA_EMAIL_PORT": str(self.port),
            "MINKA_EMAIL_USE_TLS": "false",
            "MINKA_EMAIL_TIMEOUT": "5",
        }


@contextlib.contextmanager
def smtp_server(**options: Any) -> Iterator[SMTPTestServer]:
    """A started :class:`SMTPTestServer` for the block."""
    server = SMTPTestServer(**options)
    server.start()
    try:
        yield server
    finally:
        server.close()
