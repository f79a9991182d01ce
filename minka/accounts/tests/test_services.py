from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from minka.accounts import services
from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase


@override_settings(LANGUAGE_CODE="en")
class UserSetRoleTests(RoleTestCase):
    def test_only_admins_change_roles_and_the_change_is_recorded(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.user_set_role(actor=self.coord, user=self.reg, role=User.Role.ADMIN)
        services.user_set_role(actor=self.admin, user=self.reg, role=User.Role.COORDINATOR)
        self.reg.refresh_from_db()
        self.assertEqual(self.reg.role, User.Role.COORDINATOR)
        self.assertIs(self.reg.is_staff, True)
        self.assertIs(self.reg.is_superuser, False)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.ROLE_CHANGE)
        self.assertEqual(entry.changes, {"role": ["registered", "coordinator"]})

    def test_unknown_role_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "Unknown role"):
            services.user_set_role(actor=self.admin, user=self.reg, role="superhero")


@override_settings(LANGUAGE_CODE="en")
class UserModelTests(RoleTestCase):
    def test_email_is_case_insensitive_and_unique(self) -> None:
        from django.db import IntegrityError, transaction

        with self.assertRaises(IntegrityError), transaction.atomic():
            UserFactory.create(email="REG@example.org")

    def test_staff_flags_follow_the_role(self) -> None:
        self.assertIs(self.admin.is_superuser, True)
        self.assertIs(self.coord.is_staff, True)
        self.assertIs(self.mem_a.is_staff, False)
