"""Reads of the agreements app: commitments and goals as the viewer may see them, goal
progress, and the dashboard's figures (a fixed number of queries, whatever the count)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from minka.agreements.models import (
    OPEN_STATUSES,
    Commitment,
    CommitmentQuerySet,
    CommitmentUpdate,
    Goal,
    GoalCommitment,
    Status,
)
from minka.directory.models import Topic
from minka.directory.permissions import people_visible_to
from minka.directory.selectors import organizations_visible_to

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import date
    from uuid import UUID

    from django.db.models import QuerySet

    from minka.core.types import Actor
    from minka.meetings.models import Meeting


_QS = TypeVar("_QS", bound="QuerySet[Any]")


def commitments_visible_to(user: Actor) -> CommitmentQuerySet:
    return Commitment.objects.visible_to(user)


def goals_visible_to(user: Actor) -> QuerySet[Goal]:
    return Goal.objects.visible_to(user)


FILTERS = ("status", "topic", "organization", "goal", "overdue")


def with_owners(queryset: _QS, user: Actor) -> _QS:
    """``queryset`` (of commitments or goals) with the owners ``user`` may see prefetched:
    organizations the directory shows them (an applicant's name stays with members), and,
    for commitments, people as their consent allows."""
    organizations = organizations_visible_to(user).only("name", "acronym", "slug")
    lookups: list[Any] = [
        Prefetch("responsible_organizations", queryset=organizations.order_by("name"))
    ]
    if queryset.model is Commitment:
        people = people_visible_to(user).only("full_name", "public_id").order_by("full_name")
        lookups.append(Prefetch("responsible_people", queryset=people))
    return queryset.prefetch_related(*lookups)


def commitment_list(
    *, user: Actor, filters: Mapping[str, str] | None = None
) -> QuerySet[Commitment]:
    """The commitments ``user`` may see, filtered (status, topic slug, organization slug,
    goal public id, ``overdue=1``), with what the list shows (owners, topics)."""
    filters = filters or {}
    queryset = commitments_visible_to(user)
    if status := filters.get("status"):
        queryset = queryset.filter(status=status) if status in Status.values else queryset.none()
    if topic := filters.get("topic"):
        queryset = queryset.filter(topics__slug=topic)
    if organization := filters.get("organization"):
        owners = organizations_visible_to(user).filter(slug=organization)
        queryset = queryset.filter(responsible_organizations__in=owners)
    if goal := filters.get("goal"):
        try:
            queryset = queryset.filter(goals__public_id=goal)
        except ValueError:
            queryset = queryset.none()
    if filters.get("overdue") == "1":
        queryset = queryset.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
    return with_owners(
        queryset.distinct()
        .select_related("meeting")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
        .order_by("due_date", "pk"),
        user,
    )


def commitment_get(*, user: Actor, public_id: UUID) -> Commitment:
    """One commitment ``user`` may see (404 otherwise), with its owners and origin."""
    commitment: Commitment | None = with_owners(
        commitments_visible_to(user)
        .select_related("meeting", "minutes__meeting", "created_by")
        .prefetch_related("topics")
        .filter(public_id=public_id),
        user,
    ).first()
    if commitment is None:
        raise Http404
    return commitment


def commitment_updates(commitment: Commitment, user: Actor) -> list[CommitmentUpdate]:
    """The history, newest first, with the evidence documents ``user`` may see."""
    from minka.documents.models import Document

    return list(
        commitment.updates.select_related("author", "reviewed_by").prefetch_related(
            Prefetch(
                "documents",
                queryset=Document.objects.visible_to(user).order_by("title"),
                to_attr="visible_documents",
            )
        )
    )


def goal_get(*, user: Actor, public_id: UUID) -> Goal:
    goal = with_owners(
        goals_visible_to(user).select_related("parent").filter(public_id=public_id), user
    ).first()
    if goal is None:
        raise Http404
    return goal


# --- Goal progress ------------------------------------------------------------------------------


def commitment_score(status: str, progress: int) -> Decimal | None:
    """A commitment's share of done, 0 to 1, as a goal counts it: done counts whole, a
    cancelled one does not count at all (``None``)."""
    if status == Status.CANCELLED:
        return None
    if status == Status.DONE:
        return Decimal(1)
    return Decimal(progress) / 100


@dataclass
class GoalProgress:
    """A goal with its progress (0 to 100, ``None`` when nothing counts yet)."""

    goal: Goal
    percent: int | None
    commitments: int = 0
    results: list[GoalProgress] = field(default_factory=list)


def goal_progress(goals: Iterable[Goal], user: Actor) -> dict[int, GoalProgress]:
    """Progress of ``goals`` (and of their results, which must be among them to count):
    reported goals give their own figure; computed ones the weighted mean of their
    commitments (weights of the goal-commitment link) and of their results (each result's
    weight), counting only what ``user`` may see. Two queries for all goals."""
    goals = list(goals)
    by_id = {goal.pk: goal for goal in goals}
    links: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    counted: Counter[int] = Counter()
    visible = commitments_visible_to(user).values("pk")
    rows = GoalCommitment.objects.filter(goal__in=by_id, commitment__in=visible).values_list(
        "goal_id", "weight", "commitment__status", "commitment__progress"
    )
    for goal_id, weight, status, progress in rows:
        score = commitment_score(status, progress)
        counted[goal_id] += 1
        if score is not None:
            links[goal_id].append((score, weight))
    children: dict[int, list[Goal]] = defaultdict(list)
    for goal in goals:
        if goal.parent_id in by_id:
            children[goal.parent_id].append(goal)
    done: dict[int, GoalProgress] = {}

    def compute(goal: Goal, seen: frozenset[int]) -> GoalProgress:
        if goal.pk in done:
            return done[goal.pk]
        results = [
            compute(child, seen | {goal.pk}) for child in children[goal.pk] if child.pk not in seen
        ]
        if goal.mode == Goal.Mode.REPORTED:
            percent = goal.reported_progress
        else:
            parts = list(links[goal.pk])
            parts += [
                (Decimal(result.percent) / 100, result.goal.weight)
                for result in results
                if result.percent is not None
            ]
            total = sum(weight for _score, weight in parts)
            percent = (
                round(sum(score * weight for score, weight in parts) / total * 100)
                if total
                else None
            )
        progress = GoalProgress(goal, percent, counted[goal.pk], results)
        done[goal.pk] = progress
        return progress

    for goal in goals:
        compute(goal, frozenset())
    return done


# --- The dashboard -----------------------------------------------------------------------------


@dataclass
class Dashboard:
    """What ``/acuerdos/`` shows, for one viewer and one set of filters."""

    by_status: dict[str, int]
    total: int
    overdue: list[Commitment]
    due_soon: list[Commitment]
    by_topic: list[tuple[str, str, int, int]]  # slug, name, open, done
    by_organization: list[tuple[str, str, int, int, int]]  # slug, name, open, done, overdue
    timeline: list[tuple[date, int]]  # month start, open commitments due that month
    goals: list[GoalProgress]
    today: date


def dashboard(*, user: Actor, filters: Mapping[str, str] | None = None) -> Dashboard:
    """The dashboard's figures over the commitments ``user`` may see with ``filters``: a
    fixed number of queries (8), whatever the number of commitments and goals."""
    today = timezone.localdate()
    commitments = commitment_list(user=user, filters=filters)
    ids = commitments.values("pk")
    base = Commitment.objects.filter(pk__in=ids)
    by_status = dict.fromkeys(Status.values, 0)
    for row in base.values("status").annotate(n=Count("pk")):
        by_status[row["status"]] = row["n"]
    open_q = Q(status__in=OPEN_STATUSES)
    overdue = list(commitments.filter(open_q, due_date__lt=today).order_by("due_date", "pk")[:50])
    due_soon = list(
        commitments.filter(
            open_q, due_date__gte=today, due_date__lte=today + timedelta(days=30)
        ).order_by("due_date", "pk")[:50]
    )
    by_topic = [
        (row["topics__slug"], row["topics__name"], row["open"], row["done"])
        for row in base.filter(topics__isnull=False)
        .values("topics__slug", "topics__name")
        .annotate(open=Count("pk", filter=open_q), done=Count("pk", filter=Q(status=Status.DONE)))
        .order_by("topics__name")
    ]
    overdue_q = open_q & Q(due_date__lt=today)
    by_organization = [
        (
            row["responsible_organizations__slug"],
            row["responsible_organizations__acronym"] or row["responsible_organizations__name"],
            row["open"],
            row["done"],
            row["late"],
        )
        for row in base.filter(responsible_organizations__in=organizations_visible_to(user))
        .values(
            "responsible_organizations__slug",
            "responsible_organizations__name",
            "responsible_organizations__acronym",
        )
        .annotate(
            open=Count("pk", filter=open_q),
            done=Count("pk", filter=Q(status=Status.DONE)),
            late=Count("pk", filter=overdue_q),
        )
        .order_by("responsible_organizations__name")
    ]
    timeline = [
        (row["month"], row["n"])
        for row in base.filter(open_q, due_date__isnull=False)
        .annotate(month=TruncMonth("due_date"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    ]
    goals = list(goals_visible_to(user).order_by("deadline", "title", "pk"))
    progress = goal_progress(goals, user)
    top = [
        progress[goal.pk]
        for goal in goals
        if goal.parent_id is None or goal.parent_id not in progress
    ]
    return Dashboard(
        by_status=by_status,
        total=sum(by_status.values()),
        overdue=overdue,
        due_soon=due_soon,
        by_topic=by_topic,
        by_organization=by_organization,
        timeline=timeline,
        goals=top,
        today=today,
    )


def home_summary(user: Actor) -> dict[str, Any]:
    """What the home page shows of the commitments: due in the next 30 days, overdue, and
    the progress of the top goals (four queries)."""
    today = timezone.localdate()
    visible = with_owners(commitments_visible_to(user), user)
    # Every goal the viewer may see, so that results count in their goal's progress.
    everything = list(goals_visible_to(user).order_by("deadline", "title", "pk"))
    progress = goal_progress(everything, user)
    goals = [goal for goal in everything if goal.parent_id not in progress][:5]
    return {
        "due_soon": list(
            visible.open()
            .filter(due_date__gte=today, due_date__lte=today + timedelta(days=30))
            .order_by("due_date")[:5]
        ),
        "overdue": list(visible.overdue().order_by("due_date")[:5]),
        "goals": [progress[goal.pk] for goal in goals],
    }


def follow_up_commitments(user: Actor, meeting: Meeting) -> list[Commitment]:
    """What a meeting follows up: the open commitments ``user`` may see that are due by the
    meeting's day or were agreed at an earlier meeting of its series, overdue first, each
    with its latest update (three queries)."""
    day = timezone.localtime(meeting.starts_at).date()
    earlier = Q(meeting__starts_at__lt=meeting.starts_at)
    if meeting.series_id is not None:
        earlier &= Q(meeting__series_id=meeting.series_id)
    queryset = with_owners(
        commitments_visible_to(user)
        .open()
        .filter(earlier | Q(due_date__lte=day))
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=CommitmentUpdate.objects.order_by("-created_at", "-pk"),
                to_attr="history",
            ),
        )
        .order_by("due_date", "pk")
        .distinct(),
        user,
    )
    return list(queryset[:100])
