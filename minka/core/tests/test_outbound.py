"""The outbound address guard (SECURITY.md §1.8, row 1): :mod:`minka.core.outbound`.

A loopback listener counts the connections that reach it while the guard is asked to call
every address of the §1.8 list; the figure ``connections reaching the listener = 0`` is
printed (``pytest -s``) and asserted. DNS answers for made-up names come from a stub of
``socket.getaddrinfo``; a spy on ``socket.socket.connect`` records every connection attempt
and refuses those that would leave the machine, so no test touches the network.
"""

from __future__ import annotations

import contextlib
import datetime
import http.server
import socket
import ssl
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from unittest import mock

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.test import SimpleTestCase, override_settings
from django.utils import translation

from minka.core import outbound
from minka.core.env import ConfigurationError
from minka.core.outbound import (
    OutboundError,
    OutboundRefused,
    OutboundTimeoutError,
    check_url,
    is_public_address,
    post,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

PUBLIC_IP = "93.184.215.14"  # a public address; the connect spy keeps tests off the network
REAL_GETADDRINFO = socket.getaddrinfo
REAL_CONNECT = socket.socket.connect


# --- Test servers ---------------------------------------------------------------------------


class Listener:
    """A TCP listener on 127.0.0.1 (and ::1) that counts accepted connections."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self.port = self._listen(socket.AF_INET, "127.0.0.1")
        try:
            self.port6 = self._listen(socket.AF_INET6, "::1")
        except OSError:  # no IPv6 on this machine: [::1] is still refused before connecting
            self.port6 = self.port

    def _listen(self, family: socket.AddressFamily, host: str) -> int:
        server = socket.socket(family, socket.SOCK_STREAM)
        server.bind((host, 0))
        server.listen(16)
        server.settimeout(0.05)
        self._sockets.append(server)
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()
        return int(server.getsockname()[1])

    def _accept(self, server: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                connection, _address = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.count += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        time.sleep(0.06)
        for server in self._sockets:
            server.close()


class Receiver:
    """An HTTP(S) server on 127.0.0.1 whose answer the test chooses: ``answer`` (status and
    body), ``redirect`` (a Location), ``silent`` (never answers), ``drip`` (a header byte every
    0.1 s, forever), ``endless`` (a chunked body that never ends)."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.mode = "answer"
        self.status = 200
        self.body = b"ok"
        self.location = ""
        self.requests: list[dict[str, Any]] = []
        self.server_names: list[str | None] = []
        self.stop = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": self.rfile.read(length),
                    }
                )
                receiver.respond(self)

            def handle(self) -> None:
                # The client may close with the answer unread (body cap, time-out).
                with contextlib.suppress(ConnectionError):
                    super().handle()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            tls.sni_callback = self._record_server_name
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = int(self.server.server_address[1])
        self.host = f"127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def _record_server_name(
        self, _sock: ssl.SSLObject | ssl.SSLSocket, name: str | None, _context: ssl.SSLContext
    ) -> None:
        self.server_names.append(name)

    def respond(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        out = handler.wfile
        with contextlib.suppress(OSError):
            if self.mode == "silent":
                self.stop.wait(30)
            elif self.mode == "drip":
                out.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while not self.stop.wait(0.1):
                    out.write(b"a")
                    out.flush()
            elif self.mode == "endless":
                out.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                chunk = b"x" * 4096
                while not self.stop.is_set():
                    out.write(b"%x\r\n%b\r\n" % (len(chunk), chunk))
            elif self.mode == "redirect":
                handler.send_response(self.status)
                handler.send_header("Location", self.location)
                handler.send_header("Content-Length", "0")
                handler.end_headers()
            else:
                handler.send_response(self.status)
                handler.send_header("Content-Length", str(len(self.body)))
                handler.end_headers()
                out.write(self.body)

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def receiver(tls: ssl.SSLContext | None = None) -> Iterator[Receiver]:
    server = Receiver(tls)
    try:
        yield server
    finally:
        server.close()


# --- DNS stub and connection spy ------------------------------------------------------------


class FakeDNS:
    """Answers for made-up names (each a list of addresses, or a function of the lookup
    number); other names go to the real resolver. ``lookups`` counts the calls per name."""

    def __init__(self, answers: dict[str, Sequence[str] | Callable[[int], Sequence[str]]]):
        self.answers = answers
        self.lookups: dict[str, int] = {}

    def getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = str(host).lower()
        if name not in self.answers:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        self.lookups[name] = self.lookups.get(name, 0) + 1
        answer = self.answers[name]
        addresses = answer(self.lookups[name]) if callable(answer) else answer
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        infos: list[tuple[Any, ...]] = []
        for address in addresses:
            if ":" in address:
                infos.append(
                    (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, int(port), 0, 0))
                )
            else:
                infos.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port))))
        return infos


class ConnectSpy:
    """Records every ``socket.connect`` address; refuses any that is not on loopback."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []

    def connect(self, sock: socket.socket, address: Any) -> None:
        self.attempts.append((str(address[0]), int(address[1])))
        if address[0] not in {"127.0.0.1", "::1"}:
            raise ConnectionRefusedError(111, "Connection refused (test: no network)")
        REAL_CONNECT(sock, address)


@contextlib.contextmanager
def network(
    answers: dict[str, Sequence[str] | Callable[[int], Sequence[str]]] | None = None,
) -> Iterator[tuple[FakeDNS, ConnectSpy]]:
    dns = FakeDNS(answers or {})
    spy = ConnectSpy()

    def connect(sock: socket.socket, address: Any) -> None:
        spy.connect(sock, address)

    with (
        mock.patch("socket.getaddrinfo", dns.getaddrinfo),
        mock.patch.object(socket.socket, "connect", connect),
    ):
        yield dns, spy


# --- TLS certificates -----------------------------------------------------------------------


def _certificate_authority() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Minka test CA")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _server_context(
    ca: tuple[ec.EllipticCurvePrivateKey, x509.Certificate], name: str, folder: Path
) -> ssl.SSLContext:
    """A server TLS context with a certificate for ``name`` signed by ``ca``."""
    ca_key, ca_certificate = ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_path = folder / f"{name}.pem"
    key_path = folder / f"{name}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context


def _client_context(ca_certificate: x509.Certificate) -> ssl.SSLContext:
    """Minka's TLS policy, trusting the test authority instead of the system's."""
    context = ssl.create_default_context(
        cadata=ca_certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    )
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


# --- Tests ----------------------------------------------------------------------------------


class AddressRuleTests(SimpleTestCase):
    def test_public_unicast_addresses_are_allowed(self) -> None:
        """Public addresses pass, also when an IPv6 form carries a public IPv4 address."""
        import ipaddress

        for text in (
            PUBLIC_IP,
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ):
            with self.subTest(address=text):
                self.assertIs(is_public_address(ipaddress.ip_address(text)), True)

    def test_internal_and_special_addresses_are_refused(self) -> None:
        """Every special-purpose range is refused, whatever this Python's ipaddress says."""
        import ipaddress

        for text in (
            "127.0.0.1",
            "127.255.255.254",
            "0.0.0.0",  # noqa: S104
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "192.0.0.1",
            "192.0.2.1",
            "198.18.0.1",
            "198.51.100.1",
            "203.0.113.1",
            "192.88.99.1",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::127.0.0.1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::808:808",
            "2002:7f00:1::",
            "2002:a9fe:a9fe::",
            "2001::1",
            "2001:db8::1",
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "100::1",
        ):
            with self.subTest(address=text):
                self.assertIs(is_public_address(ipaddress.ip_address(text)), False)


@override_settings(DEBUG=False, OUTBOUND_ALLOW_HTTP=False, OUTBOUND_ALLOWED_HOSTS=[])
class UrlFormTests(SimpleTestCase):
    def test_malformed_addresses_are_refused_with_a_clear_message(self) -> None:
        """What is not a complete http(s) URL is refused before any lookup."""
        cases = {
            "": "invalid",
            "example.org/hook": "invalid",
            "https://": "invalid",
            "https://exa mple.org/": "invalid",
            "https://example.org:0/": "invalid",
            "https://example.org:99999/": "invalid",
            "https://example.org\\@127.0.0.1/": "invalid",
            "https://example.org/\r\nX-Injected: 1": "invalid",
            "https://exa%mple.org/": "invalid",
            "https://" + "a" * 64 + ".org/": "invalid",
            "javascript:alert(1)": "scheme",
            "ftp://example.org/hook": "scheme",
            "file:///etc/passwd": "scheme",
            "gopher://127.0.0.1:6379/_INFO": "scheme",
            "https://user:secret@example.org/hook": "credentials",
            "https://user@example.org/hook": "credentials",
        }
        with network() as (_dns, spy):
            for url, code in cases.items():
                with self.subTest(url=url):
                    with self.assertRaises(OutboundRefused) as caught:
                        check_url(url)
                    self.assertEqual(caught.exception.code, code)
                    with self.assertRaises(OutboundRefused):
                        post(url, body=b"{}", headers={})
        self.assertEqual(spy.attempts, [])

    def test_the_message_is_a_plain_sentence_without_the_address(self) -> None:
        """Views show the message to coordinators: fixed text, no address, no reply."""
        self.enterContext(translation.override("en"))
        with self.assertRaisesMessage(
            OutboundRefused, "Only secure web addresses, starting with https://, are allowed."
        ):
            check_url("http://example.org/hook")
        with network({"intranet.test": ["10.1.2.3"]}):
            with self.assertRaises(OutboundRefused) as caught:
                check_url("https://intranet.test/hook")
        self.assertEqual(
            str(caught.exception),
            "This web address leads to a private or internal network, so Minka does not send "
            "requests to it.",
        )
        self.assertNotIn("10.1.2.3", str(caught.exception))

    def test_http_is_allowed_only_in_development_or_by_the_setting(self) -> None:
        """http:// passes the scheme rule with DEBUG or MINKA_OUTBOUND_ALLOW_HTTP, and the
        address rule still applies."""
        with network({"hooks.test": [PUBLIC_IP], "intranet.test": ["10.0.0.1"]}):
            with self.assertRaises(OutboundRefused) as caught:
                check_url("http://hooks.test/hook")
            self.assertEqual(caught.exception.code, "scheme")
            check_url("https://hooks.test/hook")
            for overrides in ({"DEBUG": True}, {"OUTBOUND_ALLOW_HTTP": True}):
                with self.subTest(**overrides), override_settings(**overrides):
                    check_url("http://hooks.test/hook")
                    with self.assertRaises(OutboundRefused) as caught:
                        check_url("http://intranet.test/hook")
                    self.assertEqual(caught.exception.code, "address")

    def test_an_unknown_name_is_refused_at_registration_and_fails_at_delivery(self) -> None:
        """A name that does not resolve: refused by check_url, a retryable error in post."""
        with network({"gone.test": []}):
            with self.assertRaises(OutboundRefused) as refused:
                check_url("https://gone.test/hook")
            self.assertEqual(refused.exception.code, "not_found")
            with self.assertRaises(OutboundError) as failed:
                post("https://gone.test/hook", body=b"{}", headers={})
            self.assertEqual(failed.exception.code, "not_found")

    def test_a_slow_lookup_is_cut_at_the_overall_limit(self) -> None:
        """The resolver's own retries do not hold a delivery past the overall limit."""

        def slow(_number: int) -> list[str]:
            time.sleep(1.5)
            return [PUBLIC_IP]

        with (
            mock.patch.object(outbound, "TOTAL_TIMEOUT", 0.5),
            network({"slow.test": slow}),
        ):
            started = time.monotonic()
            with self.assertRaises(OutboundTimeoutError):
                post("https://slow.test/hook", body=b"{}", headers={})
            self.assertLess(time.monotonic() - started, 1.2)

    def test_malformed_allowed_hosts_stop_with_a_configuration_error(self) -> None:
        for entry in ("hooks.test:http", "[::1", "hooks.test:0", ":8080"):
            with self.subTest(entry=entry), override_settings(OUTBOUND_ALLOWED_HOSTS=[entry]):
                with self.assertRaisesMessage(ConfigurationError, "MINKA_OUTBOUND_ALLOWED_HOSTS"):
                    check_url("https://example.org/")


@override_settings(DEBUG=False, OUTBOUND_ALLOW_HTTP=True, OUTBOUND_ALLOWED_HOSTS=[])
class AddressGuardTests(SimpleTestCase):
    """The §1.8 list, against a listener that counts what reaches it."""

    listener: ClassVar[Listener]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.listener = Listener()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.listener.close()
        super().tearDownClass()

    def forbidden_urls(self) -> list[str]:
        port, port6 = self.listener.port, self.listener.port6
        hosts = [
            f"127.0.0.1:{port}",
            f"0.0.0.0:{port}",
            f"[::1]:{port6}",
            f"[::ffff:127.0.0.1]:{port}",
            f"2130706433:{port}",
            f"0x7f.1:{port}",
            f"017700000001:{port}",
            f"127.1:{port}",
            f"169.254.169.254:{port}",
            f"10.0.0.1:{port}",
            f"192.168.1.1:{port}",
            f"100.64.0.1:{port}",
            f"[fd00:ec2::254]:{port}",
            f"[64:ff9b::7f00:1]:{port}",
            f"[2002:7f00:1::]:{port}",
            f"localhost:{port}",
            f"loopback.test:{port}",  # a name that resolves to 127.0.0.1
            f"metadata.test:{port}",  # a name that resolves to 169.254.169.254
            f"mixed.test:{port}",  # one public and one internal address
        ]
        return [f"{scheme}://{host}/hook" for host in hosts for scheme in ("http", "https")]

    def dns_answers(self) -> dict[str, Sequence[str] | Callable[[int], Sequence[str]]]:
        return {
            "loopback.test": ["127.0.0.1"],
            "metadata.test": ["169.254.169.254"],
            "mixed.test": [PUBLIC_IP, "127.0.0.1"],
            "rebind.test": lambda number: [PUBLIC_IP] if number == 1 else ["127.0.0.1"],
        }

    def test_no_address_of_the_list_reaches_the_listener(self) -> None:
        """SECURITY.md §1.8: every internal address and name is refused at registration and
        at delivery, the rebinding name connects only to the address it was checked as, and a
        redirect to an internal address is not followed. Figure: connections = 0."""
        refused = 0
        with network(self.dns_answers()) as (dns, spy):
            for url in self.forbidden_urls():
                with self.subTest(url=url):
                    with self.assertRaises(OutboundRefused) as at_registration:
                        check_url(url)
                    with self.assertRaises(OutboundRefused) as at_delivery:
                        post(url, body=b'{"type": "test"}', headers={})
                    self.assertEqual(at_registration.exception.code, "address")
                    self.assertEqual(at_delivery.exception.code, "address")
                    refused += 1
            self.assertEqual(spy.attempts, [])

            # DNS rebinding: the first answer is public, every later one is 127.0.0.1.
            with self.assertRaises(OutboundError):
                post(f"https://rebind.test:{self.listener.port}/hook", body=b"{}", headers={})
            self.assertEqual(dns.lookups["rebind.test"], 1)
            self.assertEqual(spy.attempts, [(PUBLIC_IP, self.listener.port)])

        # An allowed receiver that redirects to the listener.
        with receiver() as server, override_settings(OUTBOUND_ALLOWED_HOSTS=[server.host]):
            server.mode, server.status = "redirect", 302
            server.location = f"http://127.0.0.1:{self.listener.port}/hook"
            with self.assertRaises(OutboundRefused) as caught:
                post(f"http://{server.host}/hook", body=b"{}", headers={})
            self.assertEqual(caught.exception.code, "redirect")
            self.assertEqual(len(server.requests), 1)

        print(  # noqa: T201
            f"SSRF guard: {refused} URLs refused at registration and delivery, rebinding and "
            f"redirect cases checked; connections reaching the listener = {self.listener.count}"
        )
        self.assertEqual(self.listener.count, 0)

    def test_a_name_that_flips_connects_only_to_the_address_checked(self) -> None:
        """One lookup per request, and the socket goes to the address that lookup gave: the
        second (loopback) answer is never asked for, let alone used."""
        url = f"https://rebind.test:{self.listener.port}/hook"
        with network(self.dns_answers()) as (dns, spy):
            with self.assertRaises(OutboundError) as caught:
                post(url, body=b"{}", headers={})
        self.assertEqual(caught.exception.code, "connection")
        self.assertEqual(dns.lookups, {"rebind.test": 1})
        self.assertEqual(spy.attempts, [(PUBLIC_IP, self.listener.port)])
        self.assertEqual(self.listener.count, 0)

    def test_a_name_that_flips_after_registration_is_refused_at_delivery(self) -> None:
        """check_url passes on the public answer; post looks up again and refuses."""
        url = f"https://rebind.test:{self.listener.port}/hook"
        with network(self.dns_answers()) as (dns, spy):
            check_url(url)
            with self.assertRaises(OutboundRefused) as caught:
                post(url, body=b"{}", headers={})
        self.assertEqual(caught.exception.code, "address")
        self.assertEqual(dns.lookups, {"rebind.test": 2})
        self.assertEqual(spy.attempts, [])
        self.assertEqual(self.listener.count, 0)

    def test_redirects_are_never_followed(self) -> None:
        """Every redirect status is refused, to internal and to public targets alike; only the
        allowed receiver is contacted."""
        with (
            receiver() as server,
            override_settings(OUTBOUND_ALLOWED_HOSTS=[server.host]),
            network() as (_dns, spy),
        ):
            server.mode = "redirect"
            for status in (301, 302, 303, 307, 308):
                for location in (
                    f"http://127.0.0.1:{self.listener.port}/",
                    "http://169.254.169.254/latest/meta-data/",
                    "https://example.org/hook",
                ):
                    with self.subTest(status=status, location=location):
                        server.status, server.location = status, location
                        with self.assertRaises(OutboundRefused) as caught:
                            post(f"http://{server.host}/hook", body=b"{}", headers={})
                        self.assertEqual(caught.exception.code, "redirect")
        self.assertEqual(set(spy.attempts), {("127.0.0.1", server.port)})
        self.assertEqual(len(server.requests), 15)
        self.assertEqual(self.listener.count, 0)

    def test_an_allowed_host_is_allowed_on_its_port_only(self) -> None:
        """127.0.0.1:<receiver port> in the setting does not open 127.0.0.1's other ports."""
        with receiver() as server, override_settings(OUTBOUND_ALLOWED_HOSTS=[server.host]):
            check_url(f"http://{server.host}/hook")
            with self.assertRaises(OutboundRefused):
                post(f"http://127.0.0.1:{self.listener.port}/hook", body=b"{}", headers={})
        self.assertEqual(self.listener.count, 0)


@override_settings(DEBUG=False, OUTBOUND_ALLOW_HTTP=False, OUTBOUND_ALLOWED_HOSTS=[])
class DeliveryTests(SimpleTestCase):
    def test_a_post_reaches_a_receiver_allowed_by_the_setting(self) -> None:
        """End to end: body, headers and Host arrive; status, headers and body come back."""
        with receiver() as server, override_settings(OUTBOUND_ALLOWED_HOSTS=[server.host]):
            server.status, server.body = 202, b'{"received": true}'
            response = post(
                f"http://{server.host}/hooks/minka?x=1",
                body=b'{"type": "minutes.published"}',
                headers={"Content-Type": "application/json", "webhook-id": "msg_1"},
            )
        self.assertEqual(response.status, 202)
        self.assertEqual(response.body_prefix, b'{"received": true}')
        self.assertEqual(response.headers["content-length"], "18")
        (request,) = server.requests
        self.assertEqual(request["path"], "/hooks/minka?x=1")
        self.assertEqual(request["body"], b'{"type": "minutes.published"}')
        self.assertEqual(request["headers"]["host"], server.host)
        self.assertEqual(request["headers"]["content-type"], "application/json")
        self.assertEqual(request["headers"]["webhook-id"], "msg_1")
        self.assertEqual(request["headers"]["user-agent"], "Minka")

    def test_an_allowed_name_without_a_port_is_allowed_on_every_port(self) -> None:
        with (
            receiver() as server,
            override_settings(OUTBOUND_ALLOWED_HOSTS=["Hooks.Internal."]),
            network({"hooks.internal": ["127.0.0.1"]}),
        ):
            response = post(f"http://hooks.internal:{server.port}/", body=b"", headers={})
        self.assertEqual(response.status, 200)
        self.assertEqual(server.requests[0]["headers"]["host"], f"hooks.internal:{server.port}")

    def test_https_uses_the_host_name_for_sni_and_the_certificate(self) -> None:
        """The socket goes to the looked-up address; SNI, Host and the certificate check use
        the URL's name. A certificate for another name, or one the trust store does not know,
        is refused before anything is sent."""
        ca = _certificate_authority()
        with tempfile.TemporaryDirectory() as folder:
            good = _server_context(ca, "hooks.test", Path(folder))
            wrong = _server_context(ca, "other.test", Path(folder))
            with (
                override_settings(OUTBOUND_ALLOWED_HOSTS=["hooks.test"]),
                network({"hooks.test": ["127.0.0.1"]}) as (dns, _spy),
            ):
                with (
                    receiver(good) as server,
                    mock.patch.object(outbound, "_tls_context", lambda: _client_context(ca[1])),
                ):
                    url = f"https://hooks.test:{server.port}/hook"
                    response = post(url, body=b"{}", headers={"Host": "evil.test"})
                self.assertEqual(response.status, 200)
                self.assertEqual(server.server_names, ["hooks.test"])
                self.assertEqual(server.requests[0]["headers"]["host"], f"hooks.test:{server.port}")

                with (
                    receiver(wrong) as server,
                    mock.patch.object(outbound, "_tls_context", lambda: _client_context(ca[1])),
                ):
                    with self.assertRaises(OutboundError) as caught:
                        post(f"https://hooks.test:{server.port}/hook", body=b"{}", headers={})
                self.assertEqual(caught.exception.code, "tls")
                self.assertEqual(server.requests, [])

                with receiver(good) as server:  # the system trust store: unknown authority
                    with self.assertRaises(OutboundError) as caught:
                        post(f"https://hooks.test:{server.port}/hook", body=b"{}", headers={})
                self.assertEqual(caught.exception.code, "tls")
                self.assertEqual(server.requests, [])
            self.assertEqual(dns.lookups, {"hooks.test": 3})

    def test_a_hanging_receiver_is_cut_at_the_overall_limit(self) -> None:
        """A receiver that never answers, or drips a header byte every 0.1 s (each read is
        quick, so only an overall deadline stops it), is cut at the total limit."""
        for mode in ("silent", "drip"):
            with (
                self.subTest(mode=mode),
                mock.patch.object(outbound, "TOTAL_TIMEOUT", 1.0),
                mock.patch.object(outbound, "CONNECT_TIMEOUT", 0.5),
                receiver() as server,
                override_settings(OUTBOUND_ALLOWED_HOSTS=[server.host]),
            ):
                server.mode = mode
                started = time.monotonic()
                with self.assertRaises(OutboundTimeoutError) as caught:
                    post(f"http://{server.host}/hook", body=b"{}", headers={})
                elapsed = time.monotonic() - started
                print(  # noqa: T201
                    f"hanging receiver ({mode}): cut after {elapsed:.2f} s (overall limit 1 s)"
                )
                self.assertGreaterEqual(elapsed, 0.95)
                self.assertLess(elapsed, 1.5)
                self.assertEqual(caught.exception.code, "timeout")
                self.assertEqual(len(server.requests), 1)

    def test_the_answer_body_is_capped(self) -> None:
        """Only the first 64 KiB of an answer is read, however large or endless it is."""
        with receiver() as server, override_settings(OUTBOUND_ALLOWED_HOSTS=[server.host]):
            server.body = bytes(range(256)) * 4096  # 1 MiB
            response = post(f"http://{server.host}/hook", body=b"{}", headers={})
            self.assertEqual(response.body_prefix, server.body[: 64 * 1024])

            server.mode = "endless"
            started = time.monotonic()
            response = post(f"http://{server.host}/hook", body=b"{}", headers={})
            self.assertLess(time.monotonic() - started, 2)
            self.assertEqual(len(response.body_prefix), 64 * 1024)

    def test_a_closed_port_is_a_retryable_connection_error(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with override_settings(OUTBOUND_ALLOWED_HOSTS=[f"127.0.0.1:{port}"]):
            with self.assertRaises(OutboundError) as caught:
                post(f"http://127.0.0.1:{port}/hook", body=b"{}", headers={})
        self.assertEqual(caught.exception.code, "connection")
        self.assertNotIsInstance(caught.exception, OutboundRefused)
