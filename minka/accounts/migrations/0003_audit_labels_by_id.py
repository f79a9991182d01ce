"""Name accounts by id in the audit log's existing entries.

Entries written from allauth's signals received ``request.user``, a lazy wrapper, whose class
did not carry the redaction rule: they were labelled with the user's name or email. Every
entry about a user, an invitation or a membership is relabelled as the audit log names them
now: ``<model> <public id>`` (or the row id when the object is gone).
"""

from django.db import migrations


def relabel(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    for model_name in ("user", "invitation", "membership"):
        model = apps.get_model("accounts", model_name)
        has_public_id = any(f.name == "public_id" for f in model._meta.get_fields())
        entries = AuditEntry.objects.filter(target_type=f"accounts.{model_name}")
        ids = set(entries.values_list("target_id", flat=True))
        public = {}
        if has_public_id:
            numeric = [int(i) for i in ids if i.isdigit()]
            for start in range(0, len(numeric), 500):
                rows = model.objects.filter(pk__in=numeric[start : start + 500])
                public.update(
                    {str(pk): str(uid) for pk, uid in rows.values_list("pk", "public_id")}
                )
        for target_id in ids:
            label = f"{model_name} {public.get(target_id, target_id)}"
            entries.filter(target_id=target_id).exclude(target_repr=label).update(target_repr=label)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_invitation_person"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(relabel, migrations.RunPython.noop)]
