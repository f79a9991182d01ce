"""``minka db_worker``: each task in a child process (the worker keeps its size) and tasks of
workers that died queued again (issue 20; fault test FW in ``bench/faults.py``)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import TestCase, TransactionTestCase
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from minka.core.management.commands import db_worker

ENQUEUE = textwrap.dedent(
    """
    import os, sys, django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
    django.setup()
    from minka.core.tests import worker_tasks
    runs, grow, count, dying = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    for _ in range(count):
        worker_tasks.record_run.enqueue(runs, grow)
    if dying == "1":
        worker_tasks.die.enqueue(runs)
    """
)


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _result(worker_ids: list[str]) -> DBTaskResult[Any, Any]:
    return DBTaskResult.objects.create(
        task_path="minka.core.tests.worker_tasks.record_run",
        args_kwargs={"args": ["/nonexistent"], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        priority=0,
        status=TaskResultStatus.RUNNING,
        worker_ids=worker_ids,
    )


class WorkerIdTests(TestCase):
    def test_a_worker_id_names_the_host_the_process_and_its_start(self) -> None:
        identifier = db_worker.worker_id()
        host, pid, start = identifier.rsplit(":", 2)
        self.assertEqual(host, socket.gethostname()[:40])
        self.assertEqual(int(pid), os.getpid())
        self.assertTrue(start.isdigit())
        self.assertLessEqual(len(identifier), 64)
        self.assertIs(db_worker.worker_alive(identifier), True)

    def test_a_dead_process_or_a_reused_pid_is_not_alive(self) -> None:
        host = socket.gethostname()[:40]
        self.assertIs(db_worker.worker_alive(f"{host}:{_dead_pid()}:123"), False)
        self.assertIs(db_worker.worker_alive(f"{host}:{os.getpid()}:1"), False)  # other start

    def test_workers_of_other_machines_and_foreign_ids_are_not_judged(self) -> None:
        self.assertIsNone(db_worker.worker_alive(f"elsewhere:{os.getpid()}:1"))
        self.assertIsNone(db_worker.worker_alive("Xk2mRandomDjangoTasksId"))


class RecoveryTests(TestCase):
    def test_tasks_of_dead_workers_are_queued_again_and_live_ones_kept(self) -> None:
        host = socket.gethostname()[:40]
        dead = _result([f"{host}:{_dead_pid()}:5"])
        alive = _result([db_worker.worker_id()])
        foreign = _result(["another-host:1:1"])
        self.assertEqual(db_worker.recover_interrupted(), 1)
        for result in (dead, alive, foreign):
            result.refresh_from_db()
        self.assertEqual(dead.status, TaskResultStatus.READY)
        self.assertIsNone(dead.started_at)
        self.assertEqual(alive.status, TaskResultStatus.RUNNING)
        self.assertEqual(foreign.status, TaskResultStatus.RUNNING)

    def test_a_task_that_keeps_dying_is_failed_after_max_attempts(self) -> None:
        host = socket.gethostname()[:40]
        result = _result([f"{host}:{_dead_pid()}:5"] * db_worker.MAX_ATTEMPTS)
        db_worker.recover_interrupted()
        result.refresh_from_db()
        self.assertEqual(result.status, TaskResultStatus.FAILED)
        self.assertEqual(result.exception_class_path, db_worker.INTERRUPTED)
        self.assertIsNotNone(result.finished_at)


@pytest.mark.slow
class ForkingWorkerTests(TransactionTestCase):
    """The real command in a process of its own, on a copy of the test database (SQLite) or
    a database of its own (PostgreSQL)."""

    def _run(self, *, grow: int, count: int, dying: bool) -> tuple[Path, str, list[str]]:
        folder = Path(tempfile.mkdtemp(prefix="minka-worker-"))
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", str(folder)], check=False))  # noqa: S603, S607
        if connection.vendor != "sqlite":
            self.skipTest("runs on a copy of the SQLite test database")
        database = folder / "minka.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(database)])
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("MINKA_", "DJANGO_", "PYTEST_"))
        }
        env.update(
            MINKA_TESTING="1",
            MINKA_TASKS_BACKEND="database",
            MINKA_DATA_DIR=str(folder),
            DATABASE_URL=f"sqlite:///{database}",
        )
        runs = folder / "runs"
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", ENQUEUE, str(runs), str(grow), str(count),
             "1" if dying else "0"],
            env=env, check=True, timeout=120, cwd=folder,
        )  # fmt: skip
        worker = subprocess.run(
            [sys.executable, "-m", "minka", "db_worker", "--batch", "--interval", "0",
             "--no-startup-delay"],
            env=env, check=True, timeout=180, cwd=folder, capture_output=True, text=True,
        )  # fmt: skip
        return database, worker.stdout + worker.stderr, runs.read_text().split()

    def _statuses(self, database: Path) -> list[tuple[str, str, str]]:
        with sqlite3.connect(database) as db:
            return list(
                db.execute(
                    "SELECT task_path, status, worker_ids FROM django_tasks_database_dbtaskresult"
                )
            )

    def test_each_task_runs_once_in_a_child_that_takes_its_memory_along(self) -> None:
        database, log, runs = self._run(grow=40, count=4, dying=False)
        rows = self._statuses(database)
        self.assertEqual([status for _p, status, _w in rows], ["SUCCESSFUL"] * 4, log)
        self.assertEqual(len(runs), 4)
        self.assertEqual(len(set(runs)), 4, "each task in a process of its own")
        worker_pids = {w.split(":")[-2] for _p, _s, ids in rows for w in json.loads(ids)}
        self.assertEqual(len(worker_pids), 1)
        self.assertNotIn(worker_pids.pop(), runs, "no task ran in the worker itself")

    def test_a_task_whose_process_dies_is_retried_then_failed_and_the_rest_run(self) -> None:
        database, log, runs = self._run(grow=0, count=2, dying=True)
        rows = {
            path.rsplit(".", 1)[1]: (status, ids) for path, status, ids in self._statuses(database)
        }
        status, ids = rows["die"]
        self.assertEqual(status, "FAILED", log)
        self.assertEqual(len(json.loads(ids)), db_worker.MAX_ATTEMPTS)
        self.assertEqual(rows["record_run"][0], "SUCCESSFUL")
        self.assertEqual(len(runs), 2 + db_worker.MAX_ATTEMPTS)
        self.assertIn("interrupted", log)
