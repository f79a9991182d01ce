"""Spanish dates, times and relative phrases as minutes write them.

Pure functions over one string (no I/O, no Django): :func:`find_dates` finds "16 de marzo
del presente", "20 de abril de 2026" (or "de 2.026"), "1° de mayo", "16/03/2026", "16-03-26" and
"2026-03-16" (day before month, as in Peru); :func:`find_time` finds "10:00 horas",
"10 a.m.", "3:30 pm", "15h", "a las 10" and "a las 3 de la tarde"; :func:`find_relative`
finds "dentro de un mes", "en dos semanas", "dentro de 15 días", "la próxima semana" and
"el próximo mes". Days, years, hours, minutes and spans may be written in words ("a los
veinte días del mes de mayo del año dos mil diecinueve", "siendo las nueve horas con
quince minutos", "dentro de dos semanas"; see :mod:`numbers`). Every pattern is linear in
the length of the text (no nested repetition), so hostile input cannot make them backtrack
for long.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from minka.core.text import fold
from minka.meetings.minutes.importers.spanish import numbers

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

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WRITTEN = re.compile(
    rf"(?<![\w/.-])(?P<day>[0-3]?\d)(?:\s?(?:°|º|ro\b|er\b))?\s+(?:de\s+)?(?P<month>{_MONTH})\b"
    r"(?:,?\s+(?:del?\s+)?(?:(?P<year>\d\.?\d{3})\b|(?P<present>presente(?:\s+a[ñn]o)?\b"
    r"|a[ñn]o\s+en\s+curso\b)|a[ñn]o\s+(?P<year2>\d\.?\d{3})\b))?",
    re.IGNORECASE,
)
# "a los veinte días del mes de mayo del año dos mil diecinueve", "primero de julio de 2020".
_WORDED = re.compile(
    rf"(?<![\w/.-])(?:(?P<dayw>{numbers.SMALL})(?:\s*\([0-3]?\d\))?|(?P<day>[0-3]?\d))"
    r"(?P<days>\s+d[ií]as?)?"
    rf"\s+del?\s+(?P<of>mes\s+de\s+)?(?P<month>{_MONTH})\b"
    rf"(?:,?\s+(?:del?\s+)?(?:a[ñn]o\s+)?(?:(?P<year>\d\.?\d{{3}})\b|(?P<yearw>{numbers.NUMBER})))?",
    re.IGNORECASE,
)
# "08 dic.2018", "8-dic-2018", "12 Set. 2019": an abbreviated month, only with its year.
_ABBREVIATED = re.compile(
    r"(?<![\w/.-])(?P<day>[0-3]?\d)[\s/-]*(?:de\s+)?(?P<month>ene|feb|mar|abr|may|jun|jul|ago"
    r"|sept?|set|oct|nov|dic)\.?[\s/-]*(?:de[l]?\s+)?(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_ABBREVIATIONS = {name[:3]: number for name, number in MONTHS.items()} | {"sep": 9, "set": 9}
# "mayo 5 de 2019", "Mayo 5, 2019" (month first, as in Colombia and Central America): only
# with its year.
_MONTH_FIRST = re.compile(
    rf"(?<![\w/.-])(?P<month>{_MONTH})\s+(?P<day>[0-3]?\d)(?:\s*,|\s+del?)?\s+"
    r"(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"(?<![\w/.-])(?P<day>[0-3]?\d)(?P<sep>[/.-])(?P<month>[01]?\d)(?P=sep)"
    r"(?P<year>\d{4}|\d{2})(?![\w/-]|\.\d)"
)
_ISO = re.compile(r"(?<![\w/.-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\w/-])")

_TIME = re.compile(
    r"(?<![\w:/.,])(?P<prefix>a\s+las?\s+)?(?P<hour>[0-2]?\d)(?:(?P<sep>[:.,])(?P<minute>[0-5]\d))?"
    r"(?:\s?(?P<suffix>[ap]\.?\s?m\b\.?|h(?:oras?|rs?|s)?\b\.?)"
    r"|\s+de\s+la\s+(?P<part>mañana|tarde|noche)\b)?",
    re.IGNORECASE,
)
# "las nueve horas con quince minutos", "las cinco y cincuenta y cinco de la tarde".
_WORD_TIME = re.compile(
    rf"\blas?\s+(?P<hour>{numbers.SMALL})(?P<hours>\s+horas?\b)?"
    rf"(?:\s+(?:con|y)\s+(?P<minute>{numbers.SMALL}|media\b|cuarto\b)(?P<minutes>\s+minutos?\b)?)?"
    r"(?:\s+de\s+la\s+(?P<part>mañana|tarde|noche)\b)?",
    re.IGNORECASE,
)

_RELATIVE = re.compile(
    r"\b(?:(?:dentro\s+de|en|luego\s+de|despu[eé]s\s+de|en\s+un\s+plazo\s+de)\s+"
    rf"(?P<amount>\d{{1,3}}|{numbers.SMALL})\s+(?P<unit>d[ií]as?|semanas?|mes(?:es)?)\b"
    r"|(?P<week>pr[oó]xima\s+semana|semana\s+(?:siguiente|pr[oó]xima|entrante|que\s+viene))\b"
    r"|(?P<month>pr[oó]ximo\s+mes|mes\s+(?:siguiente|pr[oó]ximo|entrante|que\s+viene))\b)",
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
    dates. Of two dates that overlap, the one that starts first (then the longer) wins."""
    found: list[DateMatch] = []
    for match in _WRITTEN.finditer(text):
        raw_year = match["year"] or match["year2"]
        found.append(
            DateMatch(
                start=match.start(),
                end=match.end(),
                day=int(match["day"]),
                month=MONTHS[match["month"].lower()],
                year=int(raw_year.replace(".", "")) if raw_year else None,
                present=bool(match["present"]),
            )
        )
    found.extend(_worded_dates(text))
    for pattern in (_MONTH_FIRST, _ABBREVIATED):  # both always with their year
        for match in pattern.finditer(text):
            name = match["month"].lower()
            found.append(
                DateMatch(
                    start=match.start(),
                    end=match.end(),
                    day=int(match["day"]),
                    month=MONTHS.get(name) or _ABBREVIATIONS[name[:3]],
                    year=int(match["year"]),
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
    found.sort(key=lambda date: (date.start, date.start - date.end))
    kept: list[DateMatch] = []
    for date in found:
        if not kept or date.start >= kept[-1].end:
            kept.append(date)
    return kept


def _worded_dates(text: str) -> list[DateMatch]:
    """Dates with the day or the year in words, or "20 días del mes de mayo". A day in
    words with a capital and no year ("Plaza Dos de Mayo") is a name, not a date; a year
    of round thousands that ends the text ("… DE DOS MIL" then "DOCE." on the next line)
    is cut by a line break, so that date is left out rather than read as 2000."""
    found: list[DateMatch] = []
    for match in _WORDED.finditer(text):
        day_words = match["dayw"]
        if not (day_words or match["days"] or match["of"] or match["yearw"]):
            continue  # "20 de mayo de 2026": _WRITTEN reads it.
        day = numbers.parse_number(day_words) if day_words else int(match["day"])
        if day is None or not 1 <= day <= 31:
            continue
        end = match.end()
        year: int | None = None
        if match["year"]:
            year = int(match["year"].replace(".", ""))
        elif match["yearw"]:
            year = numbers.parse_number(match["yearw"])
            if year and year % 1000 == 0 and not text[end:].strip(" \t*_.,;:"):
                continue
        if year is not None and not 1000 <= year <= 2999:
            year, end = None, match.end("month")
        if year is None and day_words and day_words[:1].isupper() and day_words[1:].islower():
            continue
        month = MONTHS[match["month"].lower()]
        found.append(DateMatch(start=match.start(), end=end, day=day, month=month, year=year))
    return found


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span replaced by spaces (positions are kept)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def find_time(text: str) -> TimeMatch | None:
    """The first time of day in ``text`` outside its dates. A bare number is a time only
    with minutes after a colon ("10:00"), a suffix ("10 am", "15h", "10.30 horas", "19,05
    horas"), "a las" before it, or "de la tarde" after it. Hours in words need "horas",
    minutes or "de la tarde" ("las nueve horas con quince minutos")."""
    searched = blank(text, [(d.start, d.end) for d in find_dates(text)])
    found = [t for t in (_digit_time(searched), _word_time(searched)) if t is not None]
    return min(found, key=lambda t: t.start) if found else None


def _clock(hour: int, minute: int, *, suffix: str, part: str) -> dt.time | None:
    """The time of day, with "a.m."/"p.m." or "de la tarde" (then 1 to 12) applied."""
    if suffix in ("am", "pm") or part:
        if not 1 <= hour <= 12:
            return None
        if (suffix == "pm" or part in ("tarde", "noche")) and hour < 12:
            hour += 12
        elif suffix == "am" and hour == 12:
            hour = 0
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _digit_time(searched: str) -> TimeMatch | None:
    for match in _TIME.finditer(searched):
        suffix = (match["suffix"] or "").lower().replace(".", "").replace(" ", "")
        part = (match["part"] or "").lower()
        if not (match["sep"] == ":" or suffix or part or match["prefix"]):
            continue
        if match["sep"] in (".", ",") and not (suffix or part or match["prefix"]):
            continue
        time = _clock(int(match["hour"]), int(match["minute"] or 0), suffix=suffix, part=part)
        if time is not None:
            return TimeMatch(start=match.start(), end=match.end(), time=time)
    return None


def _word_time(searched: str) -> TimeMatch | None:
    for match in _WORD_TIME.finditer(searched):
        part = (match["part"] or "").lower()
        if not (match["hours"] or match["minutes"] or part):
            continue
        hour = numbers.parse_number(match["hour"])
        raw = (match["minute"] or "").lower()
        minute = {"": 0, "media": 30, "cuarto": 15}.get(raw, numbers.parse_number(raw))
        if hour is None or minute is None:
            continue
        time = _clock(hour, minute, suffix="", part=part)
        if time is not None:
            return TimeMatch(start=match.start(), end=match.end(), time=time)
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
    raw = match["amount"]
    amount = int(raw) if raw.isdigit() else numbers.parse_number(raw) or 1
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


# Words just before a date that say it is the date of this meeting ("se reunieron el…",
# "sesión celebrada el…", "correspondiente al día…", "siendo las 9 horas del día…").
_HELD = re.compile(
    r"\b(?:celebrad[ao]s?|realizad[ao]s?|efectuad[ao]s?|llevad[ao]\s+a\s+cabo|reunid[ao]s?"
    r"|se\s+reune[n]?|se\s+reunieron|se\s+da\s+inicio|siendo\s+las|correspondiente\s+al"
    r"|en\s+la\s+ciudad\s+de|en\s+la\s+villa\s+de|a\s+los|sesi[oó]n\s+(?:ordinaria|extraordinaria)"
    r"|(?:acta|sesi[oó]n|reuni[oó]n|asamblea)\s+(?:\w+\s+){0,3}del?)\b"
)
# Words just before a date that say it belongs to another meeting or document: the next
# meeting or a call to it, earlier minutes approved, a law, a publication.
_OTHER = re.compile(
    r"\b(?:pr[oó]xim[ao]|siguiente|convoca\w*|anterior(?:es)?|de\s+fecha|continuada|aprobaci[oó]n"
    r"\s+del\s+acta|acta\s+(?:n[°º.o]|de\s+la\s+sesi[oó]n)|ley|decreto|resoluci[oó]n|oficio"
    r"|carta|memor[aá]ndum|publicad[ao]|vence|hasta\s+el|plazo|nombrad[ao]|designad[ao])\b"
)
_CUE_WORDS = 6  # a cue counts when at most this many words stand between it and the date
HELD, PASSING, OTHER = 0, 1, 2  # how a date in running text relates to the meeting


def date_role(text: str, match: DateMatch) -> int:
    """Whether the date ``match`` of ``text`` is said to be the meeting's (:data:`HELD`),
    another meeting's or document's (:data:`OTHER`), or only mentioned (:data:`PASSING`),
    from the few words before it."""
    before = fold(text[max(0, match.start - 80) : match.start]).lower()

    def nearest(pattern: re.Pattern[str]) -> int:
        ends = [
            cue.end()
            for cue in pattern.finditer(before)
            if len(before[cue.end() :].split()) <= _CUE_WORDS
        ]
        return max(ends, default=-1)

    held, other = nearest(_HELD), nearest(_OTHER)
    if other > held:
        return OTHER
    if held >= 0:
        return HELD
    return PASSING
