"""Writes of the agreements app: commitments (created, converted from minutes, changed),
progress updates and their review, the follow-up of a meeting, goals.

Every service checks its permission (``core.permissions.require``), validates with clear
``ValidationError`` messages and saves nothing on error, writes the audit log in its
transaction and keeps the search index in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka import search
from minka.agreements import notifications, permissions, search_index
from minka.agreements.models import (
    Commitment,
    CommitmentUpdate,
    Goal,
    GoalCommitment,
    Status,
)
from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import audit_changes, audit_record, model_snapshot
from minka.documents.models import Document

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import date
    from decimal import Decimal

    from minka.accounts.models import User
    from minka.directory.models import Organization, Person, Topic
    from minka.meetings.models import Meeting

MAX_LINKS = 5
COMMITMENT_FIELDS = (
    "title",
    "description",
    "responsible_text",
    "due_date",
    "status",
    "progress",
    "visibility",
)
COMMITMENT_RELATED = ("responsible_organizations", "responsible_people", "topics")
GOAL_FIELDS = (
    "title",
    "description",
    "parent",
    "weight",
    "indicator",
    "unit",
    "baseline",
    "target",
    "period_start",
    "deadline",
    "mode",
    "reported_progress",
    "visibility",
)


class CommitmentData(TypedDict, total=False):
    """What :func:`commitment_create` and :func:`commitment_update` take."""

    title: str
    description: str
    responsible_organizations: Iterable[Organization]
    responsible_people: Iterable[Person]
    responsible_text: str
    due_date: date | None
    status: str
    progress: int
    topics: Iterable[Topic]
    visibility: str


class UpdateData(TypedDict, total=False):
    """What :func:`update_post` takes: what was done, the new progress and status, and the
    evidence (repository documents the author may see, links)."""

    text: str
    progress: int | None
    status: str
    documents: Iterable[Document]
    links: list[str]


class GoalData(TypedDict, total=False):
    """What :func:`goal_create` and :func:`goal_update` take."""

    title: str
    description: str
    parent: Goal | None
    weight: int
    indicator: str
    unit: str
    baseline: Decimal
    target: Decimal | None
    period_start: date | None
    deadline: date | None
    mode: str
    reported_progress: int | None
    visibility: str
    responsible_organizations: Iterable[Organization]


def index(*objects: Commitment | Goal) -> None:
    """Bring the search entries of ``objects`` (a commitment's with its updates) up to date,
    in the caller's transaction."""
    for obj in objects:
        if isinstance(obj, Commitment):
            search_index.index_commitment(obj)
        else:
            search.index_object(obj)


def _check_progress(status: str, progress: int) -> None:
    if status not in Status.values:
        raise ValidationError(_("Choose a status."))
    if not 0 <= progress <= 100:
        raise ValidationError(_("Progress goes from 0 to 100."))


# --- Commitments -------------------------------------------------------------------------


def _set_fields(commitment: Commitment, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        if name in COMMITMENT_FIELDS:
            setattr(commitment, name, value)
    if commitment.status == Status.DONE and "progress" not in data:
        commitment.progress = 100
    _check_progress(commitment.status, commitment.progress)
    if not commitment.title.strip():
        raise ValidationError(_("Say what was agreed."))
    commitment.full_clean(exclude=["meeting", "minutes", "created_by"])


def _set_related(commitment: Commitment, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        if name in COMMITMENT_RELATED:
            getattr(commitment, name).set(value)


@transaction.atomic
def commitment_create(*, actor: User, data: CommitmentData) -> Commitment:
    """A commitment created directly by a coordinator (not from minutes)."""
    require(permissions.can_manage_commitments(actor))
    commitment = Commitment(created_by=actor)
    _set_fields(commitment, data)
    commitment.save()
    _set_related(commitment, data)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=commitment)
    index(commitment)
    return commitment


@transaction.atomic
def commitment_update(*, actor: User, commitment: Commitment, data: CommitmentData) -> Commitment:
    """Change a commitment's record (coordinators): what, owners, deadline, topics,
    visibility; status and progress too (an update with its reason is the usual way)."""
    require(permissions.can_manage_commitments(actor))
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    before = model_snapshot(commitment)
    _set_fields(commitment, data)
    commitment.save()
    _set_related(commitment, data)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=commitment,
        changes=audit_changes(before, model_snapshot(commitment)),
    )
    index(commitment)
    return commitment


# --- Progress updates --------------------------------------------------------------------------


def _clean_links(links: Iterable[str]) -> list[str]:
    cleaned = [link.strip() for link in links if link and link.strip()]
    if len(cleaned) > MAX_LINKS:
        raise ValidationError(_("Give at most %(count)d links.") % {"count": MAX_LINKS})
    validate = URLValidator(schemes=["http", "https"])
    for link in cleaned:
        try:
            validate(link)
        except ValidationError:
            raise ValidationError(
                _("“%(link)s” is not a web address (http:// or https://).") % {"link": link[:80]}
            ) from None
    return cleaned


@transaction.atomic
def update_post(*, actor: User, commitment: Commitment, data: UpdateData) -> CommitmentUpdate:
    """Report progress on ``commitment``: what was done, the new progress and status, and
    evidence. Posted by a coordinator or a member responsible for it; the commitment takes
    the new progress and status (done means 100 unless said otherwise)."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    require(permissions.can_post_update(actor, commitment))
    text = (data.get("text") or "").strip()
    if not text:
        raise ValidationError(_("Say what was done."))
    if len(text) > 4000:
        raise ValidationError(_("The update is too long (at most 4000 characters)."))
    status = data.get("status") or commitment.status
    progress = data.get("progress")
    if progress is None:
        progress = 100 if status == Status.DONE else commitment.progress
    _check_progress(status, progress)
    documents = list(data.get("documents") or [])
    visible = set(
        Document.objects.visible_to(actor)
        .filter(pk__in=[d.pk for d in documents])
        .values_list("pk", flat=True)
    )
    if any(d.pk not in visible for d in documents):
        raise ValidationError(_("Choose documents of the repository that you can see."))
    update = CommitmentUpdate.objects.create(
        commitment=commitment,
        author=actor,
        text=text,
        progress=progress,
        status=status,
        links=_clean_links(data.get("links") or []),
    )
    update.documents.set(documents)
    before = {"status": commitment.status, "progress": commitment.progress}
    commitment.status, commitment.progress = status, progress
    commitment.save(update_fields=["status", "progress", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=commitment,
        changes=audit_changes(before, {"status": status, "progress": progress}),
    )
    index(commitment)
    notifications.update_posted(update, actor=actor)
    return update


@transaction.atomic
def update_review(
    *, actor: User, update: CommitmentUpdate, verdict: str, reason: str = ""
) -> CommitmentUpdate:
    """A coordinator validates an update, or questions it (with the reason, required)."""
    require(permissions.can_review_update(actor, update))
    if verdict not in (CommitmentUpdate.Review.VALIDATED, CommitmentUpdate.Review.QUESTIONED):
        raise ValidationError(_("Validate the update or question it."))
    reason = " ".join(reason.split())
    if verdict == CommitmentUpdate.Review.QUESTIONED and not reason:
        raise ValidationError(_("Say why the update is questioned."))
    if len(reason) > 500:
        raise ValidationError(_("The reason is too long (at most 500 characters)."))
    update = CommitmentUpdate.objects.select_for_update().get(pk=update.pk)
    update.review, update.review_reason = verdict, reason
    update.reviewed_by, update.reviewed_at = actor, timezone.now()
    update.save(update_fields=["review", "review_reason", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=update.commitment,
        changes={"review": ["", verdict]},
    )
    return update


@dataclass(frozen=True)
class FollowUpChange:
    """What a meeting recorded about one commitment."""

    commitment: Commitment
    status: str
    progress: int
    note: str = ""


@transaction.atomic
def follow_up_record(
    *, actor: User, meeting: Meeting, changes: Iterable[FollowUpChange]
) -> list[CommitmentUpdate]:
    """Record, in one go, the status changes a meeting decided for the commitments it
    followed up: an update for each commitment whose status or progress changed (or that
    got a note), saying it was recorded at ``meeting``. Nothing is saved if one fails."""
    require(permissions.can_manage_commitments(actor))
    updates = []
    for change in changes:
        commitment = change.commitment
        note = " ".join(change.note.split())
        if (
            change.status == commitment.status
            and change.progress == commitment.progress
            and not note
        ):
            continue
        text = _("Follow-up at “%(meeting)s”.") % {"meeting": meeting.title}
        updates.append(
            update_post(
                actor=actor,
                commitment=commitment,
                data={
                    "text": f"{text} {note}".strip(),
                    "status": change.status,
                    "progress": change.progress,
                },
            )
        )
    return updates


# --- Goals --------------------------------------------------------------------------------------


def _check_goal(goal: Goal) -> None:
    if not goal.title.strip():
        raise ValidationError(_("Name the goal."))
    if goal.mode == Goal.Mode.REPORTED and goal.reported_progress is None:
        raise ValidationError(_("Give the progress reported for this goal."))
    if goal.period_start and goal.deadline and goal.deadline < goal.period_start:
        raise ValidationError(_("The deadline must come after the start of the period."))
    ancestor = goal.parent
    while ancestor is not None:
        if ancestor.pk is not None and ancestor.pk == goal.pk:
            raise ValidationError(_("A goal cannot be part of itself."))
        ancestor = ancestor.parent
    goal.full_clean()


def _goal_fields(goal: Goal, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        if name in GOAL_FIELDS:
            setattr(goal, name, value)
    _check_goal(goal)


@transaction.atomic
def goal_create(*, actor: User, data: GoalData) -> Goal:
    """A goal (or a result of one, with ``parent``), for coordinators."""
    require(permissions.can_manage_goals(actor))
    goal = Goal()
    _goal_fields(goal, data)
    goal.save()
    if "responsible_organizations" in data:
        goal.responsible_organizations.set(data["responsible_organizations"])
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=goal)
    index(goal)
    return goal


@transaction.atomic
def goal_update(*, actor: User, goal: Goal, data: GoalData) -> Goal:
    require(permissions.can_manage_goals(actor))
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    before = model_snapshot(goal)
    _goal_fields(goal, data)
    goal.save()
    if "responsible_organizations" in data:
        goal.responsible_organizations.set(data["responsible_organizations"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=goal,
        changes=audit_changes(before, model_snapshot(goal)),
    )
    index(goal)
    return goal


@transaction.atomic
def goal_commitments_set(
    *, actor: User, goal: Goal, weights: Mapping[Commitment, int]
) -> list[GoalCommitment]:
    """The commitments counted in ``goal``'s progress and their weights (1 to 100); those
    left out are unlinked."""
    require(permissions.can_manage_goals(actor))
    for commitment, weight in weights.items():
        if not 1 <= weight <= 100:
            raise ValidationError(
                _("The weight of “%(title)s” must be between 1 and 100.")
                % {"title": commitment.title[:60]}
            )
    GoalCommitment.objects.filter(goal=goal).exclude(commitment__in=list(weights)).delete()
    links = []
    for commitment, weight in weights.items():
        link, _created = GoalCommitment.objects.update_or_create(
            goal=goal, commitment=commitment, defaults={"weight": weight}
        )
        links.append(link)
    # The goal's progress changed: its time stamp tells the dashboard's cached figures.
    goal.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=goal,
        changes={"commitments": ["", str(len(links))]},
    )
    return links
