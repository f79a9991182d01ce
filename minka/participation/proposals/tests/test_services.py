"""Services of agenda proposals: proposing, editing, withdrawing, supports (once per person,
never one's own), comments (one level), moderation, and decisions (once, into a planned
meeting's agenda), with their notifications, search entries and data-export sections."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from minka import search
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.models import Organization, Person
from minka.directory.portability import person_export_data
from minka.directory.tests.factories import OrganizationFactory
from minka.meetings.models import AgendaItem, Meeting
from minka.meetings.tests.factories import MeetingFactory
from minka.notifications.models import Message
from minka.notifications.tests.helpers import consent_to_news
from minka.participation.proposals import notifications, selectors, services
from minka.participation.proposals.models import Proposal, ProposalComment, Support


def _meeting(**kwargs: object) -> Meeting:
    later = timezone.now() + timedelta(days=20)
    values: dict[str, object] = {"starts_at": later, "ends_at": later + timedelta(hours=2)}
    values.update(kwargs)
    return MeetingFactory.create(**values)


@override_settings(LANGUAGE_CODE="en")
class ProposalServiceTests(RoleTestCase):
    def setUp(self) -> None:
        # Comments and the supporters' news reach those who consented to news.
        consent_to_news(self.reg, self.mem_a, self.mem_b, self.coord, self.admin)

    def _propose(self, **data: object) -> Proposal:
        values: dict[str, object] = {
            "title": "Gobernanza de internet: mesa con la comunidad técnica",
            "description": "Invitar a la comunidad técnica a la próxima reunión.",
            "visibility": Visibility.PUBLIC,
        }
        values.update(data)
        return services.proposal_create(actor=self.mem_a, data=values)  # type: ignore[arg-type]

    def test_a_member_proposes_for_their_own_organization_and_the_coordination_is_told(
        self,
    ) -> None:
        proposal = self._propose()
        self.assertEqual(list(proposal.organizations.all()), [self.org_a])
        self.assertEqual(proposal.proposer, self.mem_a)
        self.assertEqual(proposal.status, Proposal.Status.OPEN)
        told = set(
            Message.objects.filter(kind=notifications.SUBMITTED).values_list("user_id", flat=True)
        )
        self.assertEqual(told, {self.coord.pk, self.admin.pk})

    def test_a_member_may_name_any_organization_of_the_directory(self) -> None:
        other = OrganizationFactory.create()
        proposal = self._propose(organizations=[self.org_b, other])
        self.assertEqual(set(proposal.organizations.all()), {self.org_b, other})

    def test_a_registered_user_cannot_propose(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.proposal_create(
                actor=self.reg, data={"title": "x", "description": "y", "visibility": "public"}
            )
        self.assertFalse(Proposal.objects.exists())

    def test_a_proposal_is_never_for_coordinators_only(self) -> None:
        with self.assertRaises(ValidationError):
            self._propose(visibility=Visibility.COORDINATORS)
        self.assertFalse(Proposal.objects.exists())

    def test_a_proposal_meant_for_a_held_meeting_is_refused(self) -> None:
        held = _meeting(status=Meeting.Status.HELD)
        with self.assertRaises(ValidationError):
            self._propose(meeting=held)

    def test_the_proposer_edits_until_someone_supports_it(self) -> None:
        proposal = self._propose()
        services.proposal_update(actor=self.mem_a, proposal=proposal, data={"title": "Nuevo"})
        self.assertEqual(Proposal.objects.get().title, "Nuevo")
        services.support_add(actor=self.mem_b, proposal=proposal)
        with self.assertRaisesMessage(ValidationError, "already has supports"):
            services.proposal_update(actor=self.mem_a, proposal=proposal, data={"title": "Otro"})
        self.assertEqual(Proposal.objects.get().title, "Nuevo")

    def test_only_the_proposer_edits_or_withdraws(self) -> None:
        proposal = self._propose()
        with self.assertRaises(PermissionDenied):
            services.proposal_update(actor=self.mem_b, proposal=proposal, data={"title": "X"})
        with self.assertRaises(PermissionDenied):
            services.proposal_withdraw(actor=self.coord, proposal=proposal)
        services.proposal_withdraw(actor=self.mem_a, proposal=proposal)
        self.assertEqual(Proposal.objects.get().status, Proposal.Status.WITHDRAWN)
        with self.assertRaises(ValidationError):
            services.proposal_withdraw(actor=self.mem_a, proposal=proposal)

    def test_supports_count_once_per_person_and_may_be_withdrawn(self) -> None:
        proposal = self._propose()
        self.assertIs(services.support_add(actor=self.mem_b, proposal=proposal), True)
        self.assertIs(services.support_add(actor=self.mem_b, proposal=proposal), False)
        self.assertIs(services.support_add(actor=self.reg, proposal=proposal), True)
        self.assertEqual(Proposal.objects.get().support_count, 2)
        self.assertIs(services.support_remove(actor=self.mem_b, proposal=proposal), True)
        self.assertIs(services.support_remove(actor=self.mem_b, proposal=proposal), False)
        self.assertEqual(Proposal.objects.get().support_count, 1)

    def test_the_proposer_cannot_support_their_own_proposal(self) -> None:
        proposal = self._propose()
        with self.assertRaisesMessage(ValidationError, "your own proposal"):
            services.support_add(actor=self.mem_a, proposal=proposal)
        self.assertFalse(Support.objects.exists())

    def test_a_registered_user_cannot_support_an_internal_proposal(self) -> None:
        proposal = self._propose(visibility=Visibility.MEMBERS)
        with self.assertRaises(PermissionDenied):
            services.support_add(actor=self.reg, proposal=proposal)
        self.assertFalse(Support.objects.exists())

    def test_the_database_refuses_a_second_support_of_the_same_person(self) -> None:
        proposal = self._propose()
        Support.objects.create(proposal=proposal, user=self.mem_b)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Support.objects.create(proposal=proposal, user=self.mem_b)

    def test_comments_take_one_level_of_replies_and_tell_who_is_answered(self) -> None:
        proposal = self._propose()
        comment = services.comment_create(actor=self.mem_b, proposal=proposal, body="Bien.")
        reply = services.comment_create(
            actor=self.reg, proposal=proposal, body="De acuerdo.", parent=comment
        )
        with self.assertRaisesMessage(ValidationError, "Replies take no replies"):
            services.comment_create(actor=self.mem_a, proposal=proposal, body="x", parent=reply)
        self.assertEqual(ProposalComment.objects.count(), 2)
        told = list(
            Message.objects.filter(kind=notifications.COMMENTED).values_list("user_id", flat=True)
        )
        self.assertIn(self.mem_a.pk, told)  # the proposer, for the comment
        self.assertIn(self.mem_b.pk, told)  # the comment's author, for the reply

    def test_a_reply_to_a_comment_of_another_proposal_is_refused(self) -> None:
        first = self._propose()
        second = self._propose(title="Otra")
        comment = services.comment_create(actor=self.mem_b, proposal=first, body="Bien.")
        with self.assertRaises(ValidationError):
            services.comment_create(actor=self.mem_b, proposal=second, body="x", parent=comment)

    def test_the_coordination_hides_a_comment_with_a_reason_and_the_author_is_told(self) -> None:
        proposal = self._propose()
        comment = services.comment_create(actor=self.mem_b, proposal=proposal, body="Fuera.")
        with self.assertRaises(PermissionDenied):
            services.comment_hide(actor=self.mem_a, comment=comment, reason="No")
        with self.assertRaises(ValidationError):
            services.comment_hide(actor=self.coord, comment=comment, reason=" ")
        services.comment_hide(actor=self.coord, comment=comment, reason="Fuera de tema.")
        comment.refresh_from_db()
        self.assertIs(comment.is_hidden, True)
        self.assertEqual(comment.hidden_reason, "Fuera de tema.")
        self.assertTrue(
            Message.objects.filter(kind=notifications.COMMENT_HIDDEN, user=self.mem_b).exists()
        )
        services.comment_unhide(actor=self.coord, comment=comment)
        comment.refresh_from_db()
        self.assertIs(comment.is_hidden, False)

    def test_accepting_puts_it_on_the_agenda_linked_both_ways_and_tells_people(self) -> None:
        proposal = self._propose()
        services.support_add(actor=self.mem_b, proposal=proposal)
        meeting = _meeting()
        services.proposal_accept(actor=self.coord, proposal=proposal, meeting=meeting)
        proposal.refresh_from_db()
        item = proposal.agenda_item
        assert item is not None
        self.assertEqual(item.kind, AgendaItem.Kind.PROPOSAL)
        self.assertEqual(item.meeting, meeting)
        self.assertEqual(item.title, proposal.title)
        self.assertIn(str(proposal.public_id), item.description)
        self.assertIn("OA", item.description)
        self.assertEqual(proposal.status, Proposal.Status.ACCEPTED)
        self.assertEqual(proposal.decided_by, self.coord)
        self.assertTrue(
            Message.objects.filter(kind=notifications.DECIDED, user=self.mem_a).exists()
        )
        self.assertTrue(
            Message.objects.filter(kind=notifications.SUPPORTED_DECIDED, user=self.mem_b).exists()
        )

    def test_a_public_agenda_never_names_an_applicant_organization(self) -> None:
        applicant = OrganizationFactory.create(
            acronym="POSTUL", membership_status=Organization.MembershipStatus.APPLICANT
        )
        proposal = self._propose(organizations=[self.org_a, applicant])
        services.proposal_accept(actor=self.coord, proposal=proposal, meeting=_meeting())
        description = AgendaItem.objects.get().description
        self.assertIn("OA", description)
        self.assertNotIn("POSTUL", description)

    def test_a_proposal_is_decided_once(self) -> None:
        proposal = self._propose()
        services.proposal_decline(actor=self.coord, proposal=proposal, reason="Ya se trató.")
        with self.assertRaisesMessage(ValidationError, "already decided"):
            services.proposal_accept(actor=self.coord, proposal=proposal, meeting=_meeting())
        with self.assertRaisesMessage(ValidationError, "already decided"):
            services.proposal_decline(actor=self.coord, proposal=proposal, reason="Otra vez")
        self.assertFalse(AgendaItem.objects.exists())

    def test_only_a_planned_meeting_receives_it(self) -> None:
        proposal = self._propose()
        for meeting in (
            _meeting(status=Meeting.Status.CANCELLED),
            _meeting(status=Meeting.Status.HELD),
        ):
            with self.assertRaises(ValidationError):
                services.proposal_accept(actor=self.coord, proposal=proposal, meeting=meeting)
        self.assertEqual(Proposal.objects.get().status, Proposal.Status.OPEN)
        self.assertFalse(AgendaItem.objects.exists())

    def test_an_internal_proposal_never_reaches_a_public_agenda(self) -> None:
        proposal = self._propose(visibility=Visibility.MEMBERS)
        with self.assertRaisesMessage(ValidationError, "members only"):
            services.proposal_accept(actor=self.coord, proposal=proposal, meeting=_meeting())
        members_meeting = _meeting(visibility=Visibility.MEMBERS)
        services.proposal_accept(actor=self.coord, proposal=proposal, meeting=members_meeting)
        self.assertEqual(members_meeting.agenda_items.get().kind, AgendaItem.Kind.PROPOSAL)

    def test_declining_needs_a_reason_and_a_coordinator(self) -> None:
        proposal = self._propose()
        with self.assertRaises(PermissionDenied):
            services.proposal_decline(actor=self.mem_b, proposal=proposal, reason="No")
        with self.assertRaises(ValidationError):
            services.proposal_decline(actor=self.coord, proposal=proposal, reason="")
        services.proposal_decline(actor=self.coord, proposal=proposal, reason="Ya se trató.")
        self.assertEqual(Proposal.objects.get().decision_reason, "Ya se trató.")

    def test_search_finds_what_the_viewer_may_see_and_forgets_withdrawn_ones(self) -> None:
        public = self._propose(title="Ciberseguridad comunitaria")
        internal = self._propose(title="Ciberseguridad interna", visibility=Visibility.MEMBERS)
        found = {hit.object_id for hit in search.search("ciberseguridad", user=self.reg).hits}
        self.assertEqual(found, {str(public.pk)})
        found = {hit.object_id for hit in search.search("ciberseguridad", user=self.mem_b).hits}
        self.assertEqual(found, {str(public.pk), str(internal.pk)})
        services.proposal_withdraw(actor=self.mem_a, proposal=public)
        found = {hit.object_id for hit in search.search("ciberseguridad", user=self.reg).hits}
        self.assertEqual(found, set())

    def test_the_home_page_selector_lists_open_visible_proposals_most_supported_first(
        self,
    ) -> None:
        quiet = self._propose(title="Poco apoyada")
        popular = self._propose(title="Muy apoyada")
        internal = self._propose(title="Interna", visibility=Visibility.MEMBERS)
        services.support_add(actor=self.mem_b, proposal=popular)
        self.assertEqual(selectors.proposals_awaiting_support(self.reg), [popular, quiet])
        self.assertIn(internal, selectors.proposals_awaiting_support(self.mem_b))
        self.assertEqual(len(selectors.proposals_awaiting_support(self.mem_b, limit=1)), 1)

    def test_a_persons_export_holds_their_proposals_supports_and_comments(self) -> None:
        proposal = self._propose()
        services.support_add(actor=self.mem_b, proposal=proposal)
        services.comment_create(actor=self.mem_b, proposal=proposal, body="Comentario mío")
        data = person_export_data(Person.objects.get(user=self.mem_b))
        self.assertEqual(len(data["proposal_supports"]), 1)
        self.assertEqual(data["proposal_comments"][0]["body"], "Comentario mío")
        mine = person_export_data(Person.objects.get(user=self.mem_a))
        self.assertEqual(mine["proposals_made"][0]["title"], proposal.title)
