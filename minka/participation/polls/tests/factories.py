"""Factories for date polls. Behaviour that matters (choosing, answering) goes through the
services; these build state."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from minka.core.visibility import Visibility
from minka.participation.polls.models import Answer, DateAnswer, DateOption, DatePoll


def future(days: int, hour: int = 10) -> Any:
    """``days`` from now at ``hour``:00, Lima time."""
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


class DatePollFactory(factory.django.DjangoModelFactory[DatePoll]):
    """An open, members-only poll with three dates 20, 21 and 22 days ahead (``options=``
    gives others, as datetimes)."""

    class Meta:
        model = DatePoll
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Reunión por fijar {n}")
    visibility = Visibility.MEMBERS
    place = "Lima"

    @factory.post_generation
    def options(self, create: bool, extracted: list[Any] | None, **kwargs: Any) -> None:
        if not create:
            return
        # factory_boy calls this with the created poll as ``self``.
        poll: Any = self
        starts = extracted if extracted is not None else [future(20), future(21), future(22)]
        for index, start in enumerate(starts, start=1):
            DateOption.objects.create(poll=poll, starts_at=start, position=index)


class DateAnswerFactory(factory.django.DjangoModelFactory[DateAnswer]):
    class Meta:
        model = DateAnswer

    answer = Answer.YES
