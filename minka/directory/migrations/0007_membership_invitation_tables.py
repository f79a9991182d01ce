"""The moved models take the directory's table names, and their content types follow, so
that the admin's change log and the audit log's object types keep pointing at them."""

from django.db import migrations

MOVED = ("membership", "invitation")


def content_types_to_directory(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if ContentType.objects.filter(app_label="directory", model=model).exists():
            continue
        ContentType.objects.filter(app_label="accounts", model=model).update(app_label="directory")


def content_types_to_accounts(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="directory", model__in=MOVED).update(app_label="accounts")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_membership_invitation_to_directory"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0006_membership_invitation_from_accounts"),
    ]

    operations = [
        migrations.AlterModelTable(name="membership", table=None),
        migrations.AlterModelTable(name="invitation", table=None),
        migrations.RunPython(content_types_to_directory, content_types_to_accounts),
    ]
