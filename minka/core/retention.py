"""The retention schedule (SECURITY.md R13), applied by ``minka purge`` (run it daily).

Core purges the task queue's finished results; each app registers what it keeps for a
limited time (:func:`register_purger`), e.g. the directory's address kept to send the answer
to a cancellation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

# A purger deletes what has outlived its retention at ``now`` and returns counts by label.
Purger = Callable[[datetime], dict[str, int]]
_purgers: list[Purger] = []


def register_purger(purger: Purger) -> Purger:
    """Register ``purger`` once (usable as a decorator)."""
    if purger not in _purgers:
        _purgers.append(purger)
    return purger


def task_results_purge(now: datetime) -> dict[str, int]:
    """Delete finished task results: succeeded after ``TASK_RETENTION_DAYS``, failed after
    ``TASK_FAILED_RETENTION_DAYS`` (days counted from when they finished). Queued and running
    tasks are never touched."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    done = now - timedelta(days=settings.TASK_RETENTION_DAYS)
    failed = now - timedelta(days=settings.TASK_FAILED_RETENTION_DAYS)
    succeeded, _ = DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=done
    ).delete()
    failures, _ = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, finished_at__lt=failed
    ).delete()
    return {"task results (succeeded)": succeeded, "task results (failed)": failures}


register_purger(task_results_purge)


@transaction.atomic
def purge(now: datetime | None = None) -> dict[str, int]:
    """Run every registered purger; return what each deleted or cleared."""
    moment = now or timezone.now()
    counts: dict[str, int] = {}
    for purger in list(_purgers):
        counts.update(purger(moment))
    return counts
