"""Fault tests of the outbox against a real SMTP server (shared/SECURITY.md section 4.2).

- **F7** SMTP down, slow, or with a certificate that does not verify, while people create
  content: creating content (``notify``) never waits on SMTP; the emails wait, are retried on
  the schedule (checked with a controlled clock), are given up after the cap, and go out once
  the server is back: none lost, none twice. A certificate that does not verify, or a server
  that stops offering STARTTLS, gets nothing.
- **F3** ``kill -9`` of ``minka outbox`` in the middle of deliveries: 500 queued emails, the
  worker killed several times at random moments, then a last worker drains the queue. None
  is lost; a copy can arrive twice only for a message whose delivery the kill interrupted
  (sent, but not yet recorded), and the ``Message-ID`` lets a mail program drop it.

Each test prints its figures on one line (``F7 …``, ``F3 …``) and asserts them.
"""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import TransactionTestCase, override_settings

from minka.accounts.tests.factories import UserFactory
from minka.core.tests.s3server import _die_with_parent
from minka.notifications import services
from minka.notifications.delivery import outbox_deliver
from minka.notifications.models import Message
from minka.notifications.tests.helpers import PING, ping_kind
from minka.notifications.tests.smtpserver import SMTPTestServer, smtp_server

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

T0 = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
# Small retry settings: 10 s, doubled, at most 25 s; given up at the 4th failed attempt.
RETRIES = {"OUTBOX_RETRY_BASE": 10, "OUTBOX_RETRY_MAX": 25, "OUTBOX_MAX_ATTEMPTS": 4}


def message_id(message: Message) -> str:
    return f"<{message.public_id}@{urlsplit(settings.BASE_URL).hostname}>"


def lost_and_duplicates(expected: Sequence[str], server: SMTPTestServer) -> tuple[int, int]:
    """Messages that never arrived, and copies beyond the first (by ``Message-ID``)."""
    seen = server.message_ids()
    lost = sum(1 for mid in expected if mid not in seen)
    duplicates = sum(count - 1 for count in seen.values())
    return lost, duplicates


@override_settings(OUTBOX_THREADS=1, **RETRIES)
class SmtpDownTests(TransactionTestCase):
    """F7: SMTP down while people create content (each ``notify`` its own transaction)."""

    N = 50

    def setUp(self) -> None:
        self.enterContext(ping_kind())
        self.server = self.enterContext(smtp_server())
        self.enterContext(override_settings(**self.server.settings(EMAIL_TIMEOUT=2)))
        self.people = [UserFactory.create(email=f"p{i}@example.org") for i in range(2)]

    def create_content(self, label: str) -> list[float]:
        """``N`` changes, each committed with its notifications; the seconds each took."""
        timings = []
        for n in range(self.N):
            started = time.perf_counter()
            with transaction.atomic():
                services.notify(
                    PING, key=f"{label}:{n}", params={"n": n}, users=self.people, now=T0
                )
            timings.append(time.perf_counter() - started)
        return timings

    def test_emails_wait_while_smtp_is_down_and_go_out_once_when_it_is_back(self) -> None:
        up = self.create_content("up")
        self.assertEqual(outbox_deliver(now=T0), {"sent": 2 * self.N})
        self.server.stop()
        down = self.create_content("down")
        waiting = list(Message.objects.filter(key__startswith="down:"))
        self.assertEqual(len(waiting), 2 * self.N)

        # Passes at the times the schedule gives (10 s, then 20 s): each finds the server
        # down and sets the next attempt; a pass a second early finds nothing due.
        deviations: list[float] = []
        now = T0
        for attempt, delay in ((1, 10), (2, 20)):
            self.assertEqual(outbox_deliver(now=now), {"pending": 2 * self.N})
            for message in Message.objects.filter(key__startswith="down:"):
                self.assertEqual((message.status, message.attempts), ("pending", attempt))
                self.assertEqual(message.last_error, "SMTP: ConnectionRefusedError")
                expected = now + timedelta(seconds=delay)
                deviations.append(abs((message.next_attempt_at - expected).total_seconds()))
            now += timedelta(seconds=delay)
            self.assertEqual(outbox_deliver(now=now - timedelta(seconds=1)), {})

        self.server.start()
        self.assertEqual(outbox_deliver(now=now), {"sent": 2 * self.N})
        self.assertEqual(outbox_deliver(now=now + timedelta(days=1)), {})
        expected_ids = [message_id(m) for m in Message.objects.all()]
        lost, duplicates = lost_and_duplicates(expected_ids, self.server)
        median_up, median_down = statistics.median(up), statistics.median(down)
        ratio = median_down / median_up
        print(  # noqa: T201
            f"F7 smtp_down notify_median_ms up={median_up * 1000:.2f} "
            f"down={median_down * 1000:.2f} ratio={ratio:.2f} "
            f"p95_ms up={percentile(up, 0.95) * 1000:.2f} down={percentile(down, 0.95) * 1000:.2f} "
            f"waiting={len(waiting)} lost={lost} duplicates={duplicates} "
            f"retry_max_deviation_s={max(deviations):.1f}"
        )
        self.assertEqual((lost, duplicates), (0, 0))
        self.assertEqual(len(self.server.messages), 4 * self.N)
        self.assertEqual(max(deviations), 0.0)
        # notify never touches SMTP: the same cost whether the server is up or down (the
        # margin absorbs a busy machine's noise).
        self.assertLess(ratio, 3.0)

    def test_an_email_is_given_up_after_the_cap_and_never_sent_after(self) -> None:
        self.server.stop()
        self.create_content("down")
        now, delays = T0, []
        for _attempt in range(settings.OUTBOX_MAX_ATTEMPTS - 1):
            self.assertEqual(outbox_deliver(now=now), {"pending": 2 * self.N})
            nexts = set(Message.objects.values_list("next_attempt_at", flat=True))
            self.assertEqual(len(nexts), 1)
            delay = nexts.pop() - now
            delays.append(int(delay.total_seconds()))
            now += delay
        self.assertEqual(outbox_deliver(now=now), {"dead": 2 * self.N})
        self.server.start()
        self.assertEqual(outbox_deliver(now=now + timedelta(days=1)), {})
        dead = Message.objects.filter(status="dead", attempts=settings.OUTBOX_MAX_ATTEMPTS)
        print(  # noqa: T201
            f"F7 dead_lettered_after_cap={dead.count()} attempts={settings.OUTBOX_MAX_ATTEMPTS} "
            f"delays_s={','.join(map(str, delays))} sent_after_cap={len(self.server.messages)}"
        )
        self.assertEqual(delays, [10, 20, 25])
        self.assertEqual(dead.count(), 2 * self.N)
        self.assertEqual(self.server.messages, [])


@override_settings(OUTBOX_THREADS=1, **RETRIES)
class SmtpTlsAndSlowTests(TransactionTestCase):
    """F7: a certificate that does not verify, a stripped STARTTLS, and a slow server."""

    def setUp(self) -> None:
        self.enterContext(ping_kind())
        self.ana = UserFactory.create(email="ana@example.org")

    def notify(self, count: int) -> list[Message]:
        for n in range(count):
            services.notify(PING, key=f"k{n}", params={"n": n}, users=[self.ana], now=T0)
        return list(Message.objects.order_by("id"))

    def test_nothing_is_sent_over_tls_that_does_not_verify(self) -> None:
        """A self-signed certificate: refused, the emails wait (transient); the same server
        once its certificate is trusted gets each email once, over TLS. A server that does
        not offer STARTTLS (stripped by a man in the middle) gets nothing in clear either."""
        # The server logs each handshake the client aborts.
        self.enterContext(mock.patch.object(logging.getLogger("mail.log"), "disabled", True))
        messages = self.notify(5)
        with smtp_server(tls=True) as server:
            with override_settings(**server.settings(EMAIL_USE_TLS=True)):
                self.assertEqual(outbox_deliver(now=T0), {"pending": 5})
                refused = Message.objects.filter(
                    status="pending", last_error="TLS: SSLCertVerificationError"
                ).count()
                unverified = len(server.messages)
                assert server.cert_path is not None
                with mock.patch.dict(os.environ, {"SSL_CERT_FILE": str(server.cert_path)}):
                    later = T0 + timedelta(seconds=10)
                    self.assertEqual(outbox_deliver(now=later), {"sent": 5})
            trusted = server.messages
        with smtp_server() as plain, override_settings(**plain.settings(EMAIL_USE_TLS=True)):
            services.notify(PING, key="stripped", params={}, users=[self.ana], now=T0)
            self.assertEqual(outbox_deliver(now=T0), {"pending": 1})
            stripped = len(plain.messages)
            self.assertEqual(
                Message.objects.get(key__startswith="stripped").last_error,
                "SMTP: SMTPNotSupportedError",
            )
        print(  # noqa: T201
            f"F7 bad_tls sent_over_unverified_tls={unverified + stripped} "
            f"refused_bad_certificate={refused} delivered_once_trusted={len(trusted)}"
        )
        self.assertEqual((unverified, stripped, refused), (0, 0, 5))
        self.assertEqual(
            sorted(r.message_id for r in trusted), sorted(message_id(m) for m in messages)
        )
        self.assertTrue(all(r.tls for r in trusted))

    def test_a_slow_server_delays_emails_and_loses_none(self) -> None:
        """A server slower than the timeout: each attempt fails as transient and is retried
        once the server is quick again; each email arrives once. (This server drops a
        message whose client hung up before the reply; a real one may keep it, and the
        Message-ID lets the mail program drop that copy.)"""
        messages = self.notify(3)
        with smtp_server(delay=1.5) as server:
            with override_settings(**server.settings(EMAIL_TIMEOUT=1)):
                started = time.perf_counter()
                self.assertEqual(outbox_deliver(now=T0), {"pending": 3})
                slow_pass = time.perf_counter() - started
                self.assertEqual(
                    set(Message.objects.values_list("last_error", flat=True)),
                    # smtplib reports the read that timed out as a dropped connection.
                    {"SMTP: SMTPServerDisconnected"},
                )
                server.delay = 0
                self.assertEqual(outbox_deliver(now=T0 + timedelta(seconds=10)), {"sent": 3})
            lost, duplicates = lost_and_duplicates([message_id(m) for m in messages], server)
        print(  # noqa: T201
            f"F7 slow_smtp timeouts=3 slow_pass_s={slow_pass:.1f} lost={lost} "
            f"duplicates={duplicates}"
        )
        self.assertEqual((lost, duplicates), (0, 0))


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- F3: kill -9 of the worker in the middle of deliveries -------------------------------------

QUEUED = 500
KILLS = 6
SEED = 20263

# The `minka outbox` command, with the test kind registered first (the tests' kind exists
# only in test processes): the same code path as `python -m minka outbox`.
WORKER = textwrap.dedent(
    """
    import sys
    from minka.notifications.kinds import EventKind, kind_register
    from minka.notifications.tests.helpers import PING, render_ping
    kind_register(
        EventKind(code=PING, label="Ping", group="Tests", render=render_ping, transactional=True)
    )
    sys.argv = ["minka", "outbox"]
    from minka.__main__ import main
    main()
    """
)
SETUP = textwrap.dedent(
    """
    import json, os, sys, django
    from urllib.parse import urlsplit
    people, events = int(sys.argv[1]), int(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from minka.accounts.models import User
    from minka.notifications import services
    from minka.notifications.kinds import EventKind, kind_register
    from minka.notifications.models import Message
    from minka.notifications.tests.helpers import PING, render_ping
    kind_register(
        EventKind(code=PING, label="Ping", group="Tests", render=render_ping, transactional=True)
    )
    call_command("migrate", interactive=False, verbosity=0)
    users = User.objects.bulk_create(
        [User(email=f"persona{i}@example.org", password="!") for i in range(people)]
    )
    for n in range(events):
        with transaction.atomic():
            services.notify(PING, key=f"f3:{n}", params={"n": n}, users=users)
    host = urlsplit(settings.BASE_URL).hostname
    ids = Message.objects.values_list("public_id", flat=True)
    print(json.dumps([f"<{m}@{host}>" for m in ids]))
    """
)


@contextmanager
def worker_database(folder: Path) -> Iterator[str]:
    """A database for the worker processes: a SQLite file in ``folder``, or a fresh
    PostgreSQL database when ``DATABASE_URL`` names one (dropped on the way out; the setup
    script migrates it)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        # A copy of the test database, migrated already (migrating a file takes ~8 s here).
        path = folder / "minka.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        yield f"sqlite:///{path}"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"minka_f3_{os.getpid()}"
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
        pg.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    finally:
        with psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def status_counts(database_url: str) -> dict[str, int]:
    """The outbox's messages by status, read straight from the workers' database."""
    query = "SELECT status, COUNT(*) FROM notifications_message GROUP BY status"
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=20) as db:
            return dict(db.execute(query).fetchall())
    import psycopg

    with psycopg.connect(database_url) as pg:
        return {str(status): int(count) for status, count in pg.execute(query)}


class WorkerKilledTests(TransactionTestCase):
    """F3 on the worker process itself (``minka outbox``), its own database and the SMTP
    server; the lease is 2 s, so an interrupted delivery is taken up again soon."""

    @pytest.mark.slow
    @pytest.mark.timeout(180)
    def test_kill_9_mid_delivery_loses_nothing(self) -> None:
        rng = random.Random(SEED)
        with (
            smtp_server() as server,
            tempfile.TemporaryDirectory(prefix="minka-f3-") as tmp,
            worker_database(Path(tmp)) as database_url,
        ):
            base = {
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("MINKA_", "DJANGO_")) and k != "DATABASE_URL"
            }
            base.pop("PYTEST_CURRENT_TEST", None)
            env = {
                **base,
                **server.environment(),
                "MINKA_TESTING": "1",
                "MINKA_DATA_DIR": tmp,
                "DATABASE_URL": database_url,
                "MINKA_OUTBOX_LEASE": "2",
                "MINKA_OUTBOX_INTERVAL": "1",
                "MINKA_OUTBOX_THREADS": "4",
            }
            setup = subprocess.run(  # noqa: S603  (fixed arguments)
                [sys.executable, "-c", SETUP, "100", str(QUEUED // 100)],
                env=env,
                cwd=tmp,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            self.assertEqual(setup.returncode, 0, setup.stderr)
            expected = json.loads(setup.stdout.strip().splitlines()[-1])
            self.assertEqual(len(expected), QUEUED)

            def start() -> subprocess.Popen[bytes]:
                return subprocess.Popen(  # noqa: S603  (fixed arguments)
                    [sys.executable, "-c", WORKER],
                    env=env,
                    cwd=tmp,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    preexec_fn=_die_with_parent,
                )

            kills = 0
            for _round in range(KILLS):
                if len(server.message_ids()) >= QUEUED:
                    break
                worker = start()
                before = len(server.messages)
                # Kill it at a random moment once it is delivering.
                server.wait_for(before + 1, timeout=30)
                time.sleep(rng.uniform(0.0, 0.5))
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)
                kills += 1
            killed_with = len(server.messages)

            started = time.perf_counter()
            worker = start()
            try:
                deadline = started + 90
                counts = status_counts(database_url)
                while counts.get("sent", 0) < QUEUED and time.perf_counter() < deadline:
                    time.sleep(0.2)
                    counts = status_counts(database_url)
                drain = time.perf_counter() - started
            finally:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=30)
            lost, duplicates = lost_and_duplicates(expected, server)
        bound = kills * 4  # messages in flight at a kill: at most one per delivery thread
        print(  # noqa: T201
            f"F3 lost={lost} duplicates={duplicates} kills={kills} drain_s={drain:.1f} "
            f"queued={QUEUED} received_before_drain={killed_with} statuses={counts} "
            f"duplicate_bound={bound}"
        )
        self.assertEqual(counts, {"sent": QUEUED})
        self.assertEqual(lost, 0)
        self.assertLessEqual(duplicates, bound)
        self.assertGreaterEqual(kills, 3)
