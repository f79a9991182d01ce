"""Reads of the agreements app: commitments and goals as the viewer may see them, goal
progress, and the dashboard's figures (a fixed number of queries, whatever the count)."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, Prefetch, Q
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from minka.agreements.models import (
    OPEN_STATUSES,
    Commitment,
    CommitmentQuerySet,
    CommitmentUpdate,
    Goal,
    GoalCommitment,
    Status,
)
from minka.core.visibility import visibilities_for
from minka.directory.models import Organization, Topic
from minka.directory.permissions import people_visible_to
from minka.directory.selectors import organizations_visible_to

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
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


def _filtered(user: Actor, filters: Mapping[str, str]) -> QuerySet[Commitment]:
    """The commitments ``user`` may see, filtered. Each filter on a many-to-many relation
    names one row by a unique field (a topic's or organization's slug, a goal's public id),
    so no commitment is repeated and no ``DISTINCT`` is needed."""
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
    return queryset


def commitment_list(
    *, user: Actor, filters: Mapping[str, str] | None = None
) -> QuerySet[Commitment]:
    """The commitments ``user`` may see, filtered (status, topic slug, organization slug,
    goal public id, ``overdue=1``), with what the list shows (owners, topics)."""
    return with_owners(
        _filtered(user, filters or {})
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
        .order_by("due_date", "pk"),
        user,
    )


# What a commitment's line in a list shows (``agreements/partials/commitment_item.html``).
LIST_FIELDS = ("public_id", "title", "status", "due_date", "progress", "responsible_text")


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
    # The visibility is checked here, not in SQL: with ``commitment__visibility__in`` (or
    # ``commitment__in`` a subquery) SQLite may probe every pair of goal and commitment.
    levels = set(visibilities_for(user))
    rows = GoalCommitment.objects.filter(goal__in=by_id).values_list(
        "goal_id", "weight", "commitment__status", "commitment__progress", "commitment__visibility"
    )
    for goal_id, weight, status, progress, visibility in rows:
        if visibility not in levels:
            continue
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


# A commitment's state, as the dashboard counts it.
_OPEN, _LATE, _DONE, _OTHER = range(4)

# How many overdue and due-soon commitments the dashboard lists (the rest: a link to them).
LIST_LENGTH = 10


@dataclass
class Dashboard:
    """What ``/acuerdos/`` shows, for one viewer and one set of filters."""

    by_status: dict[str, int]
    total: int
    by_topic: list[tuple[str, str, int, int]]  # slug, name, open, done
    by_organization: list[tuple[str, str, int, int, int]]  # slug, name, open, done, overdue
    timeline: list[tuple[date, int]]  # month start, open commitments due that month
    goals: list[GoalProgress]
    today: date


def dashboard(*, user: Actor, filters: Mapping[str, str] | None = None) -> Dashboard:
    """The dashboard's figures over the commitments ``user`` may see with ``filters``, in a
    fixed number of queries whatever the number of commitments and goals (6).

    The counts are made here from narrow rows (each commitment's id, status and due date,
    read from an index; the topic and organization links), not by ``GROUP BY`` joins whose
    plan SQLite would choose without statistics (tried: from 10 to 450 ms a query at 5,000
    commitments, depending on the indexes present)."""
    today = timezone.localdate()
    # Each commitment as one small code; due dates read as ISO text ("2026-12-04"), which
    # compares as the dates do and skips a date conversion per row (PostgreSQL writes dates
    # so with its ISO DateStyle, which psycopg needs anyway).
    late_before = today.isoformat()
    states: dict[int, int] = {}
    by_status = dict.fromkeys(Status.values, 0)
    months: Counter[str] = Counter()
    for pk, status, due in (
        _filtered(user, filters or {})
        .order_by()
        .values_list("pk", "status", Cast("due_date", output_field=CharField()))
    ):
        by_status[status] += 1
        if status in OPEN_STATUSES:
            states[pk] = _LATE if due is not None and due < late_before else _OPEN
            if due is not None:
                months[due[:7]] += 1
        else:
            states[pk] = _DONE if status == Status.DONE else _OTHER

    def tally(links: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
        """Per topic or organization: [open, done, overdue]."""
        counts: dict[int, list[int]] = {}
        for commitment_id, other_id in links:
            state = states.get(commitment_id)
            if state is None:
                continue
            count = counts.get(other_id)
            if count is None:
                count = counts[other_id] = [0, 0, 0]
            if state == _DONE:
                count[1] += 1
            elif state != _OTHER:
                count[0] += 1
                if state == _LATE:
                    count[2] += 1
        return counts

    topics = tally(Commitment.topics.through.objects.values_list("commitment_id", "topic_id"))
    by_topic = [
        (slug, name, topics[pk][0], topics[pk][1])
        for pk, slug, name in Topic.objects.filter(pk__in=list(topics))
        .order_by("name")
        .values_list("pk", "slug", "name")
    ]
    owners = tally(
        Commitment.responsible_organizations.through.objects.values_list(
            "commitment_id", "organization_id"
        )
    )
    by_organization = [
        (slug, acronym or name, owners[pk][0], owners[pk][1], owners[pk][2])
        for pk, slug, name, acronym in organizations_visible_to(user)
        .filter(pk__in=list(owners))
        .order_by("name")
        .values_list("pk", "slug", "name", "acronym")
    ]
    timeline = [
        (date(int(month[:4]), int(month[5:7]), 1), n) for month, n in sorted(months.items())
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
        by_topic=by_topic,
        by_organization=by_organization,
        timeline=timeline,
        goals=top,
        today=today,
    )


@dataclass
class DashboardLists:
    """The dashboard's live lists: the first overdue commitments and those due in 30 days."""

    overdue: list[Commitment]  # the first LIST_LENGTH of overdue_count
    overdue_count: int
    due_soon: list[Commitment]  # the first LIST_LENGTH of due_soon_count
    due_soon_count: int


def dashboard_lists(*, user: Actor, filters: Mapping[str, str] | None = None) -> DashboardLists:
    """What is overdue and due in the next 30 days among the commitments ``user`` may see
    with ``filters``: the first ``LIST_LENGTH`` of each with their owners, and how many."""
    today = timezone.localdate()
    soon = today + timedelta(days=30)
    listed = commitment_list(user=user, filters=filters).only(*LIST_FIELDS)
    late = Q(status__in=OPEN_STATUSES, due_date__lt=today)
    coming = Q(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=soon)
    counted = _filtered(user, filters or {}).order_by()
    return DashboardLists(
        overdue=list(listed.filter(late)[:LIST_LENGTH]),
        overdue_count=counted.filter(late).count(),
        due_soon=list(listed.filter(coming)[:LIST_LENGTH]),
        due_soon_count=counted.filter(coming).count(),
    )


# What the dashboard's figures are computed from: a change to any of these tables (a row
# added, removed or saved) changes the fingerprint, so that cached figures are never stale.
_FIGURES_TABLES = (
    (Commitment, True),
    (Goal, True),
    (Organization, True),
    (GoalCommitment, False),
    (Commitment.topics.through, False),
    (Commitment.responsible_organizations.through, False),
    (Topic, False),
)


def figures_key(*, user: Actor, filters: Mapping[str, str] | None = None) -> str:
    """A cache key for the dashboard's figures as ``user`` sees them with ``filters``: who
    may see what (the viewer's visibility levels), the filters, the day in Lima, the
    language, and a fingerprint of the data (each table's row count, sum of ids and latest
    change, and the sum of the goals' weights; one query that reads no commitment's text).
    The services save what they change (``goal_set_commitments`` stamps the goal), so a
    change made through them is seen at the next request."""
    # Table names from the models, never from input.
    quote = connection.ops.quote_name
    parts = []
    for model, stamped in _FIGURES_TABLES:
        table = quote(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
        parts.append(f"(SELECT SUM(id) FROM {table})")  # noqa: S608
        if model is GoalCommitment:
            parts.append(f"(SELECT SUM(weight) FROM {table})")  # noqa: S608
        if stamped:
            parts.append(f"(SELECT MAX(updated_at) FROM {table})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        fingerprint = cursor.fetchone()
    state = (
        tuple(visibilities_for(user)),
        sorted((filters or {}).items()),
        timezone.localdate(),
        get_language(),
        fingerprint,
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()


def home_summary(user: Actor) -> dict[str, Any]:
    """What the home page shows of the commitments: due in the next 30 days, overdue, and
    the progress of the top goals (five queries; three when the goals' progress is cached)."""
    today = timezone.localdate()
    visible = with_owners(commitments_visible_to(user), user).only(*LIST_FIELDS)

    def top_goals() -> list[GoalProgress]:
        # Every goal the viewer may see, so that results count in their goal's progress.
        everything = list(goals_visible_to(user).order_by("deadline", "title", "pk"))
        progress = goal_progress(everything, user)
        return [progress[g.pk] for g in everything if g.parent_id not in progress][:5]

    # Cached as the dashboard's figures are, until the data changes.
    goals = cache.get_or_set(f"agreements-home-goals:{figures_key(user=user)}", top_goals, 3600)
    return {
        "due_soon": list(
            visible.open()
            .filter(due_date__gte=today, due_date__lte=today + timedelta(days=30))
            .order_by("due_date")[:5]
        ),
        "overdue": list(visible.overdue().order_by("due_date")[:5]),
        "goals": goals,
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
