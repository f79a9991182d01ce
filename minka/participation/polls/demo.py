"""A demo date poll for ``minka load_demo`` (called by the site's demo after the meetings').

One open, members-only poll for the monthly meeting after the demo series' latest one, with
three dates (the same day a month later at 10:00 in Lima, the next day, and the afternoon of
the day after) and a few answers from the demo accounts. Loading again adds nothing while a
demo poll is open.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from minka.accounts.models import User
from minka.core.visibility import Visibility
from minka.meetings import demo as meetings_demo
from minka.meetings.models import Meeting, Modality, Series
from minka.meetings.services.cadence import add_months
from minka.participation.polls import services
from minka.participation.polls.models import Answer, DatePoll

if TYPE_CHECKING:
    from minka.directory.models import Organization

# Per demo account (by email): the answer to each of the three dates.
ANSWERS = {
    "coordinacion@minka.test": (Answer.YES, Answer.YES, Answer.MAYBE),
    "miembro@minka.test": (Answer.YES, Answer.MAYBE, Answer.NO),
    "admin@minka.test": (Answer.MAYBE, Answer.YES, Answer.NO),
}


def _options(series: Series) -> list[dt.datetime]:
    latest = Meeting.objects.filter(series=series).order_by("-starts_at").first()
    now = timezone.now()
    base = latest.starts_at if latest is not None else now
    first = add_months(base, 1)
    while first <= now + dt.timedelta(days=3):
        first = add_months(first, 1)
    first = timezone.localtime(first).replace(hour=10, minute=0, second=0, microsecond=0)
    return [first, first + dt.timedelta(days=1), first + dt.timedelta(days=2, hours=6)]


def load(*, coordinator: User, organizations: dict[str, Organization]) -> int:
    """Create the demo poll if none is open; return how many objects were made."""
    series = Series.objects.filter(slug=meetings_demo.SERIES_SLUG).first()
    if series is None or DatePoll.objects.open().filter(is_demo=True, series=series).exists():
        return 0
    starts = _options(series)
    poll = services.datepoll_create(
        actor=coordinator,
        data={
            "title": f"{series.title}: próxima reunión mensual",
            "description": (
                "¿Qué fecha le conviene para la próxima reunión mensual? Marque **sí**, "
                "**si es necesario** o **no** para cada fecha."
            ),
            "series": series,
            "visibility": Visibility.MEMBERS,
            "modality": Modality.HYBRID,
            "place": "Sala de reuniones de la secretaría técnica, Lima",
            "duration_minutes": 120,
            "closes_at": starts[0] - dt.timedelta(days=2),
            "organizations": [o for key, o in organizations.items() if key in {"RDA"}],
            "options": starts,
        },
    )
    DatePoll.objects.filter(pk=poll.pk).update(is_demo=True)
    created = 1 + len(starts)
    options = list(poll.options.order_by("starts_at"))
    for email, answers in ANSWERS.items():
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            continue
        created += services.answers_set(
            actor=user,
            poll=poll,
            answers={o.pk: a for o, a in zip(options, answers, strict=True)},
        )
    return created
