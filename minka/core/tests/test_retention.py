"""``minka purge``: finished task results and the address kept for a last answer go after
their retention; queued and running tasks are never touched."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from minka.core.retention import purge
from minka.core.tests.base import RoleTestCase
from minka.directory import services as directory_services
from minka.directory.models import DataRequest


def task(status: str, finished_days_ago: int | None) -> DBTaskResult[..., Any]:
    finished = (
        timezone.now() - timedelta(days=finished_days_ago)
        if finished_days_ago is not None
        else None
    )
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="minka.core.tasks.send_email",
        backend_name="default",
        run_after=timezone.now(),
        status=status,
        finished_at=finished,
    )


@override_settings(TASK_RETENTION_DAYS=7, TASK_FAILED_RETENTION_DAYS=30)
class PurgeTests(RoleTestCase):
    def test_finished_results_go_after_their_retention(self) -> None:
        kept = [
            task(TaskResultStatus.SUCCESSFUL, 6),
            task(TaskResultStatus.FAILED, 29),
            task(TaskResultStatus.READY, None),
            task(TaskResultStatus.RUNNING, None),
        ]
        task(TaskResultStatus.SUCCESSFUL, 8)
        task(TaskResultStatus.FAILED, 31)
        counts = purge()
        self.assertEqual(counts["task results (succeeded)"], 1)
        self.assertEqual(counts["task results (failed)"], 1)
        self.assertEqual(
            set(DBTaskResult.objects.values_list("pk", flat=True)), {t.pk for t in kept}
        )

    def test_an_address_kept_for_an_answer_never_sent_is_forgotten(self) -> None:
        person = directory_services.person_for_user(user=self.mem_b)
        data_request = directory_services.data_request_create(
            actor=self.mem_b, person=person, kind=DataRequest.Kind.ACCESS
        )
        DataRequest.objects.filter(pk=data_request.pk).update(
            reply_to="kept@example.org", closed_at=timezone.now() - timedelta(days=31)
        )
        fresh = directory_services.data_request_create(
            actor=self.mem_b, person=person, kind=DataRequest.Kind.OPPOSITION
        )
        DataRequest.objects.filter(pk=fresh.pk).update(
            reply_to="fresh@example.org", closed_at=timezone.now() - timedelta(days=1)
        )
        out = StringIO()
        call_command("purge", stdout=out)
        self.assertIn("addresses kept for a last answer: 1", out.getvalue())
        self.assertEqual(DataRequest.objects.get(pk=data_request.pk).reply_to, "")
        self.assertEqual(DataRequest.objects.get(pk=fresh.pk).reply_to, "fresh@example.org")
