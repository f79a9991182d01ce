"""Remove the queued and finished email tasks of the old format.

Until now an email task carried the rendered message (addresses, and links with their
tokens) in its arguments, kept in the task table after it ran. Emails are now queued as a
kind and ids and rendered by the worker; the old rows are deleted. Drain the queue
(``minka db_worker --batch``) before upgrading so that no queued email is lost.
"""

from django.db import migrations

OLD_TASKS = ("minka.core.tasks.send_email", "minka.meetings.tasks.send_calendar_email")


def forget(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    stale = []
    for pk, args_kwargs in DBTaskResult.objects.filter(task_path__in=OLD_TASKS).values_list(
        "pk", "args_kwargs"
    ):
        kwargs = (args_kwargs or {}).get("kwargs") or {}
        if "to" in kwargs or "text" in kwargs:
            stale.append(pk)
    for start in range(0, len(stale), 500):
        DBTaskResult.objects.filter(pk__in=stale[start : start + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
