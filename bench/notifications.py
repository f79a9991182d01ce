"""Notifications benchmark: one announcement to 10,000 people, enqueued, then delivered by email.

Creates ``--recipients`` people with bulk inserts (one in ten reading English) in a throw-away
database, registers a kind of event whose renderer builds a Spanish notice with an HTML part
from the message's ids (a real kind's renderer adds the queries that load its object), then:

- **enqueue**: ``notify`` of one event for all of them, in one transaction, as the service that
  makes the change does (the people given as a query set): median of ``--runs`` runs, the
  rows of each run but the last deleted before the next;
- **deliver**: ``outbox_deliver`` passes (``--threads`` deliveries at once, 4 as
  ``MINKA_OUTBOX_THREADS``) until nothing is due, through Django's SMTP backend to a local
  SMTP server (aiosmtpd on 127.0.0.1, the tests' server, in this process); it checks that
  every message arrived exactly once (by ``Message-ID``).

It prints the figures, the engine and the machine, then a JSON line with the same figures::

    MINKA_TESTING=1 .venv/bin/python bench/notifications.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/minka MINKA_TESTING=1 \\
        .venv/bin/python bench/notifications.py

Without ``DATABASE_URL`` it uses a throw-away SQLite file (WAL, ``synchronous=FULL``, as in
production); with a PostgreSQL URL it creates and then drops a ``bench_notifications_<name>``
database.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from minka.notifications.kinds import Notice, RenderContext

KIND = "bench.announcement"


def render_announcement(params: dict[str, Any], context: RenderContext) -> Notice:
    """A meeting announcement in Spanish, with what, when and where."""
    from django.utils.html import format_html

    from minka.notifications.kinds import Notice

    text = (
        f"Nueva reunión de la red: Conectividad rural en la Amazonía, el jueves 14 de enero "
        f"de 2027 a las 10:00 en la sede de la Asociación Andina (Cusco) y en línea. "
        f"Reunión n.º {params['meeting']}."
    )
    return Notice(
        subject="Nueva reunión: Conectividad rural en la Amazonía",
        text=text,
        html=format_html("<p>{}</p>", text),
        url=f"http://127.0.0.1:8000/reuniones/{params['meeting']}/",
    )


def register_kind() -> None:
    from minka.notifications.kinds import EventKind, kind_register

    # Transactional: the people made for the benchmark have no directory record (no consent).
    kind_register(
        EventKind(
            code=KIND,
            label="Anuncio",
            group="Bench",
            render=render_announcement,
            transactional=True,
        )
    )


def make_people(count: int) -> float:
    """Insert ``count`` active people; return the seconds it took."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.db import transaction

    from minka.accounts.models import User

    started = time.perf_counter()
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    email=f"persona{i:05d}@example.org",
                    full_name=f"Persona {i}",
                    password=UNUSABLE_PASSWORD_PREFIX,  # nobody signs in
                    language="en" if i % 10 == 0 else "es",
                )
                for i in range(count)
            ],
            batch_size=1000,
        )
    return time.perf_counter() - started


def enqueue(run: int) -> tuple[float, int]:
    """One ``notify`` for every active person; the seconds it took and the rows offered."""
    from django.db import transaction

    from minka.accounts.models import User
    from minka.notifications import services

    started = time.perf_counter()
    with transaction.atomic():
        offered = services.notify(
            KIND,
            key=f"meeting:1:scheduled:run{run}",
            params={"meeting": 1},
            users=User.objects.filter(is_active=True),
        )
    return time.perf_counter() - started, offered


def deliver(threads: int) -> dict[str, Any]:
    """Deliver every due message to a local SMTP server; the figures."""
    from django.test import override_settings

    from minka.notifications.delivery import outbox_deliver
    from minka.notifications.models import Message
    from minka.notifications.tests.smtpserver import smtp_server

    expected = Message.objects.filter(status=Message.Status.PENDING).count()
    with (
        smtp_server() as server,
        override_settings(**server.settings(), OUTBOX_THREADS=threads),
    ):
        passes, outcomes = 0, dict[str, int]()
        started = time.perf_counter()
        while True:
            counted = outbox_deliver()
            if not counted:
                break
            passes += 1
            for status, count in counted.items():
                outcomes[status] = outcomes.get(status, 0) + count
        seconds = time.perf_counter() - started
        ids = server.message_ids()
    return {
        "deliver_s": round(seconds, 1),
        "messages_per_s": round(expected / seconds, 1),
        "passes": passes,
        "outcomes": outcomes,
        "received": sum(ids.values()),
        "duplicates": sum(count - 1 for count in ids.values()),
        "threads": threads,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from bench.search import engine_version, machine
    from minka.notifications.models import Message

    print(f"machine       {machine()} (before)")
    print(f"engine        {engine_version()}")
    register_kind()
    created = make_people(args.recipients)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"people        {args.recipients:,} created in {created:.1f} s (bulk insert)")

    timings = []
    for run_number in range(args.runs):
        if run_number:
            Message.objects.all().delete()
        seconds, offered = enqueue(run_number)
        timings.append(seconds)
        print(f"enqueue run {run_number + 1}  {offered:,} messages in {seconds * 1000:.0f} ms")
    median = statistics.median(timings)
    print(
        f"enqueue       median {median * 1000:.0f} ms for {args.recipients:,} recipients "
        f"({args.recipients / median:,.0f} rows/s)"
    )

    delivered = deliver(args.threads)
    print(
        f"deliver       {delivered['received']:,} emails in {delivered['deliver_s']:.1f} s "
        f"= {delivered['messages_per_s']:.1f} messages/s ({args.threads} threads, "
        f"{delivered['passes']} passes; outcomes {delivered['outcomes']}; "
        f"duplicates {delivered['duplicates']})"
    )
    print(f"machine       {machine()} (after)")
    return {
        "recipients": args.recipients,
        "engine": engine_version(),
        "enqueue_median_ms": round(median * 1000),
        "enqueue_runs_ms": [round(t * 1000) for t in timings],
        **delivered,
        "machine": machine(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="enqueue runs (median)")
    parser.add_argument("--threads", type=int, default=4, help="deliveries at once")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("MINKA_ALLOWED_HOSTS", "testserver")
    from bench.search import bench_database

    with bench_database("notifications"):
        result = run(args)
    print(json.dumps(result, ensure_ascii=False))
    ok = result["received"] == args.recipients and result["duplicates"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
