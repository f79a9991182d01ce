"""Background work of the repository: text, page count and preview of each version."""

from __future__ import annotations

from django_tasks import TaskContext, task


@task(takes_context=True)
def process_version(context: TaskContext, version_id: int) -> None:
    """Extract one version's text, page count and preview, in a child process with limits.

    A bad file fails alone (its version is marked failed with the reason); the task itself
    never raises for one, so the queue goes on. A task run again because its worker died
    (``minka db_worker`` queues it again) takes over the version it left "processing".
    """
    from minka.documents import services

    services.version_process(version_id=version_id, resumed=context.attempt > 1)
