"""What agenda proposals tell people (registered from ``registrations.py``).

- ``participation.proposal_submitted``: a proposal was made → the coordination
  (transactional: a decision asked of them).
- ``participation.proposal_decided``: accepted into a meeting's agenda, or declined with a
  reason → its proposer (transactional: an answer to what they asked).
- ``participation.proposal_supported_decided``: the same → the people who supported it.
- ``participation.proposal_commented``: a comment → the proposer; a reply → the author of
  the comment replied to.
- ``participation.proposal_comment_hidden``: the coordination hid a comment → its author
  (transactional, with the reason).

Messages carry ids; renderers look again at delivery and say nothing when the recipient may
no longer see the proposal. None of these kinds is announced to groups or webhooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts.models import User
from minka.core.urls_util import absolute_url
from minka.core.visibility import can_see
from minka.notifications.kinds import EventKind, Notice, RenderContext, kind_register
from minka.notifications.services import notify
from minka.participation.proposals import permissions
from minka.participation.proposals.models import Proposal, ProposalComment

if TYPE_CHECKING:
    from collections.abc import Callable

SUBMITTED = "participation.proposal_submitted"
DECIDED = "participation.proposal_decided"
SUPPORTED_DECIDED = "participation.proposal_supported_decided"
COMMENTED = "participation.proposal_commented"
COMMENT_HIDDEN = "participation.proposal_comment_hidden"
EXCERPT = 500


def _coordinators() -> list[User]:
    roles = (User.Role.COORDINATOR, User.Role.ADMIN)
    return list(User.objects.filter(role__in=roles, is_active=True))


# --- Raised by the services, inside their transaction -----------------------------------


def proposal_submitted(proposal: Proposal, *, actor: User) -> int:
    return notify(
        SUBMITTED,
        key=f"proposal:{proposal.pk}:submitted",
        params={"proposal": proposal.pk},
        users=_coordinators(),
        exclude=actor,
    )


def proposal_decided(proposal: Proposal, *, actor: User) -> int:
    key = f"proposal:{proposal.pk}:{proposal.status}"
    params = {"proposal": proposal.pk}
    sent = 0
    if proposal.proposer is not None:
        sent += notify(DECIDED, key=key, params=params, users=[proposal.proposer], exclude=actor)
    supporters = User.objects.filter(proposal_supports__proposal=proposal, is_active=True)
    sent += notify(SUPPORTED_DECIDED, key=key, params=params, users=supporters, exclude=actor)
    return sent


def comment_posted(comment: ProposalComment, *, actor: User) -> int:
    recipient = comment.parent.author if comment.parent is not None else comment.proposal.proposer
    if recipient is None:
        return 0
    return notify(
        COMMENTED,
        key=f"proposal-comment:{comment.pk}",
        params={"comment": comment.pk},
        users=[recipient],
        exclude=actor,
    )


def comment_hidden(comment: ProposalComment, *, actor: User) -> int:
    if comment.author is None or comment.hidden_at is None:
        return 0
    return notify(
        COMMENT_HIDDEN,
        key=f"proposal-comment:{comment.pk}:hidden:{comment.hidden_at.isoformat()}",
        params={"comment": comment.pk},
        users=[comment.author],
        exclude=actor,
    )


# --- Rendered at delivery ---------------------------------------------------------------


def _pk(value: Any) -> int:
    return value if isinstance(value, int) else 0


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= EXCERPT else f"{text[: EXCERPT - 1].rstrip()}…"


def _notice(
    kind: str, proposal: Proposal, *, subject: str, headline: str, text: str, anchor: str = ""
) -> Notice:
    url = absolute_url(proposal.get_absolute_url()) + anchor
    ctx = {"subject": subject, "headline": headline, "text": _excerpt(text), "url": url}
    return Notice(
        subject=subject,
        text=render_to_string("participation/emails/proposal_notice_body.txt", ctx).strip(),
        html=render_to_string("participation/emails/proposal_notice_body.html", ctx),
        telegram=render_to_string(
            "participation/emails/proposal_notice_telegram.html", ctx
        ).strip(),
        url=url,
        payload={"event": kind, "proposal": str(proposal.public_id), "url": url},
    )


def _proposal_for(params: dict[str, Any], context: RenderContext) -> Proposal | None:
    if context.user is None or context.public:
        return None
    proposal: Proposal | None = Proposal.objects.filter(pk=_pk(params.get("proposal"))).first()
    if proposal is None or not permissions.can_view_proposal(context.user, proposal):
        return None
    return proposal


def _comment_for(params: dict[str, Any], context: RenderContext) -> ProposalComment | None:
    if context.user is None or context.public:
        return None
    comment = (
        ProposalComment.objects.select_related("proposal", "parent")
        .filter(pk=_pk(params.get("comment")))
        .first()
    )
    if comment is None or not permissions.can_view_proposal(context.user, comment.proposal):
        return None
    return comment


def render_submitted(params: dict[str, Any], context: RenderContext) -> Notice | None:
    proposal = _proposal_for(params, context)
    if proposal is None or not proposal.is_open:
        return None
    values = {"title": proposal.title}
    return _notice(
        SUBMITTED,
        proposal,
        subject=_("New agenda proposal: %(title)s") % values,
        headline=_("An agenda proposal awaits your decision: “%(title)s”.") % values,
        text=proposal.description,
    )


def _decision(proposal: Proposal, viewer: User) -> tuple[str, str, str] | None:
    meeting = proposal.meeting
    values = {"title": proposal.title, "meeting": meeting.title if meeting else ""}
    if proposal.status == Proposal.Status.ACCEPTED:
        # The meeting is named only to those who may see it.
        if meeting is not None and can_see(viewer, meeting.visibility):
            headline = _("The proposal “%(title)s” is on the agenda of “%(meeting)s”.") % values
        else:
            headline = _("The proposal “%(title)s” is on a meeting's agenda.") % values
        return (
            _("Proposal accepted: %(title)s") % values,
            headline,
            proposal.decision_reason,
        )
    if proposal.status == Proposal.Status.DECLINED:
        return (
            _("Proposal declined: %(title)s") % values,
            _("The coordination declined the proposal “%(title)s”. Its reason:") % values,
            proposal.decision_reason,
        )
    return None


def _render_decided(kind: str) -> Callable[[dict[str, Any], RenderContext], Notice | None]:
    def render(params: dict[str, Any], context: RenderContext) -> Notice | None:
        proposal = _proposal_for(params, context)
        decision = _decision(proposal, context.user) if proposal and context.user else None
        if proposal is None or decision is None:
            return None
        subject, headline, text = decision
        return _notice(kind, proposal, subject=subject, headline=headline, text=text)

    return render


def render_commented(params: dict[str, Any], context: RenderContext) -> Notice | None:
    comment = _comment_for(params, context)
    if comment is None or comment.is_hidden:
        return None
    values = {"title": comment.proposal.title}
    if comment.parent_id is not None:
        headline = _("Someone replied to your comment on “%(title)s”.") % values
    else:
        headline = _("Someone commented on your proposal “%(title)s”.") % values
    return _notice(
        COMMENTED,
        comment.proposal,
        subject=_("New comment on %(title)s") % values,
        headline=headline,
        text=comment.body,
        anchor=f"#comentario-{comment.pk}",
    )


def render_comment_hidden(params: dict[str, Any], context: RenderContext) -> Notice | None:
    comment = _comment_for(params, context)
    if comment is None or not comment.is_hidden:
        return None
    values = {"title": comment.proposal.title}
    return _notice(
        COMMENT_HIDDEN,
        comment.proposal,
        subject=_("Your comment was hidden: %(title)s") % values,
        headline=_("The coordination hid your comment on “%(title)s”. Its reason:") % values,
        text=comment.hidden_reason,
        anchor=f"#comentario-{comment.pk}",
    )


GROUP = gettext_lazy("Agenda proposals")


def register() -> None:
    kind_register(
        EventKind(
            code=SUBMITTED,
            label=gettext_lazy("An agenda proposal is made (coordination)"),
            group=GROUP,
            render=render_submitted,
            # A decision asked of the coordination: sent whatever the consent to news.
            transactional=True,
        )
    )
    kind_register(
        EventKind(
            code=DECIDED,
            label=gettext_lazy("My agenda proposal is accepted or declined"),
            group=GROUP,
            render=_render_decided(DECIDED),
            # The answer to what the person asked: sent whatever the consent to news.
            transactional=True,
        )
    )
    kind_register(
        EventKind(
            code=SUPPORTED_DECIDED,
            label=gettext_lazy("A proposal I support is accepted or declined"),
            group=GROUP,
            render=_render_decided(SUPPORTED_DECIDED),
        )
    )
    kind_register(
        EventKind(
            code=COMMENTED,
            label=gettext_lazy("Someone comments on my proposal or replies to my comment"),
            group=GROUP,
            render=render_commented,
        )
    )
    kind_register(
        EventKind(
            code=COMMENT_HIDDEN,
            label=gettext_lazy("The coordination hides my comment"),
            group=GROUP,
            render=render_comment_hidden,
            transactional=True,
        )
    )
