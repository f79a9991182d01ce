"""Issue 19's "done when", end to end through the pages and the emails people receive.

An organization that is not yet a member applies from the public form and confirms its
address; a coordinator approves it; its representative accepts the emailed invitation,
proposes a topic that two members support, and the coordinator puts it on the next meeting's
agenda; a public consultation collects comments from registered users.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from minka.accounts.tests.factories import UserFactory
from minka.core.tests.base import RoleTestCase
from minka.directory.models import Membership, Organization
from minka.meetings.models import AgendaItem
from minka.meetings.tests.factories import MeetingFactory
from minka.participation.applications.models import MembershipApplication
from minka.participation.applications.tests.test_views_applications import form_data
from minka.participation.consultations.models import ConsultationComment
from minka.participation.consultations.tests.factories import ConsultationFactory, SectionFactory
from minka.participation.proposals.models import Proposal


def link(address: str, pattern: str) -> str:
    """The path of the link matching ``pattern`` in the latest email to ``address`` that
    has one."""
    for message in reversed(mail.outbox):
        found = re.search(rf"https?://[^/\s]+({pattern})", str(message.body))
        if address in message.to and found:
            return found.group(1)
    raise AssertionError([(m.to, m.subject) for m in mail.outbox])


@override_settings(LANGUAGE_CODE="en")
class ParticipationDoneTests(RoleTestCase):
    def test_a_new_organization_joins_and_its_topic_reaches_the_agenda(self) -> None:
        visitor = Client()
        with self.captureOnCommitCallbacks(execute=True):
            response = visitor.post(
                reverse("participation:application-create"),
                form_data(email="rosa@example.org", organization_name="Capítulo técnico"),
            )
        self.assertEqual(response.status_code, 302)
        application = MembershipApplication.objects.get()
        # Unconfirmed: the coordinators' queue does not show it.
        queue = self.as_("coord").get(reverse("participation:application-list"))
        self.assertNotContains(queue, "Capítulo técnico")

        verify = link("rosa@example.org", r"/unete/verificar/[^/\s]+/")
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(visitor.post(verify).status_code, 302)
        queue = self.as_("coord").get(reverse("participation:application-list"))
        self.assertContains(queue, "Capítulo técnico")

        approve = reverse("participation:application-approve", args=[application.public_id])
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.as_("coord").post(approve).status_code, 302)
        organization = Organization.objects.get(name="Capítulo técnico")
        self.assertEqual(organization.membership_status, Organization.MembershipStatus.MEMBER)
        status = link("rosa@example.org", r"/unete/estado/[^/\s]+/")
        self.assertContains(visitor.get(status), "invitation")

        # The representative signs up with the invited address and accepts the invitation.
        invitation = link("rosa@example.org", r"/invitacion/[^/\s]+/")
        rosa = UserFactory.create(email="rosa@example.org", full_name="Rosa Quispe")
        representative = Client()
        representative.force_login(rosa)
        self.assertEqual(representative.post(invitation).status_code, 302)
        rosa.refresh_from_db()
        self.assertEqual(rosa.role, "member")
        self.assertTrue(Membership.objects.filter(user=rosa, organization=organization).exists())

        # She proposes a topic for the next meeting; two members support it.
        start = timezone.now() + timedelta(days=20)
        meeting = MeetingFactory.create(
            title="Reunión de enero", starts_at=start, ends_at=start + timedelta(hours=2)
        )
        response = representative.post(
            reverse("participation:proposal-create"),
            {
                "title": "Gobernanza de internet con la comunidad técnica",
                "description": "Una mesa de trabajo con la **comunidad técnica**.",
                "visibility": "public",
                "meeting": str(meeting.pk),
            },
        )
        proposal = Proposal.objects.get()
        self.assertRedirects(response, proposal.get_absolute_url())
        self.assertEqual(list(proposal.organizations.all()), [organization])
        support = reverse("participation:proposal-support", args=[proposal.public_id])
        for persona in ("mem_a", "mem_b"):
            self.assertEqual(self.as_(persona).post(support).status_code, 302)
        proposal.refresh_from_db()
        self.assertEqual(proposal.support_count, 2)

        # The coordinator puts it on the meeting's agenda; the proposer is told.
        decide = reverse("participation:proposal-decide", args=[proposal.public_id])
        response = self.as_("coord").post(decide, {"decision": "accept", "meeting": meeting.pk})
        self.assertEqual(response.status_code, 302)
        item = AgendaItem.objects.get(meeting=meeting)
        self.assertEqual(item.kind, AgendaItem.Kind.PROPOSAL)
        self.assertEqual(item.title, "Gobernanza de internet con la comunidad técnica")
        agenda = self.as_("anon").get(meeting.get_absolute_url())
        self.assertContains(agenda, "Gobernanza de internet con la comunidad técnica")
        self.assertContains(agenda, proposal.get_absolute_url())
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, Proposal.Status.ACCEPTED)
        from minka.notifications.models import Message

        self.assertTrue(
            Message.objects.filter(kind="participation.proposal_decided", user=rosa).exists()
        )

    def test_a_public_consultation_collects_comments_from_registered_users(self) -> None:
        """Two registered accounts comment, on the whole document and on a section; a
        visitor is sent to sign in and nothing is saved; everyone reads the comments."""
        consultation = ConsultationFactory.create(title="Posición sobre datos abiertos")
        section = SectionFactory.create(consultation=consultation, number=1, title="Alcance")
        comment = reverse(
            "participation:consultation-comment-create", args=[consultation.public_id]
        )
        visitor = self.as_("anon").post(comment, {"body": "Sin cuenta"})
        self.assertEqual(visitor.status_code, 302)
        self.assertIn(reverse("account_login"), visitor["Location"])
        second = UserFactory.create(email="vecina@example.org")
        registered = [self.as_("reg"), Client()]
        registered[1].force_login(second)
        texts = ("Falta hablar de datos personales.", "El alcance debe incluir a los municipios.")
        for client, body, where in zip(registered, texts, ("", str(section.pk)), strict=True):
            response = client.post(comment, {"body": body, "section": where})
            self.assertEqual(response.status_code, 302)
        self.assertEqual(ConsultationComment.objects.filter(consultation=consultation).count(), 2)
        self.assertEqual(ConsultationComment.objects.get(body=texts[1]).section, section)
        page = self.as_("anon").get(consultation.get_absolute_url())
        for body in texts:
            self.assertContains(page, body)
