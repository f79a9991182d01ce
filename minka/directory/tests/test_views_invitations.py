from __future__ import annotations

from django.core import mail
from django.test import override_settings
from django.urls import reverse

from minka.accounts.models import User
from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.directory import services
from minka.directory.models import Invitation, Membership


@override_settings(LANGUAGE_CODE="en")
class InvitationListViewTests(RoleTestCase):
    url = reverse("directory:invitation-list")

    def test_anonymous_is_sent_to_sign_in(self) -> None:
        response = self.as_("anon").get(self.url)
        self.assertRedirects(
            response, f"{reverse('account_login')}?next={self.url}", fetch_redirect_response=False
        )

    def test_registered_and_members_are_refused(self) -> None:
        for persona in ("reg", "mem_a", "mem_b"):
            with self.subTest(persona=persona):
                self.assertEqual(self.as_(persona).get(self.url).status_code, 403)
                response = self.as_(persona).post(
                    self.url, {"email": "x@example.org", "organization": self.org_a.pk}
                )
                self.assertEqual(response.status_code, 403)
        self.assertFalse(Invitation.objects.exists())

    def test_coordinator_and_admin_send_an_invitation(self) -> None:
        for persona, email in (("coord", "c@example.org"), ("admin", "a@example.org")):
            with self.subTest(persona=persona), self.captureOnCommitCallbacks(execute=True):
                response = self.as_(persona).post(
                    self.url, {"email": email, "organization": self.org_a.pk, "title": "Enlace"}
                )
                self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertEqual(
            sorted(Invitation.objects.values_list("email", flat=True)),
            ["a@example.org", "c@example.org"],
        )
        self.assertEqual(len(mail.outbox), 2)

    def test_bad_input_gets_a_message_and_changes_nothing(self) -> None:
        client = self.as_("coord")
        for data in (
            {},
            {"email": "not-an-email", "organization": self.org_a.pk},
            {"email": "x@example.org", "organization": "999999"},
            {"email": "x@example.org" * 30, "organization": self.org_a.pk},
        ):
            with self.subTest(data=data):
                response = client.post(self.url, data)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "There is a problem", status_code=400)
        self.assertFalse(Invitation.objects.exists())

    def test_duplicate_pending_invitation_is_refused_with_a_message(self) -> None:
        services.invitation_create(actor=self.coord, email="d@example.org", organization=self.org_a)
        response = self.as_("coord").post(
            self.url, {"email": "d@example.org", "organization": self.org_a.pk}
        )
        self.assertContains(response, "already a pending invitation", status_code=400)
        self.assertEqual(Invitation.objects.count(), 1)

    def test_list_uses_a_fixed_number_of_queries(self) -> None:
        client = self.as_("coord")
        client.get(self.url)  # warm the session
        for index in range(3):
            services.invitation_create(
                actor=self.coord, email=f"q{index}@example.org", organization=self.org_a
            )
        with self.assertNumQueries(5):
            first = client.get(self.url)
        for index in range(3, 10):
            services.invitation_create(
                actor=self.coord, email=f"q{index}@example.org", organization=self.org_b
            )
        with self.assertNumQueries(5):
            second = client.get(self.url)
        self.assertContains(first, "q2@example.org")
        self.assertContains(second, "q9@example.org")


@override_settings(LANGUAGE_CODE="en")
class InvitationRevokeViewTests(RoleTestCase):
    def setUp(self) -> None:
        self.invitation = services.invitation_create(
            actor=self.coord, email="r@example.org", organization=self.org_a
        )
        self.token = services.invitation_link_issue(invitation=self.invitation)
        self.url = reverse("directory:invitation-revoke", args=[self.invitation.public_id])

    def test_members_cannot_withdraw(self) -> None:
        for persona in ("reg", "mem_a", "mem_b"):
            self.assertEqual(self.as_(persona).post(self.url).status_code, 403)
        self.invitation.refresh_from_db()
        self.assertIsNone(self.invitation.revoked_at)

    def test_coordinator_withdraws_and_the_link_stops_working(self) -> None:
        self.as_("coord").post(self.url)
        self.invitation.refresh_from_db()
        self.assertIsNotNone(self.invitation.revoked_at)
        page = self.as_("anon").get(reverse("directory:invitation-accept", args=[self.token]))
        self.assertContains(page, "withdrawn")

    def test_withdrawing_twice_gives_a_message_not_an_error(self) -> None:
        client = self.as_("admin")
        client.post(self.url)
        response = client.post(self.url, follow=True)
        self.assertContains(response, "Only a pending invitation can be withdrawn.")

    def test_unknown_invitation_is_404(self) -> None:
        url = reverse("directory:invitation-revoke", args=["00000000-0000-0000-0000-000000000000"])
        self.assertEqual(self.as_("coord").post(url).status_code, 404)


@override_settings(LANGUAGE_CODE="en")
class InvitationAcceptViewTests(RoleTestCase):
    def _invite(self, email: str) -> tuple[Invitation, str]:
        """An invitation and a working link to it (as its email would carry)."""
        invitation = services.invitation_create(
            actor=self.coord, email=email, organization=self.org_a
        )
        return invitation, services.invitation_link_issue(invitation=invitation)

    def test_invited_person_signs_up_without_a_second_email_check_and_accepts(self) -> None:
        """The link proves the mailbox: signing up with that address needs no verification."""
        invitation, token = self._invite("nuevo@example.org")
        url = reverse("directory:invitation-accept", args=[token])
        client = self.client
        page = client.get(url)
        self.assertContains(page, "You are invited to represent")
        response = client.post(
            f"{reverse('account_signup')}?next={url}",
            {
                "email": "nuevo@example.org",
                "password1": "a long enough passphrase 2026",
                "password2": "a long enough passphrase 2026",
                "full_name": "Persona Nueva",
                "adult": "on",
                "accept_notice": "on",
                "next": url,
            },
        )
        self.assertRedirects(response, url, fetch_redirect_response=False)
        response = client.post(url)
        self.assertRedirects(response, reverse("site:home"), fetch_redirect_response=False)
        user = User.objects.get(email="nuevo@example.org")
        self.assertEqual(user.role, User.Role.MEMBER)
        self.assertTrue(Membership.objects.filter(user=user, organization=self.org_a).exists())
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.INVITE_ACCEPT, target_id=str(invitation.pk)
            ).exists()
        )

    def test_signed_in_invitee_accepts_with_one_click(self) -> None:
        _invitation, token = self._invite(self.reg.email)
        url = reverse("directory:invitation-accept", args=[token])
        client = self.as_("reg")
        self.assertContains(client.get(url), "Accept the invitation")
        client.post(url)
        self.reg.refresh_from_db()
        self.assertEqual(self.reg.role, User.Role.MEMBER)

    def test_another_account_is_refused_with_a_clear_message(self) -> None:
        _invitation, token = self._invite("otra@example.org")
        url = reverse("directory:invitation-accept", args=[token])
        response = self.as_("mem_b").post(url)
        self.assertContains(response, "sent to another email address", status_code=400)
        self.assertFalse(
            Membership.objects.filter(user=self.mem_b, organization=self.org_a).exists()
        )

    def test_anonymous_post_is_sent_to_sign_in(self) -> None:
        _invitation, token = self._invite("p@example.org")
        response = self.as_("anon").post(reverse("directory:invitation-accept", args=[token]))
        self.assertRedirects(response, reverse("account_login"), fetch_redirect_response=False)

    def test_unknown_token_is_404_with_help(self) -> None:
        response = self.as_("anon").get(reverse("directory:invitation-accept", args=["nope"]))
        self.assertContains(response, "This link is not valid", status_code=404)

    def test_invitation_pages_are_not_indexed(self) -> None:
        _invitation, token = self._invite("i@example.org")
        page = self.as_("anon").get(reverse("directory:invitation-accept", args=[token]))
        self.assertContains(page, '<meta name="robots" content="noindex">')
