"""The next meeting's date: calendar months, the series' cadence, what the minutes agreed.

Cadence arithmetic is done on local wall-clock time (America/Lima, no daylight saving) and
is read-only: nothing here saves. :func:`next_meeting_start` is what "Programar la próxima
reunión" proposes; it is always after now, however long ago the last meeting was.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.models import Minutes
from minka.meetings.models import Cadence, Meeting

if TYPE_CHECKING:
    from collections.abc import Sequence

    from minka.meetings.models import Series


def add_months(value: datetime, months: int) -> datetime:
    """``value`` moved by ``months`` calendar months at the same local time; a day that
    the target month lacks is clamped to its last day (31 January → 28 February)."""
    local = timezone.localtime(value).replace(tzinfo=None)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return timezone.make_aware(local.replace(year=year, month=month, day=day))


def cadence_next(series: Series | None, starts_at: datetime) -> datetime:
    """The start that follows ``starts_at`` at the series' cadence: monthly (and no fixed
    cadence, or no series) one calendar month later; every N weeks, N weeks later. Always
    at the same local time."""
    if series is not None and series.cadence == Cadence.WEEKS:
        local = timezone.localtime(starts_at).replace(tzinfo=None)
        return timezone.make_aware(local + timedelta(weeks=series.interval_weeks))
    return add_months(starts_at, 1)


def _minutes_next_start(meeting: Meeting) -> datetime | None:
    minutes = Minutes.objects.filter(meeting=meeting).select_related("current_revision").first()
    if minutes is None or minutes.current_revision is None:
        return None
    when = MinutesContent.from_json(minutes.current_revision.content).next_meeting.when
    if when is None:
        return None
    return when if timezone.is_aware(when) else timezone.make_aware(when)


# A monthly rule: (weekday, n) is "the n-th <weekday> of the month" (n = -1: the last one).
WeekdayRule = tuple[int, int]


def monthly_rule(starts: Sequence[datetime]) -> WeekdayRule | None:
    """The weekday-of-month rule the series keeps (e.g. the third Thursday), inferred from
    its last meetings' starts (at least two): all on the same weekday and the same n-th
    week of their month, or all on the last such weekday, while their days of the month
    differ. ``None``: the series meets on the same day of the month."""
    days = [timezone.localtime(start).date() for start in starts]
    if len(days) < 2 or len({d.day for d in days}) == 1 or len({d.weekday() for d in days}) > 1:
        return None
    ordinals = {(d.day - 1) // 7 + 1 for d in days}
    if len(ordinals) == 1 and ordinals != {5}:
        return (days[0].weekday(), ordinals.pop())
    if all(d.day + 7 > calendar.monthrange(d.year, d.month)[1] for d in days):
        return (days[0].weekday(), -1)
    return None


def _nth_weekday(year: int, month: int, rule: WeekdayRule) -> int:
    """The day of the month that ``rule`` names in that month."""
    weekday, n = rule
    first_weekday, length = calendar.monthrange(year, month)
    first = 1 + (weekday - first_weekday) % 7
    if n == -1:
        return first + 7 * ((length - first) // 7)
    return first + 7 * (n - 1)


def _month_later(value: datetime, months: int, rule: WeekdayRule | None) -> datetime:
    if rule is None:
        return add_months(value, months)
    local = timezone.localtime(value).replace(tzinfo=None)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = _nth_weekday(year, month, rule)
    return timezone.make_aware(local.replace(year=year, month=month, day=day))


def _series_starts(meeting: Meeting, limit: int = 3) -> list[datetime]:
    """The starts of ``meeting`` and of the meetings of its series before it (newest
    first, at most ``limit``; cancelled ones do not count)."""
    if meeting.series_id is None:
        return [meeting.starts_at]
    earlier = (
        Meeting.objects.filter(series_id=meeting.series_id, starts_at__lt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)[: limit - 1]
    )
    return [meeting.starts_at, *earlier]


def cadence_after(meeting: Meeting, *, now: datetime | None = None) -> datetime:
    """The first start after ``now`` at the series' cadence, counted from ``meeting``:
    every N weeks (same weekday and time); otherwise monthly, on the same weekday of the
    month when the series' last meetings show one (the third Thursday), else on the same
    day of the month. However long ago ``meeting`` was, the result is in the future."""
    now = now or timezone.now()
    series = meeting.series
    if series is not None and series.cadence == Cadence.WEEKS:
        step = timedelta(weeks=series.interval_weeks)
        local = timezone.localtime(meeting.starts_at).replace(tzinfo=None)
        steps = max(1, int((now - meeting.starts_at) / step))
        candidate = timezone.make_aware(local + step * steps)
        while candidate <= now:
            steps += 1
            candidate = timezone.make_aware(local + step * steps)
        return candidate
    rule = monthly_rule(_series_starts(meeting))
    start = timezone.localtime(meeting.starts_at)
    today = timezone.localtime(now)
    months = max(1, (today.year - start.year) * 12 + today.month - start.month)
    candidate = _month_later(meeting.starts_at, months, rule)
    while candidate <= now:
        months += 1
        candidate = _month_later(meeting.starts_at, months, rule)
    return candidate


def next_meeting_start(meeting: Meeting, *, now: datetime | None = None) -> datetime:
    """When the meeting after ``meeting`` should start: the date its minutes agreed on, if
    they state one still ahead; otherwise the series' cadence after ``now``
    (:func:`cadence_after`). Always in the future; a read, nothing is saved."""
    now = now or timezone.now()
    agreed = _minutes_next_start(meeting)
    if agreed is not None and agreed > now:
        return agreed
    return cadence_after(meeting, now=now)
