"""Tasks for the worker tests (importable by a worker process; never queued in production)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from django_tasks import task


@task()
def record_run(path: str, grow_mb: int = 0) -> int:
    """Append this process's id to ``path``; hold ``grow_mb`` MB meanwhile (as WeasyPrint does,
    it is not given back to the system); return the process id."""
    ballast = [bytearray(1024 * 1024) for _ in range(grow_mb)]
    with Path(path).open("a") as runs:
        runs.write(f"{os.getpid()}\n")
    _kept.append(ballast)
    return os.getpid()


_kept: list[object] = []


@task()
def die(path: str) -> None:
    """Record the run, then die as the OOM killer would kill it."""
    with Path(path).open("a") as runs:
        runs.write(f"{os.getpid()}\n")
    os.kill(os.getpid(), signal.SIGKILL)
