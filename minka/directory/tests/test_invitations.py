"""Invitations: sent by email with a link made by the worker, accepted once, withdrawn."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from minka.accounts.models import User
from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.directory import services
from minka.directory.models import Invitation, Membership, hash_token


@override_settings(LANGUAGE_CODE="en")
class InvitationCreateTests(RoleTestCase):
    def test_coordinator_invites_and_the_email_carries_a_single_link(self) -> None:
        """The email goes to the address, with a link under BASE_URL; only a hash is stored.

        The email leaves after the transaction commits, never before.
        """
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            invitation = services.invitation_create(
                actor=self.coord, email="Nueva@Example.org", organization=self.org_a
            )
            self.assertEqual(mail.outbox, [])
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(invitation.email, "nueva@example.org")
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["nueva@example.org"])
        found = re.search(r"http://127\.0\.0\.1:8000/invitacion/([\w-]+)/", str(message.body))
        assert found is not None
        token = found.group(1)
        invitation.refresh_from_db()
        self.assertEqual(invitation.token_hash, hash_token(token))
        self.assertNotIn(token, str(Invitation.objects.values_list().get(pk=invitation.pk)))
        self.assertIn(self.org_a.name, message.subject)
        self.assertNotIn("\n", message.subject)

    def test_invitation_is_valid_fourteen_days(self) -> None:
        before = timezone.now()
        invitation = services.invitation_create(
            actor=self.coord, email="x@example.org", organization=self.org_a
        )
        self.assertAlmostEqual(
            (invitation.expires_at - before).total_seconds(), 14 * 86400, delta=60
        )

    @override_settings(BASE_URL="https://minka.example.org")
    def test_link_comes_from_the_base_url_not_the_request(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            services.invitation_create(
                actor=self.coord, email="y@example.org", organization=self.org_a
            )
        self.assertIn("https://minka.example.org/invitacion/", mail.outbox[0].body)

    def test_member_cannot_invite(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.invitation_create(
                actor=self.mem_a, email="z@example.org", organization=self.org_a
            )
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_second_pending_invitation_for_the_same_address_is_refused(self) -> None:
        services.invitation_create(actor=self.coord, email="d@example.org", organization=self.org_a)
        with self.assertRaisesMessage(ValidationError, "already a pending invitation"):
            services.invitation_create(
                actor=self.coord, email="D@example.org", organization=self.org_a
            )
        self.assertEqual(Invitation.objects.count(), 1)

    def test_inviting_someone_who_already_represents_the_organization_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "already represents"):
            services.invitation_create(
                actor=self.coord, email=self.mem_a.email, organization=self.org_a
            )

    def test_invitation_is_audited(self) -> None:
        invitation = services.invitation_create(
            actor=self.coord, email="a@example.org", organization=self.org_a
        )
        entry = AuditEntry.objects.get(action=AuditEntry.Action.INVITE)
        self.assertEqual(entry.actor, self.coord)
        self.assertEqual(entry.target_id, str(invitation.pk))


@override_settings(LANGUAGE_CODE="en")
class InvitationAcceptTests(RoleTestCase):
    def _invite(self, email: str) -> Invitation:
        invitation = services.invitation_create(
            actor=self.coord, email=email, organization=self.org_a
        )
        return invitation

    def test_accepting_adds_the_membership_and_raises_the_role(self) -> None:
        invitation = self._invite(self.reg.email)
        membership = services.invitation_accept(invitation=invitation, user=self.reg)
        self.reg.refresh_from_db()
        self.assertEqual(self.reg.role, User.Role.MEMBER)
        self.assertEqual(self.reg.role_granted_by, self.coord)
        self.assertEqual(membership.organization, self.org_a)
        invitation.refresh_from_db()
        self.assertEqual(invitation.status, Invitation.Status.ACCEPTED)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.ROLE_CHANGE, target_id=str(self.reg.pk)
            ).exists()
        )

    def test_accepting_never_lowers_a_coordinator(self) -> None:
        invitation = self._invite(self.coord.email)
        services.invitation_accept(invitation=invitation, user=self.coord)
        self.coord.refresh_from_db()
        self.assertEqual(self.coord.role, User.Role.COORDINATOR)

    def test_a_link_works_once(self) -> None:
        invitation = self._invite(self.reg.email)
        services.invitation_accept(invitation=invitation, user=self.reg)
        with self.assertRaisesMessage(ValidationError, "already been used"):
            services.invitation_accept(invitation=invitation, user=self.reg)
        self.assertEqual(Membership.objects.filter(user=self.reg).count(), 1)

    def test_an_expired_link_is_refused(self) -> None:
        invitation = self._invite(self.reg.email)
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        with self.assertRaisesMessage(ValidationError, "expired"):
            services.invitation_accept(invitation=invitation, user=self.reg)
        self.assertFalse(Membership.objects.filter(user=self.reg).exists())

    def test_a_withdrawn_link_is_refused(self) -> None:
        invitation = self._invite(self.reg.email)
        services.invitation_revoke(actor=self.coord, invitation=invitation)
        with self.assertRaisesMessage(ValidationError, "withdrawn"):
            services.invitation_accept(invitation=invitation, user=self.reg)

    def test_someone_else_cannot_use_the_link(self) -> None:
        """The link proves the invited mailbox only: another account is refused."""
        invitation = self._invite("someone@example.org")
        with self.assertRaisesMessage(ValidationError, "another email address"):
            services.invitation_accept(invitation=invitation, user=self.reg)
        self.reg.refresh_from_db()
        self.assertEqual(self.reg.role, User.Role.REGISTERED)

    def test_only_coordinators_withdraw_and_only_pending_ones(self) -> None:
        invitation = self._invite("w@example.org")
        with self.assertRaises(PermissionDenied):
            services.invitation_revoke(actor=self.mem_a, invitation=invitation)
        services.invitation_revoke(actor=self.coord, invitation=invitation)
        with self.assertRaisesMessage(ValidationError, "Only a pending invitation"):
            services.invitation_revoke(actor=self.coord, invitation=invitation)
