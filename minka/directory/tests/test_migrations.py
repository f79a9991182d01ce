"""Moving memberships and invitations from accounts to the directory keeps every row
(directory 0006-0007, accounts 0004), on a populated database, on either engine."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.utils import timezone

BEFORE = [("accounts", "0003_audit_labels_by_id"), ("directory", "0005_datarequest_reply_to")]


class MoveToDirectoryMigrationTests(TransactionTestCase):
    def _migrate(self, targets: list[tuple[str, str]]) -> MigrationExecutor:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return MigrationExecutor(connection)

    def test_memberships_and_invitations_keep_their_rows_and_content_types(self) -> None:
        executor = self._migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        user = old.get_model("accounts", "User").objects.create(
            email="moved@example.org", password="!", role="member"
        )
        organization = old.get_model("directory", "Organization").objects.create(
            name="Organización movida", slug="movida", sector="civil_society"
        )
        membership = old.get_model("accounts", "Membership").objects.create(
            user=user, organization=organization, title="Representante"
        )
        invitation = old.get_model("accounts", "Invitation").objects.create(
            email="invited@example.org",
            organization=organization,
            token_hash="a" * 64,
            expires_at=timezone.now() + timedelta(days=3),
        )
        content_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="accounts", model="membership"
        )[0]

        leaves = executor.loader.graph.leaf_nodes()
        new = self._migrate(leaves).loader.project_state(leaves).apps

        moved = new.get_model("directory", "Membership").objects.get(pk=membership.pk)
        self.assertEqual((moved.user_id, moved.organization_id), (user.pk, organization.pk))
        self.assertEqual(moved.title, "Representante")
        kept = new.get_model("directory", "Invitation").objects.get(pk=invitation.pk)
        self.assertEqual(
            (kept.email, kept.public_id), ("invited@example.org", invitation.public_id)
        )
        tables = connection.introspection.table_names()
        self.assertIn("directory_membership", tables)
        self.assertNotIn("accounts_membership", tables)
        types = new.get_model("contenttypes", "ContentType").objects
        self.assertEqual(types.get(pk=content_type.pk).app_label, "directory")
