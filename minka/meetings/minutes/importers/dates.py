"""Spanish dates, times and relative phrases as minutes write them.

Pure functions over one string (no I/O, no Django): :func:`find_dates` finds "16 de marzo
del presente", "20 de abril de 2026", "1° de mayo", "16/03/2026", "16-03-26" and
"2026-03-16" (day before month, as in Peru); :func:`find_time` finds "10:00 horas",
"10 a.m.", "3:30 pm", "15h", "a las 10" and "a las 3 de la tarde"; :func:`find_relative`
finds "dentro de un mes", "en dos semanas", "dentro de 15 días", "la próxima semana" and
"el próximo mes". Every pattern is linear in the length of the text (no nested
repetition), so hostile input cannot make them backtrack for long.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}
WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
NUMBER_WORDS = {
    "un": 1,
    "una": 1,
    "uno": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "once": 11,
    "doce": 12,
    "quince": 15,
    "veinte": 20,
    "treinta": 30,
}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WRITTEN = re.compile(
    rf"(?<![\w/.-])(?P<day>[0-3]?\d)(?:\s?(?:°|º|ro\b|er\b))?\s+de\s+(?P<month>{_MONTH})\b"
    r"(?:,?\s+(?:del?\s+)?(?:(?P<year>\d{4})\b|(?P<present>presente(?:\s+a[ñn]o)?\b"
    r"|a[ñn]o\s+en\s+curso\b)|a[ñn]o\s+(?P<year2>\d{4})\b))?",
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"(?<![\w/.-])(?P<day>[0-3]?\d)(?P<sep>[/.-])(?P<month>[01]?\d)(?P=sep)"
    r"(?P<year>\d{4}|\d{2})(?![\w/-]|\.\d)"
)
_ISO = re.compile(r"(?<![\w/.-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\w/-])")

_TIME = re.compile(
    r"(?<![\w:/.,])(?P<prefix>a\s+las?\s+)?(?P<hour>[0-2]?\d)(?:(?P<sep>[:.])(?P<minute>[0-5]\d))?"
    r"(?:\s?(?P<suffix>[ap]\.?\s?m\b\.?|h(?:oras?|rs?|s)?\b\.?)"
    r"|\s+de\s+la\s+(?P<part>mañana|tarde|noche)\b)?",
    re.IGNORECASE,
)

_RELATIVE = re.compile(
    r"\b(?:(?:dentro\s+de|en|luego\s+de|despu[eé]s\s+de|en\s+un\s+plazo\s+de)\s+"
    r"(?P<amount>\d{1,3}|"
    + "|".join(NUMBER_WORDS)
    + r")\s+(?P<unit>d[ií]as?|semanas?|mes(?:es)?)\b"
    r"|(?P<week>pr[oó]xima\s+semana|semana\s+(?:siguiente|pr[oó]xima|entrante))\b"
    r"|(?P<month>pr[oó]ximo\s+mes|mes\s+(?:siguiente|pr[oó]ximo|entrante))\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMatch:
    """A date written in a text; ``year`` is ``None`` when the text does not give it
    (``present`` then says whether it said "del presente")."""

    start: int
    end: int
    day: int
    month: int
    year: int | None
    present: bool = False

    def resolve(self, year: int) -> dt.date | None:
        """The date with ``year`` when the text gave none; ``None`` if it does not exist
        (31 de febrero)."""
        try:
            return dt.date(self.year if self.year is not None else year, self.month, self.day)
        except ValueError:
            return None


@dataclass(frozen=True)
class TimeMatch:
    start: int
    end: int
    time: dt.time


@dataclass(frozen=True)
class RelativeMatch:
    """A span of time counted from another date: ``unit`` is "days" or "months"."""

    start: int
    end: int
    amount: int
    unit: str

    def after(self, base: dt.date) -> dt.date:
        if self.unit == "months":
            return add_months(base, self.amount)
        return base + dt.timedelta(days=self.amount)


def _year(raw: str) -> int:
    value = int(raw)
    return 2000 + value if len(raw) == 2 else value


def find_dates(text: str) -> list[DateMatch]:
    """Every date written in ``text``, in order of position. Impossible days and months
    are kept (``DateMatch.resolve`` says they do not exist); month numbers over 12 are not
    dates."""
    found: list[DateMatch] = []
    for match in _WRITTEN.finditer(text):
        raw_year = match["year"] or match["year2"]
        found.append(
            DateMatch(
                start=match.start(),
                end=match.end(),
                day=int(match["day"]),
                month=MONTHS[match["month"].lower()],
                year=int(raw_year) if raw_year else None,
                present=bool(match["present"]),
            )
        )
    for pattern in (_NUMERIC, _ISO):
        for match in pattern.finditer(text):
            month = int(match["month"])
            if not 1 <= month <= 12 or int(match["day"]) == 0:
                continue
            found.append(
                DateMatch(
                    start=match.start(),
                    end=match.end(),
                    day=int(match["day"]),
                    month=month,
                    year=_year(match["year"]),
                )
            )
    found.sort(key=lambda date: date.start)
    return found


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span replaced by spaces (positions are kept)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def find_time(text: str) -> TimeMatch | None:
    """The first time of day in ``text`` outside its dates. A bare number is a time only
    with minutes after a colon ("10:00"), a suffix ("10 am", "15h", "10.30 horas"), "a las"
    before it, or "de la tarde" after it."""
    searched = blank(text, [(d.start, d.end) for d in find_dates(text)])
    for match in _TIME.finditer(searched):
        hour = int(match["hour"])
        minute = int(match["minute"] or 0)
        suffix = (match["suffix"] or "").lower().replace(".", "").replace(" ", "")
        part = (match["part"] or "").lower()
        colon = match["sep"] == ":"
        if not (colon or suffix or part or match["prefix"]):
            continue
        if match["sep"] == "." and not (suffix or part or match["prefix"]):
            continue
        if suffix in ("am", "pm") or part:
            if not 1 <= hour <= 12:
                continue
            if (suffix == "pm" or part in ("tarde", "noche")) and hour < 12:
                hour += 12
            elif suffix == "am" and hour == 12:
                hour = 0
        if hour > 23:
            continue
        return TimeMatch(start=match.start(), end=match.end(), time=dt.time(hour, minute))
    return None


def find_relative(text: str) -> RelativeMatch | None:
    """The first span of time in ``text`` ("dentro de un mes", "la próxima semana")."""
    match = _RELATIVE.search(text)
    if match is None:
        return None
    if match["week"]:
        return RelativeMatch(match.start(), match.end(), 7, "days")
    if match["month"]:
        return RelativeMatch(match.start(), match.end(), 1, "months")
    raw = match["amount"].lower()
    amount = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
    unit = match["unit"].lower()
    if unit.startswith("mes"):
        return RelativeMatch(match.start(), match.end(), amount, "months")
    if unit.startswith("semana"):
        return RelativeMatch(match.start(), match.end(), amount * 7, "days")
    return RelativeMatch(match.start(), match.end(), amount, "days")


def add_months(base: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the end of a shorter month (31 January
    plus one month is 28 or 29 February)."""
    index = base.month - 1 + months
    year, month = base.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(base.day, calendar.monthrange(year, month)[1]))
