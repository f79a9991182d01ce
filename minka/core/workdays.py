"""Working days in Peru, for legal deadlines (ARCO requests are counted in working days)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

# National holidays with a fixed date (Ley 27451 and later laws; check yearly decrees).
_FIXED = [
    (1, 1),  # Año Nuevo
    (5, 1),  # Día del Trabajo
    (6, 7),  # Batalla de Arica y Día de la Bandera
    (6, 29),  # San Pedro y San Pablo
    (7, 23),  # Día de la Fuerza Aérea
    (7, 28),  # Fiestas Patrias
    (7, 29),  # Fiestas Patrias
    (8, 6),  # Batalla de Junín
    (8, 30),  # Santa Rosa de Lima
    (10, 8),  # Combate de Angamos
    (11, 1),  # Todos los Santos
    (12, 8),  # Inmaculada Concepción
    (12, 9),  # Batalla de Ayacucho
    (12, 25),  # Navidad
]


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


@cache
def holidays(year: int) -> frozenset[date]:
    """Peru's national holidays in ``year``, Holy Thursday and Good Friday included."""
    easter = _easter(year)
    movable = {easter - timedelta(days=3), easter - timedelta(days=2)}
    return frozenset({date(year, month, day) for month, day in _FIXED} | movable)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
