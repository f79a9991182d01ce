"""What proposals tell people (rendered at delivery, for the recipient's eyes only) and the
``/propuestas`` bot command (a visitor's view in groups)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.utils import timezone

from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.meetings.tests.factories import MeetingFactory
from minka.notifications.kinds import Notice, RenderContext, kind_get
from minka.notifications.telegram.bot import BotRequest
from minka.participation.proposals import bot, notifications, services
from minka.participation.proposals.tests.factories import (
    ProposalCommentFactory,
    ProposalFactory,
)

if TYPE_CHECKING:
    from minka.accounts.models import User


def _render(
    kind: str, params: dict[str, Any], user: User | None, *, public: bool = False
) -> Notice | None:
    context = RenderContext(user=user, channel="email", public=public)
    return kind_get(kind).render(params, context)


@override_settings(LANGUAGE_CODE="en")
class ProposalNoticeTests(RoleTestCase):
    def test_the_coordination_reads_a_new_internal_proposal_and_nobody_else_would(self) -> None:
        proposal = ProposalFactory.create(
            title="Interna <b>", visibility=Visibility.MEMBERS, proposer=self.mem_a
        )
        notice = _render(notifications.SUBMITTED, {"proposal": proposal.pk}, self.coord)
        assert notice is not None
        self.assertIn("Interna <b>", notice.subject)
        self.assertIn("Interna &lt;b&gt;", notice.html)
        self.assertIn(str(proposal.public_id), notice.url)
        self.assertIsNone(_render(notifications.SUBMITTED, {"proposal": proposal.pk}, self.reg))
        self.assertIsNone(
            _render(notifications.SUBMITTED, {"proposal": proposal.pk}, None, public=True)
        )

    def test_the_proposer_reads_the_decision_and_its_reason(self) -> None:
        proposal = ProposalFactory.create(proposer=self.mem_a, title="Mesa técnica")
        later = timezone.now() + timedelta(days=9)
        meeting = MeetingFactory.create(starts_at=later, ends_at=later + timedelta(hours=1))
        services.proposal_accept(actor=self.coord, proposal=proposal, meeting=meeting)
        notice = _render(notifications.DECIDED, {"proposal": proposal.pk}, self.mem_a)
        assert notice is not None
        self.assertIn("accepted", notice.subject)
        self.assertIn(meeting.title, notice.text)
        declined = ProposalFactory.create(proposer=self.mem_a)
        services.proposal_decline(actor=self.coord, proposal=declined, reason="Ya se trató")
        notice = _render(notifications.SUPPORTED_DECIDED, {"proposal": declined.pk}, self.mem_b)
        assert notice is not None
        self.assertIn("Ya se trató", notice.text)
        self.assertIn("Ya se trató", notice.telegram)

    def test_a_supporter_who_may_not_see_the_meeting_is_not_told_its_title(self) -> None:
        proposal = ProposalFactory.create(proposer=self.mem_a)
        later = timezone.now() + timedelta(days=9)
        meeting = MeetingFactory.create(
            title="Reunion reservada",
            starts_at=later,
            ends_at=later + timedelta(hours=1),
            visibility=Visibility.MEMBERS,
        )
        services.support_add(actor=self.reg, proposal=proposal)
        services.proposal_accept(actor=self.coord, proposal=proposal, meeting=meeting)
        notice = _render(notifications.SUPPORTED_DECIDED, {"proposal": proposal.pk}, self.reg)
        assert notice is not None
        self.assertNotIn("Reunion reservada", notice.text)
        self.assertNotIn("Reunion reservada", notice.html)
        member = _render(notifications.DECIDED, {"proposal": proposal.pk}, self.mem_a)
        assert member is not None
        self.assertIn("Reunion reservada", member.text)

    def test_a_hidden_comment_tells_its_author_the_reason(self) -> None:
        comment = ProposalCommentFactory.create(author=self.mem_b)
        services.comment_hide(actor=self.coord, comment=comment, reason="Fuera de tema")
        notice = _render(notifications.COMMENT_HIDDEN, {"comment": comment.pk}, self.mem_b)
        assert notice is not None
        self.assertIn("Fuera de tema", notice.text)
        # Shown again: nothing to say any more.
        services.comment_unhide(actor=self.coord, comment=comment)
        self.assertIsNone(
            _render(notifications.COMMENT_HIDDEN, {"comment": comment.pk}, self.mem_b)
        )

    def test_a_comment_is_not_told_once_hidden(self) -> None:
        comment = ProposalCommentFactory.create(author=self.reg, body="Hola")
        self.assertIsNotNone(_render(notifications.COMMENTED, {"comment": comment.pk}, self.mem_a))
        services.comment_hide(actor=self.coord, comment=comment, reason="x")
        self.assertIsNone(_render(notifications.COMMENTED, {"comment": comment.pk}, self.mem_a))


@override_settings(LANGUAGE_CODE="en")
class ProposalBotTests(RoleTestCase):
    def _ask(self, viewer: object, chat_type: str) -> str:
        request = BotRequest(
            command="propuestas",
            args="",
            chat_id=1,
            chat_type=chat_type,
            username="",
            viewer=viewer,  # type: ignore[arg-type]
            account=None,
        )
        return bot.proposals(request)

    def test_groups_see_open_public_proposals_and_members_see_internal_ones_too(self) -> None:
        ProposalFactory.create(title="Pública <i>", support_count=2)
        ProposalFactory.create(title="Interna", visibility=Visibility.MEMBERS)
        ProposalFactory.create(title="Retirada", status="withdrawn")
        group = self._ask(AnonymousUser(), "group")
        self.assertIn("Pública &lt;i&gt;", group)
        self.assertIn("2 supports", group)
        self.assertNotIn("Interna", group)
        self.assertNotIn("Retirada", group)
        self.assertIn("Interna", self._ask(self.mem_b, "private"))
