"""The audit log names accounts by id, however the user object reaches it (finding 1)."""

from __future__ import annotations

from importlib import import_module

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from minka.accounts.tests.factories import PASSWORD, UserFactory
from minka.core.models import AuditEntry
from minka.core.services import audit_record, audit_repr
from minka.core.tests.base import RoleTestCase


class LazyUserLabelTests(RoleTestCase):
    def test_a_lazy_user_is_named_by_id(self) -> None:
        """``request.user`` is a lazy wrapper: it is unwrapped before the redaction rule."""
        user = UserFactory.create(full_name="Nombre Que No Debe Aparecer")
        lazy = SimpleLazyObject(lambda: user)
        self.assertEqual(audit_repr(lazy), f"user {user.public_id}")  # type: ignore[arg-type]
        entry = audit_record(actor=lazy, action=AuditEntry.Action.MFA_CHANGE, target=lazy)  # type: ignore[arg-type]
        self.assertEqual(entry.target_repr, f"user {user.public_id}")
        self.assertEqual(entry.target_type, "accounts.user")
        self.assertEqual(entry.actor, user)

    def test_signals_from_allauth_views_name_the_user_by_id(self) -> None:
        """A password change through allauth's page (its signal passes ``request.user``)."""
        user = UserFactory.create(full_name="Persona Con Nombre", email="nombre@example.org")
        client = Client()
        client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        new = "una frase nueva, larga y segura"
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": new, "password2": new},
        )
        self.assertEqual(response.status_code, 302)
        labels = set(
            AuditEntry.objects.filter(target_id=str(user.pk)).values_list("target_repr", flat=True)
        )
        self.assertEqual(labels, {f"user {user.public_id}"})
        actions = set(
            AuditEntry.objects.filter(target_id=str(user.pk)).values_list("action", flat=True)
        )
        self.assertIn(AuditEntry.Action.PASSWORD_CHANGE, actions)


class RelabelMigrationTests(RoleTestCase):
    def test_existing_entries_that_name_a_user_are_relabelled_by_id(self) -> None:
        """accounts 0003 relabels old entries: by public id, or by row id for a user gone."""
        user = UserFactory.create(full_name="Nombre Antiguo", email="antiguo@example.org")
        named = audit_record(
            actor=user,
            action=AuditEntry.Action.PASSWORD_CHANGE,
            target=user,
            target_repr="Nombre Antiguo",
        )
        mailed = audit_record(
            actor=None,
            action=AuditEntry.Action.LOGIN,
            target=user,
            target_repr="antiguo@example.org",
        )
        gone = audit_record(actor=None, action=AuditEntry.Action.LOGIN, target_repr="Borrado")
        with connection.cursor() as cursor:  # an entry about a user deleted long ago
            cursor.execute(
                "UPDATE core_auditentry SET target_type = %s, target_id = %s WHERE id = %s",
                ["accounts.user", "999999", gone.pk],
            )
        state = MigrationExecutor(connection).loader.project_state(
            ("accounts", "0003_audit_labels_by_id")
        )
        migration = import_module("minka.accounts.migrations.0003_audit_labels_by_id")
        migration.relabel(state.apps, None)
        labels = dict(AuditEntry.objects.values_list("pk", "target_repr"))
        self.assertEqual(labels[named.pk], f"user {user.public_id}")
        self.assertEqual(labels[mailed.pk], f"user {user.public_id}")
        self.assertEqual(labels[gone.pk], "user 999999")
        self.assertFalse(
            [label for label in labels.values() if "antiguo" in label.lower() or "Borrado" in label]
        )
