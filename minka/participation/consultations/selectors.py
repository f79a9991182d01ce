"""Reads of the consultations: lists, a consultation with its sections and comments, the
moderation queue, the CSV rows and the home page's open consultations.

Every selector takes the viewer and returns only what they may see; lookups of what they
may not see raise ``Http404``. Each runs a fixed number of queries whatever the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from minka.participation.consultations.models import (
    CommentReport,
    Consultation,
    ConsultationComment,
    ConsultationQuerySet,
    ConsultationSection,
    Phase,
)

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from django.db.models import QuerySet

    from minka.core.types import Actor

CLOSED_LIMIT = 50


def consultations_visible_to(user: Actor) -> ConsultationQuerySet:
    queryset: ConsultationQuerySet = Consultation.objects.visible_to(user)
    return queryset


def _with_counts(queryset: ConsultationQuerySet) -> ConsultationQuerySet:
    counted: ConsultationQuerySet = queryset.select_related("document").annotate(
        comment_count=Count("comments", filter=Q(comments__hidden_at__isnull=True))
    )
    return counted


@dataclass
class ConsultationLists:
    open: list[Consultation] = field(default_factory=list)
    upcoming: list[Consultation] = field(default_factory=list)
    closed: list[Consultation] = field(default_factory=list)


def consultation_list(*, user: Actor, now: datetime | None = None) -> ConsultationLists:
    """The consultations ``user`` may see: open (closing first), upcoming (opening first) and
    the :data:`CLOSED_LIMIT` most recently closed; with their document and the number of
    shown comments. Two queries."""
    now = now or timezone.now()
    visible = _with_counts(consultations_visible_to(user))
    lists = ConsultationLists()
    for consultation in visible.filter(closes_at__gt=now).order_by("closes_at", "pk"):
        if consultation.phase(now) == Phase.OPEN:
            lists.open.append(consultation)
        else:
            lists.upcoming.append(consultation)
    lists.upcoming.sort(key=lambda c: (c.opens_at, c.pk))
    lists.closed = list(visible.closed(now).order_by("-closes_at", "-pk")[:CLOSED_LIMIT])
    return lists


def consultations_open(user: Actor, *, limit: int = 5) -> list[Consultation]:
    """The open consultations ``user`` may see, closing soonest first (for the home page):
    one query."""
    open_now = _with_counts(consultations_visible_to(user).open())
    return list(open_now.order_by("closes_at", "pk")[:limit])


def consultation_get(*, user: Actor, public_id: UUID | str) -> Consultation:
    """The consultation ``user`` may see (``Http404`` otherwise), with its document."""
    consultation: Consultation | None = (
        consultations_visible_to(user).select_related("document").filter(public_id=public_id)
    ).first()
    if consultation is None:
        raise Http404
    return consultation


def comment_get(*, consultation: Consultation, pk: int) -> ConsultationComment:
    """A comment of ``consultation`` (``Http404`` for another consultation's)."""
    comment = (
        ConsultationComment.objects.select_related("section", "author")
        .filter(consultation=consultation, pk=pk)
        .first()
    )
    if comment is None:
        raise Http404
    comment.consultation = consultation
    return comment


@dataclass
class SectionComments:
    """The comments about one section, or about the whole document (``section`` None)."""

    section: ConsultationSection | None
    comments: list[ConsultationComment]


def consultation_sections(consultation: Consultation) -> list[ConsultationSection]:
    return list(consultation.sections.order_by("number"))


def consultation_comments(
    consultation: Consultation, sections: list[ConsultationSection]
) -> list[SectionComments]:
    """The comments grouped as the page shows them: the whole document first, then each
    section in order (groups without comments included). One query."""
    comments = list(consultation.comments.select_related("author").order_by("created_at", "pk"))
    groups: dict[int | None, list[ConsultationComment]] = {None: []}
    groups.update({section.pk: [] for section in sections})
    for comment in comments:
        comment.consultation = consultation
        groups.setdefault(comment.section_id, []).append(comment)
    result = [SectionComments(None, groups[None])]
    result += [SectionComments(section, groups[section.pk]) for section in sections]
    return result


def open_reports(consultation: Consultation) -> list[CommentReport]:
    """The reports not yet resolved on ``consultation``'s comments, oldest first, with the
    comment, its author and section, and the reporter. One query."""
    return list(
        CommentReport.objects.filter(comment__consultation=consultation, resolved_at__isnull=True)
        .select_related("comment__author", "comment__section", "reporter")
        .order_by("created_at", "pk")
    )


def hidden_comments(consultation: Consultation) -> list[ConsultationComment]:
    return list(
        consultation.comments.filter(hidden_at__isnull=False)
        .select_related("author", "section", "hidden_by")
        .order_by("-hidden_at", "-pk")
    )


def report_counts(consultation: Consultation) -> dict[int, int]:
    """Open reports by comment id (for coordinators' view of the page). One query."""
    rows = (
        CommentReport.objects.filter(comment__consultation=consultation, resolved_at__isnull=True)
        .values("comment_id")
        .annotate(n=Count("pk"))
        .values_list("comment_id", "n")
    )
    return dict(rows)


def export_comments(consultation: Consultation) -> QuerySet[ConsultationComment]:
    """Every comment, hidden ones included (the export is for coordinators), in order."""
    return consultation.comments.select_related("author", "section").order_by("created_at", "pk")


def commenter_ids(consultation: Consultation) -> set[int]:
    return set(
        consultation.comments.exclude(author=None).values_list("author_id", flat=True).distinct()
    )
