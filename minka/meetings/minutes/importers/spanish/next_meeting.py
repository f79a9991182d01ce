"""The next meeting: from the text of a "Próxima reunión" section, or of the first agreement
that names it ("La próxima reunión será el 18 de mayo", "se acordó reunirse nuevamente
dentro de quince días"), or else of the first paragraph that announces it
(:func:`announces_next`: "la siguiente sesión se realizará…", a call to the next assembly
printed above the minutes), a date (see :func:`.agreements.resolve_after`) and a time. A
next meeting named without a day ("en una próxima reunión", "en febrero de 2022") is kept
with its text and no date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from minka.core.text import fold
from minka.meetings.minutes.importers.parsed import ParsedNextMeeting
from minka.meetings.minutes.importers.spanish import dates
from minka.meetings.minutes.importers.spanish.agreements import (
    PendingDate,
    pending_date,
    resolve_after,
)
from minka.meetings.minutes.importers.spanish.text import short

# An agreement that says this also sets the next meeting (unless a section does).
NEXT_PHRASE = re.compile(
    r"\b(?:(?:pr[oó]xim[ao]|siguiente)\s{1,3}(?:reuni[oó]n|sesi[oó]n|asamblea|encuentro"
    r"|junta\s{1,3}(?:general|directiva))"
    r"|(?:reunirse|reunirnos|reunirán|reuniremos|sesionar|sesionará|sesionaremos)\s{1,3}"
    r"(?:nuevamente|de\s{1,3}nuevo|otra\s{1,3}vez)"
    r"|(?:volver(?:á|án|emos)?|volvemos|vuelven?)\s{1,3}a\s{1,3}(?:reuni(?:rse|rnos|r)|sesionar)"
    r"|nueva\s{1,3}reuni[oó]n"
    # "se acuerda reunirse el próximo martes", "acordaron reunirse dentro de ocho días".
    r"|(?:acuerda|acuerdan|acordó|acordaron|decide|deciden|decidió|decidieron)\s{1,3}"
    r"(?:reunirse|reunirnos|sesionar)\s{1,3}(?:el|la|los|dentro|en\s{1,3}(?:\d|un|una|dos|tres|quince))"
    # "Se convoca para el 7 de abril", "se cita a una nueva asamblea".
    r"|(?:se\s{1,3}(?:convoca|cita)|quedan?\s{1,3}(?:convocad|citad)[oa]s?)\s{1,3}"
    r"(?:para\s{1,3}el|a\s{1,3}(?:(?:una|la|nueva)\s{1,3}){0,2}(?:reuni[oó]n|sesi[oó]n|asamblea)))\b",
    re.IGNORECASE,
)
# Said of a meeting to come (folded): "será el…", "se realizará", "se convoca a…".
_FUTURE = re.compile(
    r"\b(?:sera|seran|se\s{1,3}(?:realizara|llevara\s{1,3}a\s{1,3}cabo|celebrara|efectuara"
    r"|desarrollara|convoca|convocara|fija|programa|reunira|reuniran)|tendra\s{1,3}lugar"
    r"|nos\s{1,3}reuniremos|queda(?:n)?\s{1,3}(?:convocad|fijad|programad)[oa]s?)\b"
)
# A month without a day ("en febrero de 2022"): a next meeting with no date.
_MONTH_ONLY = re.compile(
    rf"\b(?:en|para|durante)\s{{1,3}}(?:el\s{{1,3}}mes\s{{1,3}}de\s{{1,3}})?"
    rf"(?:{'|'.join(fold(month) for month in dates.MONTHS)})\b"
)
# "martes 05/03": a day and a month, without the year.
_DAY_MONTH = re.compile(r"(?<![\w/.-])(?P<day>[0-3]?\d)/(?P<month>[01]?\d)(?![\w/]|[.-]\d)")


def announces_next(text: str) -> bool:
    """Whether a paragraph that is no agreement names the next meeting ("la próxima
    reunión será…", "se tratará en una próxima sesión", "reunirse nuevamente")."""
    return NEXT_PHRASE.search(text[:2000]) is not None


def dated(text: str) -> bool:
    """Whether ``text`` says when the next meeting it names will be: a day, a span of
    time, a month, or that it is set ("queda convocada")."""
    match = NEXT_PHRASE.search(text[:2000])
    if match is None:
        return False
    after = text[match.start() : match.start() + 300]
    return bool(_next_date(after) or _MONTH_ONLY.search(fold(after)) or _FUTURE.search(fold(after)))


_WEEKDAY_NAMES = "lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo"
_MONTH_NAMES = "|".join(sorted(dates.MONTHS, key=len, reverse=True))
# A weekday without a date: "el próximo martes", "el viernes", "el primer lunes de junio",
# "el último sábado de abril".
_WEEKDAY = re.compile(
    r"\b(?:el|este|para\s{1,3}el)\s{1,3}(?:(?P<nth>primer|segundo|tercer|cuarto|[uú]ltimo)\s{1,3}"
    rf"(?P<day_of>{_WEEKDAY_NAMES})\s{{1,3}}(?:del?\s{{1,3}})(?:mes\s{{1,3}}de\s{{1,3}})?"
    rf"(?P<month>{_MONTH_NAMES})|(?:pr[oó]ximo\s{{1,3}})?(?P<day>{_WEEKDAY_NAMES})"
    r"(?:\s{1,3}pr[oó]ximo)?)\b(?!\s{1,3}(?:\d|de\s{1,3}cada))",
    re.IGNORECASE,
)
# A day of this month or the next without the month's name: "el día 20 del presente mes",
# "el 5 del mes entrante", "el martes 17" (the first such day after the meeting).
_DAY_OF_MONTH = re.compile(
    r"\b(?:el\s{1,3}(?:d[ií]a\s{1,3})?|d[ií]a\s{1,3})(?P<day>[0-3]?\d)\s{1,3}del?\s{1,3}"
    r"(?:(?P<this>presente|corriente|mismo|este)\s{1,3}mes"
    r"|mes\s{1,3}(?:entrante|pr[oó]ximo|siguiente|que\s{1,3}viene)|(?:pr[oó]ximo|siguiente)\s{1,3}mes)\b"
    rf"|\b(?:{_WEEKDAY_NAMES})\s{{1,3}}(?P<bare>[0-3]?\d)\b(?!\s{{0,3}}(?:de\b|del\b|[/.:-]\d|h\b))",
    re.IGNORECASE,
)
_NTH = {"prim": 1, "segu": 2, "terc": 3, "cuar": 4, "ulti": -1}
_WEEKDAY_NUMBER = {fold(day)[:3]: number for number, day in enumerate(dates.WEEKDAYS)}


@dataclass(frozen=True)
class WeekdayMatch(dates.RelativeMatch):
    """A weekday said without its date, resolved after the meeting's date: the next one
    (``nth`` 0), or the ``nth`` (-1 the last) of ``month`` (the next year when it would
    fall before the meeting)."""

    weekday: int = 0
    nth: int = 0
    month: int = 0

    def after(self, base: dt.date) -> dt.date:
        if not self.nth:
            return base + dt.timedelta(days=(self.weekday - base.weekday() - 1) % 7 + 1)
        for year in (base.year, base.year + 1):
            found = _nth_weekday(year, self.month, self.weekday, self.nth)
            if found >= base:
                return found
        return found


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    if nth > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


@dataclass(frozen=True)
class DayOfMonthMatch(dates.RelativeMatch):
    """A day of the month without its month: of the meeting's month (``months`` 0), of the
    next (1), or the first such day after the meeting (``months`` -1)."""

    day: int = 1
    months: int = 0

    def after(self, base: dt.date) -> dt.date:
        first = dt.date(base.year, base.month, 1)
        for ahead in (max(self.months, 0), max(self.months, 0) + 1, max(self.months, 0) + 2):
            month = dates.add_months(first, ahead)
            if self.day > calendar.monthrange(month.year, month.month)[1]:
                continue
            found = month.replace(day=self.day)
            if self.months >= 0 or found > base:
                return found
        return base


def _day_of_month(text: str) -> PendingDate | None:
    match = _DAY_OF_MONTH.search(text)
    if match is None or not 1 <= int(match["day"] or match["bare"]) <= 31:
        return None
    months = -1 if match["bare"] else (0 if match["this"] else 1)
    found = DayOfMonthMatch(
        match.start(), match.end(), 0, "days", day=int(match["day"] or match["bare"]), months=months
    )
    return PendingDate(match=None, relative=found)


def _weekday(text: str) -> PendingDate | None:
    match = _WEEKDAY.search(text)
    if match is None:
        return None
    day = fold(match["day_of"] or match["day"])[:3]
    nth = _NTH[fold(match["nth"])[:4]] if match["nth"] else 0
    month = dates.MONTHS[fold(match["month"])] if match["month"] else 0
    found = WeekdayMatch(
        match.start(), match.end(), 0, "days", weekday=_WEEKDAY_NUMBER[day], nth=nth, month=month
    )
    return PendingDate(match=None, relative=found)


def _next_date(text: str) -> PendingDate | None:
    """A written date first, then a day of a month named by its place ("del mes entrante"),
    a span of time, a weekday, a day and month in figures."""
    written = dates.find_dates(text)
    if written:
        return PendingDate(match=written[0], relative=None)
    pending = _day_of_month(text) or pending_date(text) or _weekday(text)
    if pending is not None:
        return pending
    match = _DAY_MONTH.search(text)
    if match is None or not 1 <= int(match["month"]) <= 12:
        return None
    found = dates.DateMatch(
        match.start(), match.end(), int(match["day"]), int(match["month"]), None
    )
    return PendingDate(match=found, relative=None)


def read_next_meeting(
    text: str,
    meeting_date: dt.date | None,
    *,
    year: int | None,
    today: dt.date,
    warnings: list[str],
) -> ParsedNextMeeting:
    """The next meeting ``text`` describes; what could not be read is said in ``warnings``.
    Its date is the first after the words that name it, else the first in ``text``."""
    named = NEXT_PHRASE.search(text)
    base = named.start() if named and _next_date(text[named.start() :]) else 0
    pending = _next_date(text[base:])
    when = None
    if pending is None:
        warnings.append(
            _("The date of the next meeting could not be read: “%(text)s”.") % {"text": short(text)}
        )
    else:
        when = resolve_after(
            pending, meeting_date, year=year, today=today, what=text, warnings=warnings
        )
        if pending.relative is not None and meeting_date is None:
            warnings.append(
                _(
                    "The next meeting is set “%(phrase)s” after this one, whose date was "
                    "not found: its date was left empty."
                )
                % {
                    "phrase": text[base + pending.relative.start : base + pending.relative.end],
                }
            )
    found_time = dates.find_time(text)
    return ParsedNextMeeting(text=text, date=when, time=found_time.time if found_time else None)
