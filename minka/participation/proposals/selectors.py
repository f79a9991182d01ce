"""Reads of agenda proposals: lists (with their counts, a fixed number of queries whatever
the rows), one proposal as the viewer may see it, its thread, and what the home page and the
bot show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from minka.directory.selectors import organizations_visible_to
from minka.meetings.models import Meeting
from minka.participation.proposals.models import (
    Proposal,
    ProposalComment,
    ProposalQuerySet,
    Support,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from uuid import UUID

    from minka.core.types import Actor

STATUS_FILTERS = ("open", "accepted", "declined", "withdrawn", "all")
SORTS = ("supports", "newest")


def proposals_visible_to(user: Actor) -> ProposalQuerySet:
    return Proposal.objects.visible_to(user)


def _with_details(proposals: QuerySet[Proposal], user: Actor) -> QuerySet[Proposal]:
    """The organizations the viewer may see (an applicant stays with members), the proposer,
    the meeting, and the number of comments shown (hidden ones are not counted)."""
    return (
        proposals.select_related("proposer", "meeting")
        .prefetch_related(
            Prefetch(
                "organizations",
                queryset=organizations_visible_to(user).order_by("name"),
                to_attr="visible_organizations",
            )
        )
        .annotate(comment_count=Count("comments", filter=Q(comments__hidden_at__isnull=True)))
    )


def proposal_list(*, user: Actor, filters: Mapping[str, str]) -> QuerySet[Proposal]:
    """The proposals ``user`` may see, filtered by ``status`` (default: open; ``all``) and
    sorted by ``sort`` (``supports``, the default, or ``newest``)."""
    proposals = proposals_visible_to(user)
    status = filters.get("status") or "open"
    if status != "all":
        proposals = proposals.filter(status=status)
    if filters.get("sort") == "newest":
        ordered = proposals.order_by("-created_at", "-pk")
    else:
        ordered = proposals.order_by("-support_count", "-created_at", "-pk")
    return _with_details(ordered, user)


def proposal_get(*, user: Actor, public_id: UUID | str) -> Proposal:
    """The proposal, as ``user`` may see it (404 when hidden from them or unknown)."""
    proposal = _with_details(proposals_visible_to(user), user).filter(public_id=public_id).first()
    if proposal is None:
        raise Http404
    return proposal


def proposals_awaiting_support(user: Actor, *, limit: int = 5) -> list[Proposal]:
    """For the home page: open proposals ``user`` may see, most supported first."""
    ordered = proposals_visible_to(user).open().order_by("-support_count", "-created_at", "-pk")
    return list(_with_details(ordered, user)[:limit])


@dataclass
class Thread:
    """A proposal's comments, each with its replies (``comment.thread_replies``)."""

    comments: Sequence[ProposalComment]
    count: int


def proposal_thread(proposal: Proposal) -> Thread:
    """The comments of ``proposal`` in order, replies under their comment (two queries)."""
    replies = ProposalComment.objects.select_related("author").order_by("created_at", "pk")
    comments = list(
        ProposalComment.objects.filter(proposal=proposal, parent__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="thread_replies"))
        .order_by("created_at", "pk")
    )
    count = sum(1 + len(c.thread_replies) for c in comments)
    return Thread(comments, count)


def has_supported(user: Actor, proposal: Proposal) -> bool:
    if not user.is_authenticated:
        return False
    return Support.objects.filter(proposal=proposal, user=user).exists()


def meetings_for_proposals(user: Actor) -> QuerySet[Meeting]:
    """The planned meetings still to come that ``user`` may see: where a proposal may be
    meant to go, or be accepted into."""
    return (
        Meeting.objects.visible_to(user)
        .filter(status=Meeting.Status.PLANNED, ends_at__gte=timezone.now())
        .order_by("starts_at", "pk")
    )
