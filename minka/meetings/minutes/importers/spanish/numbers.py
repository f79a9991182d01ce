"""Spanish whole numbers written in words, as minutes write days, years and times.

Pure functions (no I/O, no Django): :data:`NUMBER` is a regular expression fragment (no
groups, to be compiled with ``re.IGNORECASE``) that matches "uno", "primero", "veintiún",
"treinta y uno", "ciento cinco", "dos mil diecinueve" or "mil novecientos noventa y
ocho", with or without accents; :func:`parse_number` turns such words into their value.
The fragment is built from fixed alternatives with no nested repetition, so matching it
is linear in the length of the text.
"""

from __future__ import annotations

import re

from minka.core.text import fold

UNITS = {
    "un": 1,
    "uno": 1,
    "una": 1,
    "primero": 1,
    "primer": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
}
TEENS = {
    "diez": 10,
    "once": 11,
    "doce": 12,
    "trece": 13,
    "catorce": 14,
    "quince": 15,
    "dieciseis": 16,
    "diecisiete": 17,
    "dieciocho": 18,
    "diecinueve": 19,
    "veinte": 20,
    "veintiun": 21,
    "veintiuno": 21,
    "veintiuna": 21,
    "veintidos": 22,
    "veintitres": 23,
    "veinticuatro": 24,
    "veinticinco": 25,
    "veintiseis": 26,
    "veintisiete": 27,
    "veintiocho": 28,
    "veintinueve": 29,
}
TENS = {
    "treinta": 30,
    "cuarenta": 40,
    "cincuenta": 50,
    "sesenta": 60,
    "setenta": 70,
    "ochenta": 80,
    "noventa": 90,
}
HUNDREDS = {
    "cien": 100,
    "ciento": 100,
    "doscientos": 200,
    "trescientos": 300,
    "cuatrocientos": 400,
    "quinientos": 500,
    "seiscientos": 600,
    "setecientos": 700,
    "ochocientos": 800,
    "novecientos": 900,
}
WORDS = {**UNITS, **TEENS, **TENS, **HUNDREDS}

_ACCENTS = {"a": "[aá]", "e": "[eé]", "i": "[ií]", "o": "[oó]", "u": "[uúü]"}


def _loose(words: dict[str, int]) -> str:
    """An alternation of ``words`` (longest first) that also matches them with accents."""
    ordered = sorted(words, key=len, reverse=True)
    return "(?:" + "|".join("".join(_ACCENTS.get(ch, ch) for ch in w) for w in ordered) + r")\b"


_UNIT = _loose(UNITS)
_BELOW_100 = rf"(?:{_loose(TEENS)}|{_loose(TENS)}(?:\s+y\s+{_UNIT})?|{_UNIT})"
_BELOW_1000 = rf"(?:{_loose(HUNDREDS)}(?:\s+{_BELOW_100})?|{_BELOW_100})"
_THOUSANDS = rf"(?:(?:{_BELOW_100}\s+)?mil\b(?:\s+{_BELOW_1000})?)"

#: Any number from 1 to 99 999 in words.
NUMBER = rf"(?:{_THOUSANDS}|{_BELOW_1000})"
#: A number from 1 to 99 in words (days, hours, minutes).
SMALL = _BELOW_100

_NUMBER_RE = re.compile(rf"\s*{NUMBER}\s*", re.IGNORECASE)


def parse_number(text: str) -> int | None:
    """The value of ``text`` when it is exactly one number in words ("dos mil
    diecinueve" is 2019); ``None`` otherwise."""
    if not _NUMBER_RE.fullmatch(text):
        return None
    total = 0
    current = 0
    for word in fold(text).split():
        if word == "y":
            continue
        if word == "mil":
            total += (current or 1) * 1000
            current = 0
        else:
            current += WORDS[word]
    return total + current
