"""``minka db_worker``: django-tasks-db's worker, with each task run in a child process.

This command takes the place of ``django_tasks_db``'s own ``db_worker`` (``minka.core``
comes first in ``INSTALLED_APPS``) and accepts the same options. Two things differ:

* **Memory.** The worker claims a task, then forks; the child runs it and exits. The heavy
  work of a task (WeasyPrint laying out the minutes, reading an extraction's result,
  building previews) grows the child, which exits, never the long-lived worker: it stays at
  the size of a freshly started Minka process (``bench/worker_memory.py`` measures both).
  The price is a fork per task (milliseconds) and, for PDFs, loading WeasyPrint in each
  child (about a second). ``--max-tasks`` still recycles the whole worker.
* **Crashes.** A task whose process dies (``kill -9``, the kernel's OOM killer, a second
  Ctrl+C) is put back in the queue, up to :data:`MAX_ATTEMPTS` runs in all, then failed
  (a task that always crashes must not block the queue for ever):
  by this worker when its child dies, and, when the worker itself died, by the next worker
  that starts on the same machine. Worker ids name the machine, the process id and its start
  time, so a task held by a live worker is never taken from it. Tasks are therefore run at
  least once: a stored PDF is not rendered again, an interrupted extraction is taken over
  (``resumed``), but a ``send_email`` killed between sending and recording it sends again.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker as base
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("django_tasks_db")

# Runs of one task (the first included) before a task whose process keeps dying is failed.
MAX_ATTEMPTS = 5
INTERRUPTED = "minka.core.tasks.TaskInterrupted"


def _start_time(pid: int) -> str | None:
    """The start time of process ``pid`` (clock ticks since boot), or ``None`` if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may contain spaces.
    return stat.rsplit(")", 1)[1].split()[19]


def worker_id() -> str:
    """``host:pid:start``, unique on the machine and checkable for life (≤ 64 characters)."""
    pid = os.getpid()
    return f"{socket.gethostname()[:40]}:{pid}:{_start_time(pid) or 0}"


def worker_alive(identifier: str) -> bool | None:
    """Whether the worker ``identifier`` still runs; ``None`` if it ran on another machine
    or is not one of ours (then nobody here may judge it)."""
    parts = identifier.rsplit(":", 2)
    if len(parts) != 3:
        return None
    host, pid_text, start = parts
    if host != socket.gethostname()[:40] or not pid_text.isdigit():
        return None
    return _start_time(int(pid_text)) == start


def requeue(task_result: DBTaskResult[Any, Any], reason: str) -> str:
    """Put a task whose process died back in the queue, or fail it after MAX_ATTEMPTS runs.
    Returns the new status."""
    if len(task_result.worker_ids) >= MAX_ATTEMPTS:
        task_result.status = TaskResultStatus.FAILED
        task_result.finished_at = timezone.now()
        task_result.exception_class_path = INTERRUPTED
        task_result.traceback = f"{reason} ({len(task_result.worker_ids)} runs; given up)"
        task_result.save(
            update_fields=["status", "finished_at", "exception_class_path", "traceback"]
        )
    else:
        task_result.status = TaskResultStatus.READY
        task_result.started_at = None
        task_result.save(update_fields=["status", "started_at"])
    logger.warning("Task id=%s interrupted (%s): %s", task_result.id, reason, task_result.status)
    return str(task_result.status)


def recover_interrupted() -> int:
    """Requeue the running tasks of workers of this machine that are no longer alive."""
    recovered = 0
    with transaction.atomic():
        for task_result in DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING
        ).select_for_update(skip_locked=True):
            holder = task_result.worker_ids[-1] if task_result.worker_ids else ""
            if worker_alive(holder) is False:
                requeue(task_result, f"worker {holder} died")
                recovered += 1
    return recovered


def _die_with_parent() -> None:
    """In the child: be killed when the worker dies, even by SIGKILL (Linux)."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class ForkingWorker(base.Worker):
    """The django-tasks-db worker loop; :meth:`run_task` runs in a forked child."""

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        # The child must not share the parent's database connections: close them first
        # (the parent reconnects on its next query; the child opens its own).
        connections.close_all()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; its effects are checked by the tests
            code = 1
            try:
                _die_with_parent()
                if os.getppid() != parent:  # the worker died before the line above
                    os._exit(code)
                super().run_task(db_task_result)
                connections.close_all()
                code = 0
            finally:
                os._exit(code)
        self.running_task = True
        try:
            _pid, status = os.waitpid(pid, 0)
        finally:
            self.running_task = False
            self._run_tasks += 1
        if os.waitstatus_to_exitcode(status) == 0:
            return
        close_old_connections()
        task_result = DBTaskResult.objects.filter(
            pk=db_task_result.pk, status=TaskResultStatus.RUNNING
        ).first()
        if task_result is not None:
            code = os.waitstatus_to_exitcode(status)
            reason = f"signal {-code}" if code < 0 else f"exit status {code}"
            requeue(task_result, f"task process ended by {reason}")


class Command(base.Command):
    help = (
        "Run the database task worker; each task runs in a child process (the worker keeps "
        "its size), and tasks of workers that died are queued again."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-fork",
            action="store_true",
            help="Run each task in the worker process itself, as django-tasks-db does (tests "
            "that run the worker inside their own transaction need this).",
        )
        parser.set_defaults(worker_id=None, reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        if options.get("reload"):
            logger.warning("--reload is not supported by Minka's worker; ignored.")
        if not hasattr(os, "fork"):  # pragma: no cover - Windows
            options["reload"] = False
            super().handle(*args, **options)
            return
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        recovered = recover_interrupted()
        if recovered:
            logger.warning("Queued %d interrupted task(s) again.", recovered)
        worker_class = base.Worker if options["no_fork"] else ForkingWorker
        worker = worker_class(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or worker_id(),
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
