"""The invitation to join stays a transactional email (``core.emails``), not an outbox kind:
it goes to an address without an account, which has no preferences to honour, no Telegram and
nothing to unsubscribe from, and its link's token is made as it is rendered."""

from __future__ import annotations

from django.core import mail

from minka.core.tests.base import RoleTestCase
from minka.directory import services
from minka.notifications.kinds import kind_get, kinds
from minka.notifications.models import Message


class InvitationTests(RoleTestCase):
    def test_an_invitation_is_emailed_once_after_commit_and_leaves_no_outbox_row(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            services.invitation_create(
                actor=self.coord, email="nueva@example.org", organization=self.org_a
            )
            self.assertEqual(mail.outbox, [])
        [email] = mail.outbox
        self.assertEqual(email.to, ["nueva@example.org"])
        self.assertNotIn("List-Unsubscribe", email.extra_headers)
        self.assertFalse(Message.objects.exists())

    def test_the_invitation_is_not_offered_on_the_preferences_page(self) -> None:
        """A kind nobody with an account ever receives would be a choice without effect."""
        self.assertNotIn("directory.invitation", {kind.code for kind in kinds()})
        with self.assertRaises(LookupError):
            kind_get("directory.invitation")
