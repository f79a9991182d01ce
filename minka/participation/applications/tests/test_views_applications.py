"""Membership applications end to end: the public form (consent, honeypot, rate limits),
email verification, the coordinators' queue and decisions, the status link."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from minka.core.models import AuditEntry
from minka.core.privacy import NOTICE_VERSION, notice_hash
from minka.core.tests.base import RoleTestCase
from minka.directory.models import Invitation, Organization
from minka.directory.tests.factories import OrganizationFactory
from minka.notifications.models import Message
from minka.participation.applications import services
from minka.participation.applications.models import (
    MembershipApplication,
    application_status_token,
)
from minka.participation.applications.tests.factories import (
    MembershipApplicationFactory,
    verified,
)

Status = MembershipApplication.Status
CREATE = reverse("participation:application-create")
QUEUE = reverse("participation:application-list")
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "organization_name": "Capítulo peruano de la comunidad técnica",
        "acronym": "CTI",
        "sector": "technical_community",
        "region": "lima",
        "website": "https://example.org",
        "description": "Reúne a operadores y técnicos de internet.",
        "representative_name": "Rosa Quispe",
        "representative_position": "Presidenta",
        "email": "Rosa@Example.org",
        "phone": "+51 999 111 222",
        "motivation": "Aportar la mirada técnica a la gobernanza de internet.",
        "consent": "on",
        "contact_url": "",
    }
    data.update(overrides)
    return data


def link_in(message: Any, route: str) -> str:
    """The path of the first link to ``route`` (``verificar`` or ``estado``) in an email."""
    found = re.search(rf"https?://[^/\s]+(/unete/{route}/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


class SubmitTests(RoleTestCase):
    def submit(self, persona: str = "anon", **overrides: str) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return self.as_(persona).post(CREATE, form_data(**overrides))

    def test_everyone_may_see_the_form_with_the_privacy_notice_and_an_unticked_consent(
        self,
    ) -> None:
        for persona in ("anon", "reg", "mem_a", "coord", "admin"):
            response = self.as_(persona).get(CREATE)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, reverse("core:privacy"))
            self.assertContains(response, NOTICE_VERSION)
            self.assertNotContains(response, "checked")

    def test_a_valid_application_is_stored_unverified_and_only_the_applicant_is_emailed(
        self,
    ) -> None:
        mail.outbox.clear()
        response = self.submit()
        self.assertRedirects(response, reverse("participation:application-sent"))
        application = MembershipApplication.objects.get()
        self.assertEqual(application.status, Status.UNVERIFIED)
        self.assertEqual(application.email, "rosa@example.org")
        self.assertEqual(application.notice_version, NOTICE_VERSION)
        self.assertEqual(application.notice_hash, notice_hash())
        self.assertIsNotNone(application.consented_at)
        self.assertEqual([m.to for m in mail.outbox], [["rosa@example.org"]])
        self.assertIn("/unete/verificar/", mail.outbox[0].body)
        # Nothing reaches coordinators: no outbox message, not in the queue.
        self.assertFalse(Message.objects.filter(kind=services.SUBMITTED_KIND).exists())
        queue = self.as_("coord").get(QUEUE)
        self.assertNotContains(queue, "Capítulo peruano")
        self.assertEqual(self.as_("coord").get(application.get_absolute_url()).status_code, 404)

    def test_the_token_is_stored_only_as_a_hash(self) -> None:
        self.submit()
        token = link_in(mail.outbox[-1], "verificar").split("/")[-2]
        application = MembershipApplication.objects.get()
        self.assertNotIn(token, str(MembershipApplication.objects.values().get()))
        self.assertEqual(len(application.verification_hash), 64)

    def test_without_consent_nothing_is_stored(self) -> None:
        mail.outbox.clear()
        data = form_data()
        del data["consent"]
        response = self.as_("anon").post(CREATE, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "error-summary", status_code=400)
        self.assertFalse(MembershipApplication.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_bad_input_is_refused_with_the_form_errors(self) -> None:
        for field, value in (
            ("email", "no-es-correo"),
            ("sector", "no-such-sector"),
            ("website", "javascript:alert(1)"),
            ("organization_name", "x" * 201),
            ("motivation", "x" * 4001),
            ("phone", "<b>"),
        ):
            with self.subTest(field=field):
                cache.clear()  # the rate limit is tested on its own
                response = self.submit(**{field: value})
                self.assertEqual(response.status_code, 400)
        self.assertFalse(MembershipApplication.objects.exists())

    def test_the_honeypot_refuses_without_saving_or_sending(self) -> None:
        mail.outbox.clear()
        response = self.submit(contact_url="https://spam.example")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "error-summary", status_code=400)
        self.assertFalse(MembershipApplication.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_the_honeypot_is_hidden_from_people_and_labelled_for_screen_readers(self) -> None:
        response = self.as_("anon").get(CREATE)
        self.assertContains(response, '<div class="visually-hidden">', html=False)
        self.assertContains(response, 'tabindex="-1"')

    @override_settings(LANGUAGE_CODE="en")
    def test_over_the_rate_limit_per_client_answers_429_and_saves_nothing(self) -> None:
        from minka.participation.applications.views import SUBMIT_LIMIT

        for number in range(SUBMIT_LIMIT):
            response = self.submit(email=f"persona{number}@example.org")
            self.assertEqual(response.status_code, 302)
        mail.outbox.clear()
        response = self.submit(email="otra@example.org")
        self.assertEqual(response.status_code, 429)
        self.assertIn("Retry-After", response)
        self.assertEqual(MembershipApplication.objects.count(), SUBMIT_LIMIT)
        self.assertEqual(mail.outbox, [])

    def test_over_the_rate_limit_per_email_answers_429_and_saves_nothing(self) -> None:
        from minka.participation.applications.views import EMAIL_LIMIT

        personas = ["anon", "reg", "mem_a", "mem_b", "coord"]
        for number in range(EMAIL_LIMIT):
            self.assertEqual(self.submit(personas[number]).status_code, 302)
        mail.outbox.clear()
        response = self.submit(personas[EMAIL_LIMIT], email="ROSA@example.org")
        self.assertEqual(response.status_code, 429)
        self.assertTrue(int(response["Retry-After"]) > 0)
        self.assertEqual(MembershipApplication.objects.count(), EMAIL_LIMIT)
        self.assertEqual(mail.outbox, [])


class VerificationTests(RoleTestCase):
    def setUp(self) -> None:
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("anon").post(CREATE, form_data())
        self.application = MembershipApplication.objects.get()
        self.verify_path = link_in(mail.outbox[-1], "verificar")

    def confirm(self, path: str | None = None) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return self.as_("anon").post(path or self.verify_path)

    def test_following_the_link_asks_to_confirm_and_changes_nothing(self) -> None:
        response = self.as_("anon").get(self.verify_path)
        self.assertEqual(response.status_code, 200)
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Status.UNVERIFIED)

    def test_confirming_submits_it_tells_coordinators_and_sends_the_status_link(self) -> None:
        mail.outbox.clear()
        response = self.confirm()
        self.assertRedirects(response, self.application.status_url())
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Status.SUBMITTED)
        self.assertIsNotNone(self.application.verified_at)
        told = set(
            Message.objects.filter(kind=services.SUBMITTED_KIND).values_list("user", flat=True)
        )
        self.assertEqual(told, {self.coord.pk, self.admin.pk})
        receipts = [m for m in mail.outbox if m.to == ["rosa@example.org"]]
        self.assertEqual(len(receipts), 1)
        self.assertEqual(link_in(receipts[0], "estado"), self.application.status_url())
        self.assertContains(self.as_("coord").get(QUEUE), "Capítulo peruano")

    def test_a_used_link_is_not_found(self) -> None:
        self.confirm()
        self.assertEqual(self.as_("anon").get(self.verify_path).status_code, 404)
        self.assertEqual(self.as_("anon").post(self.verify_path).status_code, 404)
        self.assertEqual(Message.objects.filter(kind=services.SUBMITTED_KIND).count(), 2)

    def test_an_expired_link_is_refused_and_nothing_changes(self) -> None:
        MembershipApplication.objects.update(
            verification_sent_at=timezone.now() - timedelta(hours=49)
        )
        self.assertContains(
            self.as_("anon").get(self.verify_path), reverse("participation:application-resend")
        )
        self.assertEqual(self.confirm().status_code, 400)
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Status.UNVERIFIED)
        self.assertFalse(Message.objects.exists())

    def test_resending_replaces_the_link(self) -> None:
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("anon").post(
                reverse("participation:application-resend"), {"email": "rosa@example.org"}
            )
        self.assertEqual(response.status_code, 302)
        new_path = link_in(mail.outbox[-1], "verificar")
        self.assertNotEqual(new_path, self.verify_path)
        self.assertEqual(self.as_("anon").get(self.verify_path).status_code, 404)
        self.assertEqual(self.confirm(new_path).status_code, 302)

    def test_resending_to_an_unknown_address_says_the_same_and_sends_nothing(self) -> None:
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("anon").post(
                reverse("participation:application-resend"),
                {"email": "nadie@example.org"},
                follow=True,
            )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(mail.outbox, [])

    def test_resending_is_rate_limited(self) -> None:
        from minka.participation.applications.views import RESEND_LIMIT

        url = reverse("participation:application-resend")
        client = self.as_("reg")
        for number in range(RESEND_LIMIT):
            client.post(url, {"email": f"x{number}@example.org"})
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(url, {"email": "rosa@example.org"})
        self.assertEqual(response.status_code, 429)
        self.assertIn("Retry-After", response)
        self.assertEqual(mail.outbox, [])


class StatusPageTests(RoleTestCase):
    def test_the_status_link_shows_each_state_and_anything_else_is_not_found(self) -> None:
        application = MembershipApplicationFactory.create()
        url = application.status_url()
        self.assertEqual(self.as_("anon").get(url).status_code, 200)
        real = application_status_token(application.public_id)
        altered = real[:-1] + ("1" if real.endswith("0") else "0")
        for token in ("x", altered, "a" * 101):
            self.assertEqual(self.as_("coord").get(f"/unete/estado/{token}/").status_code, 404)
        MembershipApplication.objects.filter(pk=application.pk).update(
            status=Status.REJECTED, decision_message="Vuelva a postular el próximo año."
        )
        self.assertContains(self.as_("anon").get(url), "Vuelva a postular el próximo año.")


@override_settings(LANGUAGE_CODE="en")
class QueueTests(RoleTestCase):
    def test_submitted_first_then_decided_and_never_unverified(self) -> None:
        decided = verified(organization_name="Decidida", status=Status.REJECTED)
        waiting = verified(organization_name="En espera")
        MembershipApplicationFactory.create(organization_name="Sin verificar")
        response = self.as_("coord").get(QUEUE)
        names = [a.organization_name for a in response.context["page"]]
        self.assertEqual(names, [waiting.organization_name, decided.organization_name])
        self.assertContains(response, "1 application awaits a decision.")

    def test_filters_by_status_sector_and_region_and_ignore_unknown_values(self) -> None:
        verified(organization_name="Lima técnica", region="lima")
        verified(organization_name="Cusco académica", region="cusco", sector="academia")
        client = self.as_("coord")
        self.assertNotContains(client.get(QUEUE, {"region": "cusco"}), "Lima técnica")
        self.assertNotContains(client.get(QUEUE, {"sector": "academia"}), "Lima técnica")
        self.assertNotContains(client.get(QUEUE, {"status": "approved"}), "Lima técnica")
        everything = client.get(QUEUE, {"status": "unverified", "region": "marte"})
        self.assertEqual(everything.status_code, 200)

    def test_the_queue_and_the_page_make_a_fixed_number_of_queries(self) -> None:
        client = self.as_("coord")
        application = verified()
        client.get(QUEUE)
        with self.assertNumQueries(6) as first:
            client.get(QUEUE)
        for _ in range(10):
            verified()
        with self.assertNumQueries(len(first.captured_queries)):
            client.get(QUEUE)
        client.get(application.get_absolute_url())
        with self.assertNumQueries(5):
            client.get(application.get_absolute_url())

    def test_members_and_registered_users_are_refused(self) -> None:
        application = verified()
        for persona in ("reg", "mem_a", "mem_b"):
            self.assertEqual(self.as_(persona).get(QUEUE).status_code, 403)
            self.assertEqual(self.as_(persona).get(application.get_absolute_url()).status_code, 403)
            response = self.as_(persona).post(
                reverse("participation:application-approve", args=[application.public_id])
            )
            self.assertEqual(response.status_code, 403)
        self.assertEqual(self.as_("anon").get(QUEUE).status_code, 302)
        application.refresh_from_db()
        self.assertEqual(application.status, Status.SUBMITTED)

    def test_every_field_is_shown_escaped_to_coordinators(self) -> None:
        fields = (
            "organization_name",
            "acronym",
            "description",
            "representative_name",
            "representative_position",
            "phone",
            "motivation",
        )
        application = verified(
            **{name: XSS[:30] if name in ("acronym", "phone") else XSS for name in fields}
        )
        MembershipApplication.objects.filter(pk=application.pk).update(decision_message=XSS)
        for url in (QUEUE, application.get_absolute_url(), application.status_url()):
            body = self.as_("coord").get(url).content.decode()
            self.assertNotIn("<script>alert", body)
            self.assertNotIn("onerror=alert", body.replace("onerror=alert(1)&gt;", ""))


class DecisionTests(RoleTestCase):
    def setUp(self) -> None:
        self.application = verified(
            organization_name="Capítulo peruano de la comunidad técnica",
            email="rosa@example.org",
            representative_position="Presidenta",
        )
        self.approve_url = reverse(
            "participation:application-approve", args=[self.application.public_id]
        )
        self.reject_url = reverse(
            "participation:application-reject", args=[self.application.public_id]
        )

    def approve(self, **data: str) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return self.as_("coord").post(self.approve_url, data)

    def test_approval_creates_the_member_organization_and_invites_the_representative(self) -> None:
        mail.outbox.clear()
        response = self.approve(message="¡Bienvenidos!")
        self.assertRedirects(response, self.application.get_absolute_url())
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Status.APPROVED)
        self.assertEqual(self.application.reviewed_by, self.coord)
        organization = Organization.objects.get(name="Capítulo peruano de la comunidad técnica")
        self.assertEqual(organization.membership_status, Organization.MembershipStatus.MEMBER)
        self.assertEqual(organization.member_since, timezone.localdate())
        self.assertEqual(organization.sector, "technical_community")
        invitation = Invitation.objects.get(organization=organization)
        self.assertEqual((invitation.email, invitation.title), ("rosa@example.org", "Presidenta"))
        self.assertEqual(self.application.invitation, invitation)
        subjects = sorted(m.subject for m in mail.outbox if m.to == ["rosa@example.org"])
        self.assertEqual(len(subjects), 2)  # the approval and the directory's invitation
        self.assertTrue(
            AuditEntry.objects.filter(
                target_type="participation.membershipapplication",
                target_id=str(self.application.pk),
                actor=self.coord,
                changes__status=["submitted", "approved"],
            ).exists()
        )
        self.assertContains(self.as_("anon").get(self.application.status_url()), "¡Bienvenidos!")

    def test_a_decided_application_cannot_be_approved_again(self) -> None:
        self.approve()
        mail.outbox.clear()
        response = self.approve()
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            Organization.objects.filter(name=self.application.organization_name).count(), 1
        )
        self.assertEqual(Invitation.objects.count(), 1)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(
            self.as_("coord").post(self.reject_url, {"message": "No"}).status_code, 400
        )

    @override_settings(LANGUAGE_CODE="en")
    def test_an_unverified_or_rejected_application_cannot_be_approved(self) -> None:
        unverified = MembershipApplicationFactory.create()
        with self.assertRaisesMessage(Exception, "not been verified"):
            services.application_approve(actor=self.coord, application=unverified)
        services.application_reject(actor=self.coord, application=self.application, message="No")
        with self.assertRaisesMessage(Exception, "already decided"):
            services.application_approve(actor=self.coord, application=self.application)
        self.assertFalse(Invitation.objects.exists())

    @override_settings(LANGUAGE_CODE="en")
    def test_an_existing_name_is_a_clear_error_and_linking_to_it_works(self) -> None:
        existing = OrganizationFactory.create(
            name="Capítulo Peruano de la Comunidad Técnica",
            membership_status=Organization.MembershipStatus.APPLICANT,
        )
        response = self.approve()
        self.assertContains(response, "already in the directory", status_code=400)
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Status.SUBMITTED)
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(self.approve(organization=existing.slug).status_code, 302)
        existing.refresh_from_db()
        self.assertEqual(existing.membership_status, Organization.MembershipStatus.MEMBER)
        self.assertEqual(Invitation.objects.get().organization, existing)

    def test_rejection_needs_a_message_and_emails_it(self) -> None:
        response = self.as_("coord").post(self.reject_url, {"message": ""})
        self.assertEqual(response.status_code, 400)
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Status.SUBMITTED)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("admin").post(
                self.reject_url, {"message": "Aún no cumple los requisitos."}
            )
        self.assertEqual(response.status_code, 302)
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Status.REJECTED)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("Aún no cumple los requisitos.", mail.outbox[0].body)
        self.assertIn(self.application.status_url(), mail.outbox[0].body)
        self.assertFalse(
            Organization.objects.filter(name=self.application.organization_name).exists()
        )

    def test_extra_fields_cannot_change_the_outcome(self) -> None:
        self.approve(status="rejected", email="otro@example.org", reviewed_by=str(self.admin.pk))
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Status.APPROVED)
        self.assertEqual(self.application.reviewed_by, self.coord)
        self.assertEqual(Invitation.objects.get().email, "rosa@example.org")


@override_settings(LANGUAGE_CODE="en")
class EndToEndTests(RoleTestCase):
    def test_an_organization_applies_is_approved_and_its_representative_joins(self) -> None:
        from minka.accounts.tests.factories import UserFactory
        from minka.directory.models import Membership
        from minka.directory.services.invitations import invitation_link_issue

        with self.captureOnCommitCallbacks(execute=True):
            self.as_("anon").post(CREATE, form_data(email="rosa@example.org"))
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("anon").post(link_in(mail.outbox[-1], "verificar"))
        application = MembershipApplication.objects.get()
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("coord").post(
                reverse("participation:application-approve", args=[application.public_id])
            )
        application.refresh_from_db()
        assert application.invitation is not None
        self.assertContains(self.as_("anon").get(application.status_url()), "invitation")
        rosa = UserFactory.create(email="rosa@example.org")
        token = invitation_link_issue(invitation=application.invitation)
        client = self.as_("anon")
        client.force_login(rosa)
        response = client.post(reverse("directory:invitation-accept", args=[token]))
        self.assertEqual(response.status_code, 302)
        rosa.refresh_from_db()
        self.assertEqual(rosa.role, "member")
        self.assertTrue(
            Membership.objects.filter(user=rosa, organization=application.organization).exists()
        )
