"""Several processes are correct (issue 20): two gunicorn app processes and two task workers
(``minka db_worker``) against one PostgreSQL database and one object store (the SeaweedFS
test server), all on 127.0.0.1 with debug off.

* no task runs twice: uploads queue their extraction and the test queues tasks that record
  each run; every task ends once, claimed once;
* no upload is lost: concurrent uploads to both processes; every acknowledged upload has its
  row and its object with the right SHA-256, and ``minka check_integrity`` is clean;
* one row where two people act at once: simultaneous RSVPs of one person sent to both
  processes give one invitee row and no error.

PostgreSQL only (SQLite is one file for one machine); skipped on SQLite.
"""

from __future__ import annotations

import hashlib
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import SimpleTestCase

from bench import _procs as procs

UPLOADS = 24
RECORDED = 40

SETUP = """
import sys
from minka.accounts.models import User
from minka.core.tests import worker_tasks
from minka.meetings.tests.factories import MeetingFactory
runs, count = sys.argv[1], int(sys.argv[2])
for _ in range(count):
    worker_tasks.record_run.enqueue(runs)
print(MeetingFactory.create().public_id)
"""


@pytest.mark.slow
@pytest.mark.timeout(600)
class MultiProcessTests(SimpleTestCase):
    databases = {"default"}

    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("needs PostgreSQL: several processes share one database server")

    def test_two_app_processes_and_two_workers_lose_nothing_and_repeat_nothing(self) -> None:
        from minka.core.tests.s3server import seaweedfs

        admin = procs.admin_url(os.environ["DATABASE_URL"])
        with (
            seaweedfs() as s3,
            procs.pg_database(f"flt_mp_{os.getpid()}", server=admin) as database_url,
            procs.site(database_url=database_url, s3=s3) as site,
        ):
            site.prepare()
            runs = site.folder / "runs"
            meeting = site.python(SETUP, str(runs), str(RECORDED)).split()[-1]
            ports = [procs.free_port(), procs.free_port()]
            for port in ports:
                site.gunicorn(port, workers=1)
            members = procs.members(site, 4)
            workers = [site.worker(), site.worker()]

            acked, failed = self._upload_to_both(ports, members)
            self.assertEqual(failed, {}, "every upload acknowledged")
            statuses = self._rsvp_at_once(ports, members[0], meeting)

            self._wait_for_tasks(database_url, expected=RECORDED + UPLOADS)
            for worker in workers:
                self.assertIsNone(worker.poll(), "the workers are still running")

            # No task ran twice: each finished once, claimed by one worker, recorded once.
            rows = procs.pg_rows(
                database_url, "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
            )
            self.assertEqual({status for status, _ids in rows}, {"SUCCESSFUL"})
            self.assertEqual([len(ids) for _s, ids in rows], [1] * len(rows))
            recorded = runs.read_text().split()
            self.assertEqual(len(recorded), RECORDED)
            claimed_by = {ids[0] for _s, ids in rows}
            self.assertEqual(len(claimed_by), 2, "both workers took tasks")

            # No upload lost: a row per acknowledged upload, the object with its SHA-256.
            stored = dict(procs.pg_rows(database_url, "SELECT sha256, size FROM documents_version"))
            self.assertEqual(set(stored), set(acked))
            for sha, size in acked.items():
                self.assertEqual(stored[sha], size)
            report = site.integrity("--grace-minutes", "0")
            self.assertTrue(report["clean"], report)
            self.assertEqual(report["checked_files"], UPLOADS)

            # One person answering at once in both processes: one row, no error.
            self.assertEqual(set(statuses), {302}, statuses)
            invitees = procs.pg_rows(
                database_url,
                "SELECT COUNT(*) FROM meetings_invitee i JOIN directory_person p "
                "ON p.id = i.person_id WHERE p.user_id = %s",
                members[0].user_id,
            )
            self.assertEqual(invitees[0][0], 1)
            people = procs.pg_rows(
                database_url,
                "SELECT COUNT(*) FROM directory_person WHERE user_id = %s",
                members[0].user_id,
            )
            self.assertEqual(people[0][0], 1)

    def _upload_to_both(
        self, ports: list[int], members: list[procs.Member]
    ) -> tuple[dict[str, int], dict[str, int]]:
        rng = random.Random(20)
        files = [procs.text_file(rng.randint(50_000, 1_500_000)) for _ in range(UPLOADS)]
        acked: dict[str, int] = {}
        failed: dict[str, int] = {}
        lock = threading.Lock()

        def one(index: int) -> None:
            data = files[index]
            status = procs.upload(
                ports[index % 2], members[index % len(members)], f"{index}.txt", data
            )
            with lock:
                target = acked if status == 302 else failed
                target[hashlib.sha256(data).hexdigest()] = len(data) if status == 302 else status

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(one, range(UPLOADS)))
        return acked, failed

    def _rsvp_at_once(self, ports: list[int], member: procs.Member, meeting: str) -> list[int]:
        barrier = threading.Barrier(8)
        body = b"answer=yes"

        def one(index: int) -> int:
            barrier.wait()
            status, _ = procs.request(
                ports[index % 2],
                "POST",
                f"/reuniones/{meeting}/respuesta/",
                body=body,
                headers=member.headers("application/x-www-form-urlencoded"),
            )
            return status

        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(one, range(8)))

    def _wait_for_tasks(self, database_url: str, *, expected: int) -> None:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            rows = procs.pg_rows(
                database_url,
                "SELECT COUNT(*) FILTER (WHERE status IN ('SUCCESSFUL', 'FAILED')), COUNT(*) "
                "FROM django_tasks_database_dbtaskresult",
            )
            finished, total = rows[0]
            if total >= expected and finished == total:
                return
            time.sleep(0.5)
        self.fail(f"tasks not finished: {rows}")
