"""Memberships and invitations now belong to the directory (``directory/0006``): forget them
here, in the state only; their tables and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_audit_labels_by_id"),
        ("directory", "0006_membership_invitation_from_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="Invitation"),
            ]
        ),
    ]
