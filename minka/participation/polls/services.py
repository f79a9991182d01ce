"""Writes of date polls: create, answer, choose a date (which schedules the meeting), cancel.

Every service checks who may act (``PermissionDenied``), validates with ``ValidationError``
(clear messages, nothing saved), writes the audit log and the notifications in the same
transaction. Choosing and cancelling lock the poll's row, so that a poll is scheduled once;
answers lock it too, and one answer per person and option is a database constraint.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import audit_record
from minka.directory.models import Person
from minka.directory.services import person_for_user
from minka.meetings.services import invitations as invitation_services
from minka.meetings.services import meetings as meeting_services
from minka.participation.polls import notifications, permissions
from minka.participation.polls.models import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    Answer,
    DateAnswer,
    DateOption,
    DatePoll,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from minka.accounts.models import User
    from minka.directory.models import Organization
    from minka.meetings.models import Meeting, Series

POLL_FIELDS = (
    "title",
    "description",
    "series",
    "visibility",
    "modality",
    "place",
    "online_url",
    "duration_minutes",
    "closes_at",
)


class DatePollData(TypedDict, total=False):
    """What :func:`datepoll_create` takes (the poll form)."""

    title: str
    description: str
    series: Series | None
    visibility: str
    modality: str
    place: str
    online_url: str
    duration_minutes: int
    closes_at: datetime | None
    organizations: Iterable[Organization]
    options: list[datetime]


def _when(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def options_check(options: Iterable[datetime | None], *, now: datetime) -> list[datetime]:
    """The proposed start times, in order: 2 to 12, all different (to the minute), all in
    the future. Raises ``ValidationError`` with every problem found."""
    starts = [value.replace(second=0, microsecond=0) for value in options if value is not None]
    errors = []
    if len(starts) < MIN_OPTIONS:
        errors.append(_("Propose at least %(count)d dates.") % {"count": MIN_OPTIONS})
    if len(starts) > MAX_OPTIONS:
        errors.append(_("Propose at most %(count)d dates.") % {"count": MAX_OPTIONS})
    past = [value for value in starts if value <= now]
    if past:
        errors.append(
            _("%(date)s has already passed: propose dates in the future.")
            % {"date": _when(past[0])}
        )
    repeated = sorted({value for value in starts if starts.count(value) > 1})
    if repeated:
        errors.append(
            _("%(date)s is proposed twice: each date only once.") % {"date": _when(repeated[0])}
        )
    if errors:
        raise ValidationError(errors)
    return sorted(starts)


def closing_check(closes_at: datetime | None, starts: list[datetime], *, now: datetime) -> None:
    """Answers close in the future, and not after the first proposed date has passed."""
    if closes_at is None:
        return
    if closes_at <= now:
        raise ValidationError(_("The closing time must be in the future."))
    if starts and closes_at > starts[0]:
        raise ValidationError(_("Answers must close before the first proposed date."))


@transaction.atomic
def datepoll_create(*, actor: User, data: DatePollData) -> DatePoll:
    """Open a date poll with its options; those who may answer are told
    (``participation.datepoll_opened``)."""
    require(permissions.can_manage_polls(actor))
    now = timezone.now()
    starts = options_check(data.get("options") or [], now=now)
    closing_check(data.get("closes_at"), starts, now=now)
    poll = DatePoll(**{k: v for k, v in data.items() if k in POLL_FIELDS}, created_by=actor)
    poll.full_clean(exclude=["chosen", "meeting", "created_by"])
    poll.save()
    poll.organizations.set(data.get("organizations") or [])
    DateOption.objects.bulk_create(
        DateOption(poll=poll, starts_at=start, position=index)
        for index, start in enumerate(starts, start=1)
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=poll)
    notifications.poll_opened(poll=poll, actor=actor)
    return poll


def _lock(poll: DatePoll) -> DatePoll:
    locked: DatePoll = DatePoll.objects.select_for_update().get(pk=poll.pk)
    return locked


@transaction.atomic
def answers_set(*, actor: User, poll: DatePoll, answers: Mapping[int, str]) -> int:
    """Record ``actor``'s answers (option id → yes, maybe or no) while the poll is open.

    Answering again changes the answer in place (one row per person and option, a database
    constraint); two identical answers at once count once. Returns how many were recorded.
    """
    require(permissions.can_answer_poll(actor, poll))
    poll = _lock(poll)
    if not poll.is_open:
        raise ValidationError(_("This poll is closed: answers are no longer recorded."))
    options = {option.pk: option for option in poll.options.all()}
    if not answers or any(
        pk not in options or value not in Answer.values for pk, value in answers.items()
    ):
        raise ValidationError(_("Answer yes, if need be or no for each date."))
    existing = {
        a.option_id: a
        for a in DateAnswer.objects.select_for_update().filter(
            option__poll=poll, user=actor, option_id__in=answers
        )
    }
    changes = {}
    for pk, value in answers.items():
        answer = existing.get(pk)
        if answer is None:
            # update_or_create: a concurrent identical insert is caught by the unique
            # constraint and becomes an update.
            DateAnswer.objects.update_or_create(
                option=options[pk], user=actor, defaults={"answer": value}
            )
            changes[str(pk)] = [None, value]
        elif answer.answer != value:
            changes[str(pk)] = [answer.answer, value]
            answer.answer = value
            answer.save(update_fields=["answer", "updated_at"])
    if changes:
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            target=poll,
            target_repr=f"date poll {poll.pk} (answers)",
            changes=changes,
        )
    return len(answers)


def _respondent_people(option: DateOption) -> list[Person]:
    """The directory records of those who answered yes or if need be to ``option`` (created
    for an account without one), who can be reached by email."""
    users = [
        a.user
        for a in option.answers.filter(answer__in=[Answer.YES, Answer.MAYBE], user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    ]
    people = [person_for_user(user=user) for user in users]
    return [p for p in people if p.email and p.status == Person.Status.ACTIVE]


@transaction.atomic
def datepoll_choose(*, actor: User, poll: DatePoll, option: DateOption) -> Meeting:
    """Choose ``option``: the poll closes and the meeting is scheduled through the meetings
    app (``meetings.scheduled``), inviting the poll's convening organizations and everyone
    who answered yes or if need be to that date; respondents are told
    (``participation.datepoll_chosen``). A poll is scheduled once: a second choice, or a
    choice on a cancelled poll, is refused."""
    require(permissions.can_manage_polls(actor))
    poll = _lock(poll)
    if poll.status == DatePoll.Status.SCHEDULED:
        raise ValidationError(_("A date was already chosen for this poll."))
    if poll.status == DatePoll.Status.CANCELLED:
        raise ValidationError(_("This poll was cancelled: no date can be chosen."))
    if option.poll_id != poll.pk:
        raise ValidationError(_("Choose one of this poll's dates."))
    if option.starts_at <= timezone.now():
        raise ValidationError(_("This date has already passed: choose another one."))
    organizations = list(poll.organizations.all())
    meeting = meeting_services.meeting_create(
        actor=actor,
        data={
            "series": poll.series,
            "title": poll.title,
            "description": poll.description,
            "starts_at": option.starts_at,
            "ends_at": option.starts_at + timedelta(minutes=poll.duration_minutes),
            "modality": poll.modality,
            "place": poll.place,
            "online_url": poll.online_url,
            "visibility": poll.visibility,
            "organizations": organizations,
        },
    )
    invitation_services.invitees_add(
        actor=actor,
        meeting=meeting,
        organizations=organizations,
        people=_respondent_people(option),
    )
    poll.status = DatePoll.Status.SCHEDULED
    poll.chosen = option
    poll.meeting = meeting
    poll.save(update_fields=["status", "chosen", "meeting", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=poll,
        changes={"status": [DatePoll.Status.OPEN, poll.status], "chosen": [None, option.pk]},
    )
    notifications.date_chosen(poll=poll, actor=actor)
    return meeting


@transaction.atomic
def datepoll_cancel(*, actor: User, poll: DatePoll) -> DatePoll:
    """Cancel an open poll (answers are no longer taken; nothing is scheduled)."""
    require(permissions.can_manage_polls(actor))
    poll = _lock(poll)
    if poll.status == DatePoll.Status.SCHEDULED:
        raise ValidationError(_("A date was already chosen: cancel the meeting instead."))
    if poll.status == DatePoll.Status.CANCELLED:
        raise ValidationError(_("This poll was already cancelled."))
    poll.status = DatePoll.Status.CANCELLED
    poll.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=poll,
        changes={"status": [DatePoll.Status.OPEN, poll.status]},
    )
    return poll


def answers_erase(*, user: User) -> int:
    """Delete every date answer of ``user`` (an erased account); returns how many."""
    deleted, _counts = DateAnswer.objects.filter(user=user).delete()
    return deleted
