"""White space, words and capitals: the small helpers every module of the parser reads text
with, and the labels of a "Label: value" field line, which both the line kinds
(:mod:`.lines`) and the presenters (:mod:`.people`) look for.
"""

from __future__ import annotations

import re

from minka.core.text import fold

FIELD = re.compile(
    r"^(?P<label>fecha\s+l[ií]mite|fecha\s+de\s+entrega|fecha(?:\s+y\s+(?:hora|lugar))?"
    r"|lugar(?:\s+y\s+fecha|\s+de\s+(?:la\s+)?(?:reuni[oó]n|sesi[oó]n|asamblea))?|sede|local"
    r"|ciudad|ubicaci[oó]n|plataforma|d[ií]a|hora(?:\s+de\s+inicio)?|horario"
    r"|responsables?|encargad[oa]s?|plazo|t[ií]tulo|asunto|tema|modalidad"
    r"|expositor(?:a|es)?|ponentes?|presentador(?:a)?)\s*:\s*",
    re.IGNORECASE,
)
WORD = re.compile(r"\w+")


def word_set(words: str) -> frozenset[str]:
    """The words of ``words`` (written as prose, which reads better than a list)."""
    return frozenset(words.split())


def clean(text: str) -> str:
    return " ".join(text.split())


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def short(text: str, limit: int = 80) -> str:
    text = clean(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def is_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(not ch.islower() for ch in letters)


def is_capitalized(word: str) -> bool:
    return bool(word) and word[0].isalpha() and word[0].isupper()
