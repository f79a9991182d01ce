"""Factories for series, meetings and agenda items. Minutes are built through their services
(``minka.meetings.minutes.services``) so that revisions exist as in real use."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from minka.core.visibility import Visibility
from minka.meetings.models import AgendaItem, Cadence, Meeting, Series


class SeriesFactory(factory.django.DjangoModelFactory[Series]):
    class Meta:
        model = Series
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Serie de reuniones {n}")
    slug = factory.Sequence(lambda n: f"serie-{n}")
    cadence = Cadence.MONTHLY
    visibility = Visibility.PUBLIC


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    """A public, planned meeting two weeks from now, 10:00–12:00 Lima time, in person."""

    class Meta:
        model = Meeting

    series = factory.SubFactory(SeriesFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Reunión de prueba {n}")
    starts_at = factory.LazyFunction(
        lambda: (timezone.localtime() + timedelta(days=14)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + timedelta(hours=2))
    place = "Lima"
    visibility = Visibility.PUBLIC


class AgendaItemFactory(factory.django.DjangoModelFactory[AgendaItem]):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Punto de agenda {n}")
    duration_minutes = 15
