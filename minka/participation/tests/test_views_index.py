"""/participa/: every mechanism, with what each persona may take part in."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.participation.consultations.tests.factories import ConsultationFactory
from minka.participation.polls.tests.factories import DatePollFactory
from minka.participation.proposals.tests.factories import ProposalFactory

INDEX = reverse("participation:index")


@override_settings(LANGUAGE_CODE="en")
class ParticipationIndexTests(RoleTestCase):
    def setUp(self) -> None:
        ProposalFactory.create(title="Mesa con la comunidad técnica", organizations=[self.org_a])
        ProposalFactory.create(title="Tema interno de la red", visibility=Visibility.MEMBERS)
        DatePollFactory.create(title="Fecha de la reunión de abril")
        ConsultationFactory.create(title="Borrador de posición sobre datos abiertos")
        ConsultationFactory.create(
            title="Consulta interna sobre el plan", visibility=Visibility.MEMBERS
        )

    def test_everyone_sees_the_public_proposals_and_how_to_join(self) -> None:
        """Visitors and registered users: public proposals, the form to join; nothing internal."""
        for persona in ("anon", "reg"):
            with self.subTest(persona):
                response = self.as_(persona).get(INDEX)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Mesa con la comunidad técnica")
                self.assertNotContains(response, "Tema interno de la red")
                self.assertNotContains(response, "Fecha de la reunión de abril")
                self.assertContains(response, "Borrador de posición sobre datos abiertos")
                self.assertNotContains(response, "Consulta interna sobre el plan")
                self.assertContains(response, reverse("participation:application-create"))
                self.assertContains(response, reverse("participation:proposal-list"))
                self.assertNotContains(response, reverse("participation:proposal-create"))

    def test_members_may_propose_and_answer_the_open_poll(self) -> None:
        """Members and above: internal proposals, the link to propose, the open date poll."""
        for persona in ("mem_a", "mem_b", "coord", "admin"):
            with self.subTest(persona):
                response = self.as_(persona).get(INDEX)
                self.assertContains(response, "Tema interno de la red")
                self.assertContains(response, reverse("participation:proposal-create"))
                self.assertContains(response, "Fecha de la reunión de abril")
                self.assertContains(response, "Consulta interna sobre el plan")

    def test_no_proposal_awaits_support(self) -> None:
        """With nothing open, the page says so instead of an empty list."""
        from minka.participation.proposals.models import Proposal

        Proposal.objects.update(status=Proposal.Status.DECLINED)
        response = self.as_("anon").get(INDEX)
        self.assertContains(response, "No proposal is awaiting support.")

    def test_fixed_number_of_queries(self) -> None:
        """Visitors: proposals and their organizations, consultations (3); members: plus
        session, user and the polls (6), whatever the number of rows."""
        ProposalFactory.create_batch(4, organizations=[self.org_a, self.org_b])
        DatePollFactory.create_batch(3)
        ConsultationFactory.create_batch(3)
        with self.assertNumQueries(3):
            self.as_("anon").get(INDEX)
        client = self.as_("mem_a")
        client.get(INDEX)
        with self.assertNumQueries(6):
            client.get(INDEX)
