"""The demo proposals load through the services, once."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from minka.core.tests.base import RoleTestCase
from minka.meetings.models import AgendaItem
from minka.meetings.tests.factories import MeetingFactory
from minka.participation.proposals import demo
from minka.participation.proposals.models import Proposal, ProposalComment


class DemoTests(RoleTestCase):
    def test_loading_twice_adds_the_proposals_once_with_one_accepted(self) -> None:
        later = timezone.now() + timedelta(days=12)
        meeting = MeetingFactory.create(
            starts_at=later, ends_at=later + timedelta(hours=2), is_demo=True
        )
        kwargs = {
            "coordinator": self.coord,
            "proposer": self.mem_a,
            "supporters": [self.mem_b, self.reg],
            "organizations": {"IGIP": self.org_b},
        }
        created = demo.load(**kwargs)  # type: ignore[arg-type]
        self.assertGreater(created, 5)
        self.assertEqual(demo.load(**kwargs), 0)  # type: ignore[arg-type]
        self.assertEqual(Proposal.objects.filter(is_demo=True).count(), 3)
        accepted = Proposal.objects.get(status=Proposal.Status.ACCEPTED)
        self.assertEqual(accepted.agenda_item.meeting, meeting)  # type: ignore[union-attr]
        self.assertEqual(meeting.agenda_items.get().kind, AgendaItem.Kind.PROPOSAL)
        self.assertEqual(ProposalComment.objects.filter(is_demo=True).count(), 2)
        self.assertEqual(
            sorted(Proposal.objects.values_list("support_count", flat=True)), [1, 2, 2]
        )
