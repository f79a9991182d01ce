"""Writes of agenda proposals: propose, edit, withdraw, support and withdraw a support,
comment and reply, hide and show a comment, accept into a meeting's agenda, decline.

Every service checks its permission (``core.permissions.require``), validates with clear
``ValidationError`` messages and saves nothing on error, writes the audit log and the
notifications in its transaction and keeps the search index in step. Changes of status and
of ``support_count`` lock the proposal's row (``select_for_update``) first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka import search
from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import audit_changes, audit_record, model_snapshot
from minka.core.urls_util import absolute_url
from minka.core.visibility import Visibility
from minka.directory.models import Organization
from minka.meetings.models import AgendaItem, Meeting
from minka.meetings.services import meetings as meeting_services
from minka.participation.comments import comment_hide_fields, comment_unhide_fields
from minka.participation.proposals import notifications, permissions
from minka.participation.proposals.models import (
    PROPOSAL_VISIBILITIES,
    Proposal,
    ProposalComment,
    Support,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from minka.accounts.models import User

PROPOSAL_FIELDS = ("title", "description", "visibility", "meeting")
AGENDA_DESCRIPTION_MAX = 4000


class ProposalData(TypedDict, total=False):
    """What :func:`proposal_create` and :func:`proposal_update` take (the proposal form)."""

    title: str
    description: str
    visibility: str
    organizations: Iterable[Organization]
    meeting: Meeting | None


def _lock(proposal: Proposal) -> Proposal:
    locked: Proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    return locked


def _check_meeting(meeting: Meeting | None) -> None:
    """A proposal is meant for, or accepted into, a planned meeting still to come."""
    if meeting is None:
        return
    if meeting.status != Meeting.Status.PLANNED or meeting.ends_at < timezone.now():
        raise ValidationError(_("Choose a planned meeting that has not taken place yet."))


def _set_fields(proposal: Proposal, data: ProposalData) -> None:
    for name in PROPOSAL_FIELDS:
        if name in data:
            setattr(proposal, name, data[name])  # type: ignore[literal-required]
    if not proposal.title.strip():
        raise ValidationError(_("Give your proposal a title."))
    if not proposal.description.strip():
        raise ValidationError(_("Describe your proposal."))
    if proposal.visibility not in PROPOSAL_VISIBILITIES:
        raise ValidationError(_("A proposal is for the network's members or for everyone."))
    _check_meeting(proposal.meeting)
    proposal.full_clean(exclude=["proposer", "decided_by", "agenda_item", "meeting"])


def _default_organizations(actor: User) -> list[Organization]:
    from minka.directory.models import Organization

    return list(Organization.objects.filter(user_memberships__user=actor))


@transaction.atomic
def proposal_create(*, actor: User, data: ProposalData) -> Proposal:
    """A member proposes a topic; its organizations default to those the member represents.
    The coordination is told."""
    require(permissions.can_create_proposal(actor))
    proposal = Proposal(proposer=actor)
    _set_fields(proposal, data)
    proposal.save()
    organizations = list(data.get("organizations") or []) or _default_organizations(actor)
    proposal.organizations.set(organizations)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=proposal)
    search.index_object(proposal)
    notifications.proposal_submitted(proposal, actor=actor)
    return proposal


@transaction.atomic
def proposal_update(*, actor: User, proposal: Proposal, data: ProposalData) -> Proposal:
    """The proposer changes an open proposal that nobody supports yet."""
    proposal = _lock(proposal)
    require(permissions.is_proposer(actor, proposal))
    if not proposal.is_open:
        raise ValidationError(_("Only an open proposal can be changed."))
    if proposal.support_count:
        raise ValidationError(_("This proposal already has supports: it can no longer change."))
    require(permissions.can_edit_proposal(actor, proposal))
    before = model_snapshot(proposal)
    _set_fields(proposal, data)
    proposal.save()
    if "organizations" in data:
        proposal.organizations.set(list(data["organizations"]) or _default_organizations(actor))
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=proposal,
        changes=audit_changes(before, model_snapshot(proposal)),
    )
    search.index_object(proposal)
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal: Proposal) -> Proposal:
    """The proposer withdraws an open proposal (it leaves the search index)."""
    proposal = _lock(proposal)
    require(permissions.is_proposer(actor, proposal))
    if not proposal.is_open:
        raise ValidationError(_("Only an open proposal can be withdrawn."))
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=proposal,
        changes={"status": [Proposal.Status.OPEN, Proposal.Status.WITHDRAWN]},
    )
    search.index_object(proposal)
    return proposal


# --- Supports ---------------------------------------------------------------------------


def _recount(proposal: Proposal) -> None:
    proposal.support_count = Support.objects.filter(proposal=proposal).count()
    proposal.save(update_fields=["support_count"])


@transaction.atomic
def support_add(*, actor: User, proposal: Proposal) -> bool:
    """``actor`` supports an open proposal of someone else; return whether a support was
    added (supporting twice adds nothing). The proposal's row is locked, so that
    simultaneous supports queue and ``support_count`` stays the number of supports; the
    unique constraint turns any duplicate that slips through into "nothing added"."""
    require(permissions.can_take_part(actor, proposal))
    proposal = _lock(proposal)
    if not proposal.is_open:
        raise ValidationError(_("This proposal is no longer open to supports."))
    if permissions.is_proposer(actor, proposal):
        raise ValidationError(_("You cannot support your own proposal."))
    if Support.objects.filter(proposal=proposal, user=actor).exists():
        return False
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, user=actor)
    except IntegrityError:
        return False
    _recount(proposal)
    return True


@transaction.atomic
def support_remove(*, actor: User, proposal: Proposal) -> bool:
    """``actor`` withdraws their support of an open proposal; return whether there was one."""
    require(permissions.can_take_part(actor, proposal))
    proposal = _lock(proposal)
    if not proposal.is_open:
        raise ValidationError(_("This proposal was decided: supports no longer change."))
    deleted, _rows = Support.objects.filter(proposal=proposal, user=actor).delete()
    if deleted:
        _recount(proposal)
    return bool(deleted)


# --- Comments ---------------------------------------------------------------------------


@transaction.atomic
def comment_create(
    *, actor: User, proposal: Proposal, body: str, parent: ProposalComment | None = None
) -> ProposalComment:
    """A comment on an open proposal, or a reply to one of its comments (replies take no
    replies). The proposer, or the author of the comment replied to, is told."""
    require(permissions.can_take_part(actor, proposal))
    if not proposal.is_open:
        raise ValidationError(_("This proposal is closed to comments."))
    if not body.strip():
        raise ValidationError(_("Write your comment."))
    if parent is not None:
        if parent.proposal_id != proposal.pk:
            raise ValidationError(_("Reply to a comment of this proposal."))
        if parent.parent_id is not None:
            raise ValidationError(_("Replies take no replies: answer the first comment."))
    comment = ProposalComment(proposal=proposal, author=actor, parent=parent, body=body)
    comment.full_clean(exclude=["author", "parent", "hidden_by"])
    comment.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=comment)
    notifications.comment_posted(comment, actor=actor)
    return comment


@transaction.atomic
def comment_hide(*, actor: User, comment: ProposalComment, reason: str) -> ProposalComment:
    """The coordination hides a comment with a reason its author still reads (the others
    read "hidden by the coordination"); the author is told."""
    require(permissions.can_moderate_comments(actor))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the comment is hidden."))
    comment = ProposalComment.objects.select_for_update().get(pk=comment.pk)
    comment_hide_fields(comment, actor=actor, reason=reason)
    notifications.comment_hidden(comment, actor=actor)
    return comment


@transaction.atomic
def comment_unhide(*, actor: User, comment: ProposalComment) -> ProposalComment:
    """The coordination shows a hidden comment again."""
    require(permissions.can_moderate_comments(actor))
    comment = ProposalComment.objects.select_for_update().get(pk=comment.pk)
    comment_unhide_fields(comment, actor=actor)
    return comment


# --- Decisions --------------------------------------------------------------------------


def _require_undecided(proposal: Proposal) -> None:
    if proposal.status in (Proposal.Status.ACCEPTED, Proposal.Status.DECLINED):
        raise ValidationError(_("This proposal was already decided."))
    if not proposal.is_open:
        raise ValidationError(_("This proposal was withdrawn by its proposer."))


def _agenda_description(proposal: Proposal, meeting: Meeting) -> str:
    """The proposal's description, then who proposed it, with a link back. A public agenda
    names only the organizations anyone may see (never an applicant)."""
    organizations = proposal.organizations.order_by("name")
    if meeting.visibility == Visibility.PUBLIC:
        organizations = organizations.filter(membership_status__in=Organization.PUBLIC_STATUSES)
    names = ", ".join(o.acronym or o.name for o in organizations)
    link = absolute_url(proposal.get_absolute_url())
    if names:
        credit = _("[Proposed by %(organizations)s](%(url)s)") % {
            "organizations": names,
            "url": link,
        }
    else:
        credit = _("[See the proposal](%(url)s)") % {"url": link}
    room = AGENDA_DESCRIPTION_MAX - len(credit) - 4
    text = proposal.description.strip()
    if len(text) > room:
        text = text[: room - 1].rstrip() + "…"
    return f"{text}\n\n{credit}"


def _record_decision(actor: User, proposal: Proposal, status: str, reason: str) -> None:
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason
    proposal.full_clean(exclude=["proposer", "decided_by", "agenda_item", "meeting"])
    proposal.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=proposal,
        changes={"status": [Proposal.Status.OPEN, status]},
    )
    search.index_object(proposal)
    notifications.proposal_decided(proposal, actor=actor)


@transaction.atomic
def proposal_accept(
    *, actor: User, proposal: Proposal, meeting: Meeting, reason: str = ""
) -> Proposal:
    """Put an open proposal on the agenda of a planned meeting (an agenda item of kind
    "proposal", linked both ways); decided once. An internal proposal goes only to a
    meeting that is not public, so that its text never reaches the public by the agenda."""
    require(permissions.can_decide_proposals(actor))
    proposal = _lock(proposal)
    _require_undecided(proposal)
    if meeting is None:
        raise ValidationError(_("Choose the meeting whose agenda receives it."))
    _check_meeting(meeting)
    if proposal.visibility != Visibility.PUBLIC and meeting.visibility == Visibility.PUBLIC:
        raise ValidationError(
            _(
                "This proposal is for members only and the meeting is public: choose a "
                "meeting for members."
            )
        )
    item = meeting_services.agenda_item_create(
        actor=actor,
        meeting=meeting,
        data={
            "title": proposal.title,
            "description": _agenda_description(proposal, meeting),
            "kind": AgendaItem.Kind.PROPOSAL,
        },
    )
    proposal.agenda_item = item
    proposal.meeting = meeting
    _record_decision(actor, proposal, Proposal.Status.ACCEPTED, reason.strip())
    return proposal


@transaction.atomic
def proposal_decline(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    """Decline an open proposal with a reason the proposer and the supporters read."""
    require(permissions.can_decide_proposals(actor))
    proposal = _lock(proposal)
    _require_undecided(proposal)
    if not reason.strip():
        raise ValidationError(_("Say why the proposal is declined."))
    _record_decision(actor, proposal, Proposal.Status.DECLINED, reason.strip())
    return proposal
