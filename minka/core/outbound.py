"""The one way Minka sends an HTTP request to an address that a user typed (SECURITY.md §1.8).

Every URL that the server calls later on someone's behalf is a server-side request forgery
(SSRF) sink. Indico CVE-2026-25738 let user-provided URLs reach private and local addresses;
its fix (``indico/util/network.py``) validates the URL, re-checks redirect targets and guards
``getaddrinfo`` against DNS rebinding. Decidim CVE-2026-45573 turned a stored push-subscription
URL into a stored, blind SSRF. Outgoing webhooks are exactly such stored URLs, so they go
through this module and only through it: :func:`check_url` when a URL is registered, and
:func:`post` (which checks again) on every delivery.

The policy:

- **Scheme.** ``https`` only; ``http`` only when ``DEBUG`` is on or ``MINKA_OUTBOUND_ALLOW_HTTP``
  is set (development). TLS is always verified: the system's trust store, and a certificate
  for the URL's host name. A URL with a user name or password is refused.
- **Addresses.** The host name is resolved once, with ``socket.getaddrinfo`` (so numeric
  spellings such as ``2130706433``, ``0x7f.1`` or ``017700000001`` become 127.0.0.1, as the
  operating system would read them), and the request is refused if **any** of the addresses is
  not a public unicast address (:func:`is_public_address`): loopback, private (RFC 1918,
  unique-local IPv6), link-local (which holds the cloud metadata address 169.254.169.254),
  carrier-grade NAT 100.64.0.0/10, unspecified (0.0.0.0, ``::``), multicast, reserved,
  documentation and benchmarking ranges. IPv6 addresses that carry an IPv4 address
  (IPv4-mapped ``::ffff:0:0/96``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``) are judged by that
  IPv4 address; local-use NAT64 ``64:ff9b:1::/48`` and Teredo are refused. The ranges are
  listed here rather than left to :mod:`ipaddress`, whose tables changed between Python 3.11
  and 3.13.
- **No rebinding.** The socket connects to an address that was just checked; nothing looks
  the name up a second time. The Host header, the TLS SNI and the certificate check still use
  the URL's host name (urllib3's connection with only its socket creation replaced).
- **No redirects.** A 301, 302, 303, 307 or 308 answer raises :class:`OutboundRefused` and
  its ``Location`` is never contacted. A webhook receiver has no reason to redirect; following
  would resend a signed body to another host and give every hop a new chance at SSRF.
  Coordinators register the final address instead.
- **Time.** Connecting may take 3 s; the whole request (lookup, connection, TLS, sending,
  the answer) is cut at 10 s overall, however slowly the server drips its bytes: a watchdog
  shuts the socket down when the time is up, since socket timeouts only bound each read.
- **Answer.** Status, headers and the first 64 KiB of the body; the rest is never read.
- **Exemptions.** ``MINKA_OUTBOUND_ALLOWED_HOSTS`` lists ``host`` or ``host:port`` entries
  (``[::1]:8080`` for IPv6) that are exempt from the address rule and the https rule: a
  receiver deliberately run inside the network, and the test servers on 127.0.0.1. The
  connection still goes to the looked-up address, TLS is still verified for ``https``, and
  redirects are still refused.

Failures are two exception types with fixed, translatable messages that name no address and
quote no server reply, so views may show them to coordinators as they are:
:class:`OutboundRefused` (a ``ValueError``: the policy refuses; retrying cannot help) and
:class:`OutboundError` (the network failed; a later try may work), with
:class:`OutboundTimeoutError` as its subclass for time-outs. Each has a short ``code``.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3HTTPError

from minka.core.env import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from django.utils.functional import _StrPromise

CONNECT_TIMEOUT = 3.0
TOTAL_TIMEOUT = 10.0
BODY_LIMIT = 64 * 1024
MAX_URL_LENGTH = 2048
USER_AGENT = "Minka"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
METADATA_ADDRESS = ipaddress.IPv4Address("169.254.169.254")  # inside 169.254.0.0/16 below

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
RefusalCode = Literal["invalid", "scheme", "credentials", "not_found", "address", "redirect"]
ErrorCode = Literal["not_found", "connection", "tls", "timeout", "protocol"]

# IANA's special-purpose registries: everything here is refused whatever ipaddress says.
_BLOCKED_IPV4 = tuple(
    ipaddress.IPv4Network(network)
    for network in (
        "0.0.0.0/8",  # "this network", with the unspecified 0.0.0.0
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, with the metadata address 169.254.169.254
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",  # the retired 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, with the broadcast 255.255.255.255
    )
)
_BLOCKED_IPV6 = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "::/8",  # unspecified, loopback, IPv4-compatible (mapped and NAT64 are judged first)
        "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215): its IPv4 side cannot be known
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments, with Teredo 2001::/32
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique-local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_HOST_NAME = re.compile(r"[a-z0-9_-]{1,63}(\.[a-z0-9_-]{1,63})*")

_MESSAGES: dict[str, _StrPromise] = {
    "invalid": _("Enter a complete web address, such as https://example.org/webhook."),
    "scheme": _("Only secure web addresses, starting with https://, are allowed."),
    "credentials": _("Web addresses with a user name or password are not allowed."),
    "not_found": _("The server name in this web address could not be found."),
    "address": _(
        "This web address leads to a private or internal network, so Minka does not send "
        "requests to it."
    ),
    "redirect": _(
        "The receiver answered with a redirect, and redirects are not followed. Register the "
        "final web address instead."
    ),
    "connection": _("The receiver could not be reached."),
    "tls": _("The receiver's security certificate could not be verified."),
    "timeout": _("The receiver did not answer in time."),
    "protocol": _("The receiver's answer could not be read."),
}


class OutboundRefused(ValueError):  # noqa: N818 (the name the callers know)
    """The policy refuses this URL or this answer: nothing more is sent; retrying cannot help.

    ``str(error)`` is a translated sentence for coordinators; ``code`` says which rule.
    """

    def __init__(self, code: RefusalCode) -> None:
        super().__init__(_MESSAGES[code])
        self.code: RefusalCode = code
        self.message = _MESSAGES[code]


class OutboundError(Exception):
    """The request could not be completed (lookup, connection, TLS, time-out); a later try
    may work. ``str(error)`` is a translated sentence; ``code`` says what failed."""

    def __init__(self, code: ErrorCode) -> None:
        super().__init__(_MESSAGES[code])
        self.code: ErrorCode = code
        self.message = _MESSAGES[code]


class OutboundTimeoutError(OutboundError):
    """The lookup or the request took longer than the time allowed."""

    def __init__(self) -> None:
        super().__init__("timeout")


@dataclass(frozen=True)
class OutboundResponse:
    """What the receiver answered: its status, its headers (names in lower case, repeated
    headers joined with ", ") and at most ``BODY_LIMIT`` bytes of its body."""

    status: int
    headers: dict[str, str]
    body_prefix: bytes


# --- The address rule -----------------------------------------------------------------------


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address that an IPv4-mapped, NAT64 or 6to4 IPv6 address reaches, if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return address.sixtofour


def is_public_address(address: Address) -> bool:
    """Whether ``address`` is a public unicast address, the only kind Minka connects to."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
        if any(address in network for network in _BLOCKED_IPV6):
            return False
    elif any(address in network for network in _BLOCKED_IPV4):
        return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


# --- URLs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # lower-case ASCII, IPv6 without brackets, no trailing dot
    port: int
    path: str  # the request target: path and query
    exempt: bool  # listed in MINKA_OUTBOUND_ALLOWED_HOSTS


def _allowed_hosts() -> list[tuple[str, int | None]]:
    """``settings.OUTBOUND_ALLOWED_HOSTS`` as (host, port or None) pairs."""
    entries: list[tuple[str, int | None]] = []
    for raw in settings.OUTBOUND_ALLOWED_HOSTS:
        entry = raw.strip().lower()
        port_text = ""
        if entry.startswith("["):
            host, bracket, rest = entry[1:].partition("]")
            if not bracket or (rest and not rest.startswith(":")):
                host = ""
            port_text = rest[1:]
        elif entry.count(":") == 1:
            host, _colon, port_text = entry.partition(":")
        else:
            host = entry
        try:
            port = int(port_text) if port_text else None
        except ValueError:
            port = 0
        if not host or port == 0 or (port is not None and not 0 < port < 65536):
            raise ConfigurationError(
                "MINKA_OUTBOUND_ALLOWED_HOSTS takes host or host:port entries "
                f"([::1]:8080 for IPv6), got {raw!r}."
            )
        with contextlib.suppress(ValueError):
            host = str(ipaddress.ip_address(host))  # the form _ascii_host gives URLs
        entries.append((host.rstrip("."), port))
    return entries


def _ascii_host(host: str) -> str:
    """The host name as sent (IDNA for non-ASCII names); refuse what no DNS name looks like."""
    if ":" in host:
        try:
            return str(ipaddress.IPv6Address(host))
        except ValueError:
            raise OutboundRefused("invalid") from None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise OutboundRefused("invalid") from None
    host = host.lower().removesuffix(".")
    if len(host) > 253 or not _HOST_NAME.fullmatch(host):
        raise OutboundRefused("invalid")
    return host


def _parse(url: str) -> _Target:
    """Check the URL's form and scheme (no lookup yet)."""
    if (
        not url
        or len(url) > MAX_URL_LENGTH
        or "\\" in url
        or any(char <= " " or char == "\x7f" for char in url)
    ):
        raise OutboundRefused("invalid")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise OutboundRefused("invalid") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise OutboundRefused("scheme" if scheme else "invalid")
    if "@" in parts.netloc:
        raise OutboundRefused("credentials")
    if not parts.hostname or port == 0:
        raise OutboundRefused("invalid")
    host = _ascii_host(parts.hostname)
    port = port or (443 if scheme == "https" else 80)
    exempt = any(
        host == allowed and allowed_port in {None, port}
        for allowed, allowed_port in _allowed_hosts()
    )
    if scheme == "http" and not (exempt or settings.DEBUG or settings.OUTBOUND_ALLOW_HTTP):
        raise OutboundRefused("scheme")
    path = quote(parts.path or "/", safe="/:@!$&'()*+,;=%~-._")
    if parts.query:
        path += "?" + quote(parts.query, safe="/:@!$&'()*+,;=%~-._?")
    return _Target(scheme=scheme, host=host, port=port, path=path, exempt=exempt)


# --- Lookup ---------------------------------------------------------------------------------


def _lookup(host: str, port: int, timeout: float) -> list[tuple[socket.AddressFamily, Any]]:
    """``getaddrinfo`` bounded by ``timeout``: the resolver's own retries can take longer, so
    it runs in a daemon thread that is abandoned when the time is up."""
    found: list[tuple[socket.AddressFamily, Any]] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            found.extend((family, sockaddr) for family, _type, _proto, _name, sockaddr in infos)
        except (OSError, UnicodeError) as error:
            failed.append(error)

    thread = threading.Thread(target=run, name="minka-outbound-lookup", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise OutboundTimeoutError
    if failed or not found:
        raise OutboundError("not_found")
    return found


def _resolve(target: _Target, timeout: float) -> list[tuple[socket.AddressFamily, Any]]:
    """Look the host up once and check every address; return the addresses to connect to."""
    addresses: list[tuple[socket.AddressFamily, Any]] = []
    for family, sockaddr in _lookup(target.host, target.port, timeout):
        if family not in {socket.AF_INET, socket.AF_INET6}:
            continue
        text = str(sockaddr[0]).split("%", 1)[0]
        if not target.exempt and not is_public_address(ipaddress.ip_address(text)):
            raise OutboundRefused("address")
        if (family, sockaddr) not in addresses:
            addresses.append((family, sockaddr))
    if not addresses:
        raise OutboundError("not_found")
    return addresses


def check_url(url: str) -> None:
    """Raise :class:`OutboundRefused` unless Minka may send requests to ``url`` now.

    For forms that register a URL (a webhook); :func:`post` checks again on every delivery,
    since what a name resolves to can change.
    """
    target = _parse(url)
    try:
        _resolve(target, TOTAL_TIMEOUT)
    except OutboundError:
        raise OutboundRefused("not_found") from None


# --- The request ----------------------------------------------------------------------------


class _Deadline:
    """The overall time limit of one request. Socket timeouts bound each read, not the sum,
    so a server that drips one byte a second would never time out; when the time is up, a
    timer shuts down every socket of the request (through a duplicate of its descriptor, as
    TLS takes the original over) and the blocked read returns."""

    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._guards: list[socket.socket] = []
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.0, self._end - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            guard = sock.dup()
            self._guards.append(guard)
            if self.expired:
                self._shut(guard)

    @staticmethod
    def _shut(guard: socket.socket) -> None:
        # OSError: not connected yet, or already closed by the other side.
        with contextlib.suppress(OSError):
            guard.shutdown(socket.SHUT_RDWR)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for guard in self._guards:
                self._shut(guard)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for guard in self._guards:
                guard.close()
            self._guards.clear()


def _connect(
    addresses: Sequence[tuple[socket.AddressFamily, Any]], deadline: _Deadline
) -> socket.socket:
    """A TCP socket connected to one of the checked ``addresses``, in the resolver's order."""
    last_error: OSError = TimeoutError()
    for family, sockaddr in addresses:
        remaining = deadline.remaining()
        if remaining <= 0:
            break
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            deadline.watch(sock)
            sock.settimeout(min(CONNECT_TIMEOUT, remaining))
            sock.connect(sockaddr)
            sock.settimeout(max(deadline.remaining(), 0.01))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError as error:
            sock.close()
            last_error = error
            continue
        return sock
    raise last_error


class _PinnedHTTPConnection(HTTPConnection):
    """urllib3's connection to the URL's host, whose socket goes to a checked address
    (urllib3's own ``contrib.socks`` replaces ``_new_conn`` the same way)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        addresses: Sequence[tuple[socket.AddressFamily, Any]],
        deadline: _Deadline,
    ) -> None:
        super().__init__(host, port, timeout=TOTAL_TIMEOUT)
        self._minka_addresses = addresses
        self._minka_deadline = deadline

    def _new_conn(self) -> socket.socket:
        return _connect(self._minka_addresses, self._minka_deadline)


class _PinnedHTTPSConnection(HTTPSConnection):
    """As :class:`_PinnedHTTPConnection`, with TLS: SNI and the certificate check use the
    URL's host name (``self.host``), not the address."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        addresses: Sequence[tuple[socket.AddressFamily, Any]],
        deadline: _Deadline,
    ) -> None:
        super().__init__(host, port, timeout=TOTAL_TIMEOUT, ssl_context=_tls_context())
        self._minka_addresses = addresses
        self._minka_deadline = deadline

    def _new_conn(self) -> socket.socket:
        return _connect(self._minka_addresses, self._minka_deadline)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Verified TLS: the system's trust store, certificate and host name checked."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _failure(error: BaseException, deadline: _Deadline) -> OutboundError:
    if deadline.expired or isinstance(error, TimeoutError):
        return OutboundTimeoutError()
    if isinstance(error, ssl.SSLError):
        return OutboundError("tls")
    if isinstance(error, http.client.HTTPException | Urllib3HTTPError):
        return OutboundError("protocol")
    return OutboundError("connection")


def post(url: str, *, body: bytes, headers: Mapping[str, str]) -> OutboundResponse:
    """POST ``body`` to ``url`` under the policy of this module and return the answer.

    Raise :class:`OutboundRefused` when the URL, its addresses or a redirect break the policy,
    :class:`OutboundError` (:class:`OutboundTimeoutError`) when the request fails. A ``Host`` in
    ``headers`` is ignored: it is always the URL's host.
    """
    target = _parse(url)
    deadline = _Deadline(TOTAL_TIMEOUT)
    try:
        addresses = _resolve(target, deadline.remaining())
        connection_class = (
            _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
        )
        connection = connection_class(
            target.host, target.port, addresses=addresses, deadline=deadline
        )
        request_headers = {"User-Agent": USER_AGENT}
        request_headers.update((k, v) for k, v in headers.items() if k.lower() != "host")
        answer = None
        try:
            connection.connect()
            connection.request(
                "POST",
                target.path,
                body=body,
                headers=request_headers,
                preload_content=False,
                decode_content=False,
                enforce_content_length=False,
            )
            answer = connection.getresponse()
            status = answer.status
            answer_headers = {name.lower(): value for name, value in answer.headers.itermerged()}
            body_prefix = b"" if status in REDIRECT_STATUSES else answer.read(BODY_LIMIT)
        except (OSError, http.client.HTTPException, Urllib3HTTPError) as error:
            raise _failure(error, deadline) from None
        finally:
            if answer is not None:
                answer.close()
            connection.close()
    finally:
        deadline.close()
    if deadline.expired:
        raise OutboundTimeoutError
    if status in REDIRECT_STATUSES:
        raise OutboundRefused("redirect")
    return OutboundResponse(status=status, headers=answer_headers, body_prefix=body_prefix)
