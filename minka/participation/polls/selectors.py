"""Reads of date polls: the list, one poll with its results, and what the home page shows.

Each selector runs a fixed number of queries, whatever the number of options and answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef
from django.shortcuts import get_object_or_404

from minka.core.roles import Role, role_of
from minka.core.visibility import visibilities_for
from minka.participation.polls.models import Answer, DateAnswer, DateOption, DatePoll

if TYPE_CHECKING:
    from uuid import UUID

    from django.db.models import QuerySet

    from minka.accounts.models import User
    from minka.core.types import Actor


def polls_visible_to(user: Actor) -> QuerySet[DatePoll]:
    return DatePoll.objects.visible_to(user)


def datepoll_list(*, user: Actor) -> QuerySet[DatePoll]:
    """The polls ``user`` may see, newest first, with their number of options and the
    chosen date (two queries with the page's own)."""
    return (
        polls_visible_to(user)
        .select_related("chosen", "series")
        .annotate(option_count=Count("options", distinct=True))
        .order_by("-created_at", "-pk")
    )


def datepoll_get(*, user: Actor, public_id: UUID | str) -> DatePoll:
    """The poll, if ``user`` may see it (404 otherwise)."""
    return get_object_or_404(
        polls_visible_to(user).select_related("series", "meeting", "chosen"),
        public_id=public_id,
    )


@dataclass
class OptionResult:
    option: DateOption
    yes: int = 0
    maybe: int = 0
    no: int = 0
    best: bool = False
    # Who answered yes or if need be, with their answer (for members' eyes only).
    coming: list[tuple[User, str]] = field(default_factory=list)

    @property
    def score(self) -> tuple[int, int]:
        return (self.yes, self.maybe)


@dataclass
class RespondentRow:
    user: User
    answers: list[str] = field(default_factory=list)


@dataclass
class Results:
    options: list[OptionResult]
    rows: list[RespondentRow]
    respondent_count: int
    own: dict[int, str]

    @property
    def best(self) -> OptionResult | None:
        return next((o for o in self.options if o.best), None)


def poll_results(poll: DatePoll, *, user: Actor) -> Results:
    """Per option: the yes / if need be / no counts, the best option (most yes, then most
    "if need be"; the earliest on a tie), and per respondent what they answered; ``own`` is
    ``user``'s answers by option id. Two queries."""
    options = [OptionResult(option) for option in poll.options.order_by("starts_at", "pk")]
    by_id = {result.option.pk: result for result in options}
    answers = list(
        DateAnswer.objects.filter(option__poll=poll)
        .select_related("user")
        .order_by("user__full_name", "user_id", "option_id")
    )
    rows: dict[int, RespondentRow] = {}
    given: dict[tuple[int, int], str] = {}
    own: dict[int, str] = {}
    for answer in answers:
        result = by_id.get(answer.option_id)
        if result is None:
            continue
        setattr(result, answer.answer, getattr(result, answer.answer) + 1)
        if answer.answer != Answer.NO:
            result.coming.append((answer.user, answer.answer))
        rows.setdefault(answer.user_id, RespondentRow(answer.user))
        given[(answer.user_id, answer.option_id)] = answer.answer
        if user.is_authenticated and answer.user_id == user.pk:
            own[answer.option_id] = answer.answer
    for row in rows.values():
        row.answers = [given.get((row.user.pk, o.option.pk), "") for o in options]
    top = max((o for o in options if o.yes or o.maybe), key=lambda o: o.score, default=None)
    if top is not None:
        # max() keeps the first of equals: the earliest date wins a tie.
        top.best = True
    return Results(options=options, rows=list(rows.values()), respondent_count=len(rows), own=own)


def polls_open_for(user: Actor, *, limit: int = 5) -> list[tuple[DatePoll, bool]]:
    """For the home and landing pages: the open polls ``user`` may answer (none for a
    visitor), soonest closing first, each with whether they answered already. One query."""
    if role_of(user) < Role.REGISTERED:
        return []
    answered = DateAnswer.objects.filter(option__poll=OuterRef("pk"), user_id=user.pk or 0)
    polls = (
        DatePoll.objects.open()
        .filter(visibility__in=visibilities_for(user))
        .annotate(answered=Exists(answered))
        .order_by(F("closes_at").asc(nulls_last=True), "-created_at", "pk")[:limit]
    )
    return [(poll, bool(poll.answered)) for poll in polls]


def answer_labels() -> dict[str, Any]:
    return dict(Answer.choices)
