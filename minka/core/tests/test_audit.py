from __future__ import annotations

from django.contrib import admin
from django.test import override_settings
from django.urls import reverse

from minka.core.models import AuditEntry, AuditLogError
from minka.core.services import audit_changes, audit_record
from minka.core.tests.admin_matrix import (
    CoordinatorRequest,
    MissingAdminRuleError,
    coordinator_rule,
    permissions_of,
)
from minka.core.tests.base import RoleTestCase
from minka.directory.models import Organization


class AuditLogTests(RoleTestCase):
    def test_entries_cannot_be_changed_or_deleted_through_the_orm(self) -> None:
        entry = audit_record(actor=self.admin, action=AuditEntry.Action.UPDATE, target=self.org_a)
        entry.action = AuditEntry.Action.DELETE
        with self.assertRaises(AuditLogError):
            entry.save()
        with self.assertRaises(AuditLogError):
            entry.delete()
        with self.assertRaises(AuditLogError):
            AuditEntry.objects.filter(pk=entry.pk).update(action="login")
        with self.assertRaises(AuditLogError):
            AuditEntry.objects.all().delete()
        self.assertEqual(AuditEntry.objects.get(pk=entry.pk).action, AuditEntry.Action.UPDATE)

    def test_admin_cannot_change_or_delete_entries(self) -> None:
        entry = audit_record(actor=self.admin, action=AuditEntry.Action.UPDATE)
        client = self.as_("admin")
        change = reverse("admin:core_auditentry_change", args=[entry.pk])
        self.assertEqual(client.post(change, {"action": "delete"}).status_code, 403)
        delete = reverse("admin:core_auditentry_delete", args=[entry.pk])
        self.assertEqual(client.post(delete, {"post": "yes"}).status_code, 403)
        self.assertTrue(AuditEntry.objects.filter(pk=entry.pk, action="update").exists())

    def test_secrets_never_reach_the_changes(self) -> None:
        changes = audit_changes({"password": "old", "name": "a"}, {"password": "new", "name": "b"})
        self.assertEqual(changes, {"name": ["a", "b"], "password": ["***", "***"]})

    def test_changes_made_in_the_admin_are_recorded(self) -> None:
        """Create, update and delete by an admin through the admin site each leave an entry."""
        client = self.as_("admin")
        client.post(
            reverse("admin:directory_organization_add"),
            {
                "name": "Nueva Org",
                "acronym": "NO",
                "slug": "nueva-org",
                "membership_status": "member",
                "sector": "academia",
                "region": "lima",
            },
        )
        organization = Organization.objects.get(slug="nueva-org")
        client.post(
            reverse("admin:directory_organization_change", args=[organization.pk]),
            {
                "name": "Nueva Org",
                "acronym": "NOR",
                "slug": "nueva-org",
                "membership_status": "member",
                "sector": "academia",
                "region": "lima",
            },
        )
        client.post(
            reverse("admin:directory_organization_delete", args=[organization.pk]), {"post": "yes"}
        )
        entries = AuditEntry.objects.filter(
            target_type="directory.organization", target_id=str(organization.pk)
        ).order_by("id")
        self.assertEqual(
            [e.action for e in entries],
            [AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE, AuditEntry.Action.DELETE],
        )
        self.assertEqual(entries[1].changes["acronym"], ["NO", "NOR"])
        self.assertTrue(all(e.actor == self.admin for e in entries))

    def test_third_party_admins_are_audited_too(self) -> None:
        """An email address changed in the admin (an allauth model) is recorded."""
        from allauth.account.models import EmailAddress

        address = EmailAddress.objects.get(user=self.reg)
        self.as_("admin").post(
            reverse("admin:account_emailaddress_change", args=[address.pk]),
            {"user": self.reg.pk, "email": address.email, "verified": "", "primary": "on"},
        )
        self.assertTrue(
            AuditEntry.objects.filter(
                target_type="account.emailaddress", action=AuditEntry.Action.UPDATE
            ).exists()
        )


@override_settings(LANGUAGE_CODE="en")
class AuditLogAdminTests(RoleTestCase):
    """The audit log is admins' only, in the admin as on /auditoria/ (review finding 2)."""

    def test_a_coordinator_gets_403_from_every_audit_log_url(self) -> None:
        entry = audit_record(actor=self.admin, action=AuditEntry.Action.LOGIN, target=self.admin)
        urls = [
            reverse("core:audit-list"),
            reverse("admin:core_auditentry_changelist"),
            reverse("admin:core_auditentry_change", args=[entry.pk]),
            reverse("admin:core_auditentry_history", args=[entry.pk]),
            reverse("admin:core_auditentry_delete", args=[entry.pk]),
            reverse("admin:core_auditentry_add"),
        ]
        client = self.as_("coord")
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(client.get(url).status_code, 403)
        # Nor is the audit log listed among the coordinator's admin apps.
        self.assertNotContains(client.get(reverse("admin:index")), "core/auditentry")
        self.assertEqual(client.get(reverse("admin:app_list", args=["core"])).status_code, 404)

    def test_an_admin_reads_the_log_in_the_admin(self) -> None:
        entry = audit_record(actor=self.admin, action=AuditEntry.Action.LOGIN, target=self.admin)
        client = self.as_("admin")
        self.assertEqual(client.get(reverse("admin:core_auditentry_changelist")).status_code, 200)
        change = reverse("admin:core_auditentry_change", args=[entry.pk])
        self.assertEqual(client.get(change).status_code, 200)


class AdminRulesTests(RoleTestCase):
    def test_every_model_in_the_admin_has_a_written_rule_for_coordinators(self) -> None:
        """Each registered ModelAdmin grants coordinators exactly what its rule says."""
        for model, model_admin in admin.site._registry.items():
            label = model._meta.label_lower
            with self.subTest(model=label):
                self.assertEqual(
                    permissions_of(model_admin, CoordinatorRequest()), coordinator_rule(label)
                )

    def test_a_model_without_a_rule_fails_the_matrix(self) -> None:
        with self.assertRaisesMessage(MissingAdminRuleError, "without a rule"):
            coordinator_rule("core.somethingnew")


class AuditListViewTests(RoleTestCase):
    url = reverse("core:audit-list")

    def test_only_admins_read_the_log(self) -> None:
        self.assertEqual(self.as_("anon").get(self.url).status_code, 302)
        for persona in ("reg", "mem_a", "mem_b", "coord"):
            with self.subTest(persona=persona):
                self.assertEqual(self.as_(persona).get(self.url).status_code, 403)
        self.assertEqual(self.as_("admin").get(self.url).status_code, 200)

    def test_filter_by_action_and_unknown_filters_are_ignored(self) -> None:
        audit_record(actor=self.admin, action=AuditEntry.Action.INVITE, target_repr="only-invite")
        audit_record(actor=self.admin, action=AuditEntry.Action.EXPORT, target_repr="only-export")
        client = self.as_("admin")
        filtered = client.get(self.url, {"action": "invite"})
        self.assertContains(filtered, "only-invite")
        self.assertNotContains(filtered, "only-export")
        unknown = client.get(self.url, {"action": "actor__password", "page": "x"})
        self.assertContains(unknown, "only-export")

    def test_fixed_number_of_queries(self) -> None:
        client = self.as_("admin")
        client.get(self.url)
        for index in range(3):
            audit_record(actor=self.coord, action="update", target_repr=f"e{index}")
        with self.assertNumQueries(5):
            client.get(self.url)
        for index in range(30):
            audit_record(actor=self.mem_a, action="update", target_repr=f"f{index}")
        with self.assertNumQueries(5):
            response = client.get(self.url)
        self.assertContains(response, "f29")
