"""Reads for the minutes pages, each with a fixed number of queries whatever the size."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.http import Http404

from minka.documents.models import Document
from minka.meetings import permissions
from minka.meetings.minutes.content import MinutesContent, Presentation
from minka.meetings.minutes.models import Minutes, MinutesRevision, Observation, Section

if TYPE_CHECKING:
    from datetime import datetime

    from minka.core.types import Actor
    from minka.meetings.models import Meeting


@dataclass
class SectionObservations:
    key: str
    label: str
    observations: list[Observation] = field(default_factory=list)


@dataclass
class MinutesPage:
    """What the minutes page shows, read in a handful of queries."""

    content: MinutesContent
    # Each presentation with the linked documents the viewer may see.
    presentations: list[tuple[Presentation, list[Document]]]
    errata: list[MinutesRevision]
    observations: list[SectionObservations] | None  # None: not for this viewer
    observation_count: int = 0


def content_of(minutes: Minutes) -> MinutesContent:
    revision = minutes.current_revision
    return MinutesContent.from_json(revision.content if revision is not None else None)


def documents_by_id(*, user: Actor, public_ids: list[str]) -> dict[str, Document]:
    """The documents among ``public_ids`` that ``user`` may see (one query)."""
    if not public_ids:
        return {}
    documents = Document.objects.visible_to(user).filter(public_id__in=set(public_ids))
    return {str(document.public_id): document for document in documents}


def agenda_documents(*, user: Actor, meeting: Meeting) -> list[Document]:
    """Documents of the meeting's agenda that ``user`` may see, for linking a presentation."""
    return list(
        Document.objects.visible_to(user)
        .filter(agenda_items__meeting=meeting)
        .distinct()
        .order_by("title", "pk")
    )


def observations_by_section(minutes: Minutes) -> list[SectionObservations]:
    groups = {key: SectionObservations(key, str(label)) for key, label in Section.choices}
    for observation in minutes.observations.select_related("author").order_by("created_at", "pk"):
        groups[observation.section].observations.append(observation)
    return list(groups.values())


def minutes_page(*, user: Actor, minutes: Minutes) -> MinutesPage:
    content = content_of(minutes)
    ids = [public_id for p in content.presentations for public_id in p.documents]
    observations = None
    count = 0
    if permissions.can_view_observations(user, minutes):
        observations = observations_by_section(minutes)
        count = sum(len(group.observations) for group in observations)
    documents = documents_by_id(user=user, public_ids=ids)
    return MinutesPage(
        content=content,
        presentations=[
            (p, [documents[i] for i in p.documents if i in documents])
            for p in content.presentations
        ],
        errata=list(minutes.revisions.filter(kind=MinutesRevision.Kind.ERRATUM).order_by("number")),
        observations=observations,
        observation_count=count,
    )


@dataclass
class ApprovalSummary:
    """What the coordinator confirms before approving (see ``minutes_approve``).

    Observations carry no "resolved" mark: one written on the current revision is
    *pending* (the minutes were not edited since it arrived); one written on an earlier
    revision may have been taken into account by a later edit."""

    pending: list[Observation]
    earlier: int
    review_open: bool
    deadline: datetime | None


def approval_summary(minutes: Minutes) -> ApprovalSummary:
    """Two queries: the observations with their authors (the revision is already loaded)."""
    revision = minutes.current_revision
    current = revision.number if revision is not None else 0
    observations = list(
        minutes.observations.select_related("author").order_by("section", "created_at", "pk")
    )
    pending = [o for o in observations if o.revision_number >= current]
    return ApprovalSummary(
        pending=pending,
        earlier=len(observations) - len(pending),
        review_open=permissions.review_open(minutes),
        deadline=minutes.review_deadline,
    )


def revisions_visible(*, user: Actor, minutes: Minutes) -> list[MinutesRevision]:
    """The revisions ``user`` may read, newest first, with their authors."""
    revisions = minutes.revisions.select_related("author").defer("content").order_by("-number")
    return [r for r in revisions if permissions.can_view_revision(user, minutes, r)]


def revision_get(*, user: Actor, minutes: Minutes, number: int) -> MinutesRevision:
    revision = minutes.revisions.filter(number=number).first()
    if revision is None or not permissions.can_view_revision(user, minutes, revision):
        raise Http404
    return revision


def minutes_of(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.select_related("current_revision").filter(meeting=meeting).first()
