"""Services of membership applications: the state checks, retention, erasure, the
coordinators' notification, and 50 simultaneous approvals (PostgreSQL)."""

from __future__ import annotations

import threading
import unittest
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.test import TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.core import retention
from minka.core.tests.base import RoleTestCase
from minka.directory import services as directory_services
from minka.directory.models import Invitation, Organization
from minka.notifications.kinds import RenderContext, kind_get
from minka.participation.applications import services
from minka.participation.applications.models import MembershipApplication
from minka.participation.applications.tests.factories import (
    MembershipApplicationFactory,
    verified,
)

Status = MembershipApplication.Status


class StateTests(RoleTestCase):
    def test_verification_happens_once_and_only_within_48_hours(self) -> None:
        application = MembershipApplicationFactory.create()
        services.application_verification_issue(application=application)
        MembershipApplication.objects.filter(pk=application.pk).update(
            verification_sent_at=timezone.now() - timedelta(hours=48, seconds=1)
        )
        with self.assertRaises(ValidationError) as expired:
            services.application_verify(application=application)
        self.assertEqual(expired.exception.code, "expired")
        services.application_verification_issue(application=application)
        services.application_verify(application=application)
        with self.assertRaises(ValidationError) as used:
            services.application_verify(application=application)
        self.assertEqual(used.exception.code, "used")

    def test_only_coordinators_may_decide(self) -> None:
        from django.core.exceptions import PermissionDenied

        application = verified()
        for user in (self.reg, self.mem_a):
            with self.assertRaises(PermissionDenied):
                services.application_approve(actor=user, application=application)
            with self.assertRaises(PermissionDenied):
                services.application_reject(actor=user, application=application, message="No")
        application.refresh_from_db()
        self.assertEqual(application.status, Status.SUBMITTED)

    def test_the_notification_is_for_coordinators_only_and_says_nothing_once_decided(self) -> None:
        application = verified(organization_name="Comunidad técnica")
        kind = kind_get(services.SUBMITTED_KIND)
        params = {"application": application.pk}
        notice = kind.render(params, RenderContext(user=self.coord, channel="email"))
        assert notice is not None
        self.assertIn("Comunidad técnica", notice.subject)
        self.assertIn(application.get_absolute_url(), notice.url)
        for user in (self.reg, self.mem_a, None):
            self.assertIsNone(kind.render(params, RenderContext(user=user, channel="email")))
        self.assertIsNone(
            kind.render(params, RenderContext(user=None, channel="telegram", public=True))
        )
        services.application_reject(actor=self.coord, application=application, message="No")
        self.assertIsNone(kind.render(params, RenderContext(user=self.coord, channel="email")))
        self.assertFalse(kind.announce)


@override_settings(APPLICATION_UNVERIFIED_DAYS=7, APPLICATION_REJECTED_DAYS=183)
class RetentionTests(TestCase):
    def test_unverified_after_7_days_and_rejected_after_6_months_are_purged(self) -> None:
        now = timezone.now()
        old_unverified = MembershipApplicationFactory.create()
        new_unverified = MembershipApplicationFactory.create()
        MembershipApplication.objects.filter(pk=old_unverified.pk).update(
            created_at=now - timedelta(days=8)
        )
        old_rejected = verified(status=Status.REJECTED, reviewed_at=now - timedelta(days=184))
        new_rejected = verified(status=Status.REJECTED, reviewed_at=now - timedelta(days=10))
        submitted = verified()
        approved = verified(status=Status.APPROVED, reviewed_at=now - timedelta(days=900))
        MembershipApplication.objects.filter(pk=submitted.pk).update(
            created_at=now - timedelta(days=400)
        )
        counts = retention.purge(now)
        self.assertEqual(counts["membership applications (unverified)"], 1)
        self.assertEqual(counts["membership applications (rejected)"], 1)
        self.assertEqual(
            set(MembershipApplication.objects.values_list("pk", flat=True)),
            {new_unverified.pk, new_rejected.pk, submitted.pk, approved.pk},
        )
        self.assertFalse(
            MembershipApplication.objects.filter(pk__in=[old_unverified.pk, old_rejected.pk])
        )


class ErasureTests(RoleTestCase):
    def test_erasing_a_person_deletes_the_applications_sent_from_their_addresses(self) -> None:
        person = directory_services.person_for_user(user=self.mem_a)
        mine = verified(email=self.mem_a.email)
        other = verified(email="otra@example.org")
        directory_services.person_anonymize(actor=self.admin, person=person)
        self.assertFalse(MembershipApplication.objects.filter(pk=mine.pk).exists())
        self.assertTrue(MembershipApplication.objects.filter(pk=other.pk).exists())

    def test_a_merged_organization_keeps_its_applications(self) -> None:
        application = verified(status=Status.APPROVED, organization=self.org_b)
        directory_services.organization_merge(
            actor=self.coord, keep=self.org_a, duplicate=self.org_b
        )
        application.refresh_from_db()
        self.assertEqual(application.organization, self.org_a)


@unittest.skipUnless(connection.vendor == "postgresql", "row locks: the PostgreSQL stage")
class ConcurrentApprovalTests(TransactionTestCase):
    """50 approvals of the same application at the same moment: one organization, one
    invitation; the others are refused cleanly (no error but the state check)."""

    def test_fifty_simultaneous_approvals_create_one_organization_and_one_invitation(self) -> None:
        coordinator = UserFactory.create(role=User.Role.COORDINATOR)
        application = verified(organization_name="Comunidad concurrente")
        count = 50
        barrier = threading.Barrier(count)
        outcomes: list[str] = []
        errors: list[BaseException] = []

        def approve() -> None:
            try:
                barrier.wait(timeout=20)
                services.application_approve(actor=coordinator, application=application)
                outcomes.append("approved")
            except ValidationError as refused:
                outcomes.append(str(refused.code))
            except BaseException as error:
                errors.append(error)
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=approve) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(errors, [])
        self.assertEqual(outcomes.count("approved"), 1)
        self.assertEqual(outcomes.count("decided"), count - 1)
        self.assertEqual(Organization.objects.filter(name="Comunidad concurrente").count(), 1)
        self.assertEqual(Invitation.objects.count(), 1)
        print(f"applications: {count} simultaneous approvals -> 1 organization, 1 invitation")  # noqa: T201


class DemoTests(RoleTestCase):
    def test_the_demo_adds_one_waiting_and_one_rejected_application_once(self) -> None:
        from minka.participation.applications import demo

        self.assertEqual(demo.load(coordinator=self.coord), 2)
        self.assertEqual(demo.load(coordinator=self.coord), 0)
        self.assertEqual(
            sorted(MembershipApplication.objects.values_list("status", flat=True)),
            [Status.REJECTED, Status.SUBMITTED],
        )
        response = self.as_("coord").get(
            MembershipApplication.objects.get(organization_name=demo.WAITING).get_absolute_url()
        )
        self.assertContains(response, "Rosa Quispe Mamani")
