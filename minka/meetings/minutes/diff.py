"""Side-by-side comparison of two revisions of the minutes, section by section.

Each section's Markdown source is compared line by line (:mod:`difflib`); lines that were
replaced are compared again word by word, so a changed comma does not mark a whole
paragraph. Every piece of text is escaped before it is wrapped in ``<del>`` or ``<ins>``:
the result is built only from escaped text and those two tags, so a revision cannot inject
markup into the comparison (XSS on version diffs is a known class of bugs).

Words are compared without the spaces around them, which stay outside the marks.

The page is open to anyone who may read the minutes, so its cost is bounded: difflib's
matcher is quadratic in the length of long, repetitive text, even cubic in the worst case,
and took a minute on one hostile paragraph. One comparison may take :data:`MAX_WORK` steps
of the matcher's inner loop, charged before each search for a longest match runs; once
they are spent, each text still to compare is shown with its common beginning and end as
unchanged and everything between them as replaced as a whole.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from minka.meetings.minutes.models import Section

if TYPE_CHECKING:
    from collections.abc import Sequence

    from minka.meetings.minutes.content import MinutesContent

    Opcodes = Sequence[tuple[str, int, int, int, int]]

# A word with the spaces around it (only the first word of a line has spaces before it).
_TOKENS = re.compile(r"\s*\S+\s*|\s+")

# Steps of difflib's inner loop one comparison may take (about half a second of CPU).
MAX_WORK = 3_000_000


class _Budget:
    """The steps left to one comparison of two revisions, shared by all its sections."""

    def __init__(self) -> None:
        self.left = MAX_WORK


class _BudgetSpentError(Exception):
    pass


class _Matcher(difflib.SequenceMatcher[str]):
    """A :class:`difflib.SequenceMatcher` that charges each search for the longest match to
    a budget before running it, and gives up (:class:`_BudgetSpentError`) past it.

    The charge is an upper bound of the search's inner loop: for each element of
    ``a[alo:ahi]``, one step plus the positions of that element in ``b``.
    """

    a: list[str]  # difflib's own attributes, which typeshed does not declare
    b2j: dict[str, list[int]]

    def __init__(self, a: list[str], b: list[str], budget: _Budget) -> None:
        self.budget = budget
        super().__init__(None, a, b, autojunk=False)
        self.cost = list(accumulate((1 + len(self.b2j.get(x, ())) for x in a), initial=0))

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> difflib.Match:
        ahi = len(self.a) if ahi is None else ahi
        self.budget.left -= self.cost[ahi] - self.cost[alo]
        if self.budget.left < 0:
            raise _BudgetSpentError
        return super().find_longest_match(alo, ahi, blo, bhi)


def _opcodes(a: list[str], b: list[str], budget: _Budget) -> Opcodes:
    """difflib's opcodes from ``a`` to ``b``; past the budget, the common beginning and end
    are equal and everything between them is one replacement."""
    if budget.left > 0:
        try:
            return _Matcher(a, b, budget).get_opcodes()
        except _BudgetSpentError:
            budget.left = 0
    size = min(len(a), len(b))
    head = next((i for i in range(size) if a[i] != b[i]), size)
    tail = next((i for i in range(size - head) if a[-1 - i] != b[-1 - i]), size - head)
    opcodes = [("equal", 0, head, 0, head)] if head else []
    if head < len(a) - tail or head < len(b) - tail:
        opcodes.append(("replace", head, len(a) - tail, head, len(b) - tail))
    if tail:
        opcodes.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    return opcodes


@dataclass
class Row:
    """One line of a section: what it was (left) and what it became (right)."""

    tag: str  # "equal", "replace", "delete" or "insert"
    left: SafeString | None
    right: SafeString | None


@dataclass
class SectionDiff:
    key: str
    label: str
    rows: list[Row] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(row.tag != "equal" for row in self.rows)


def _wrap(tag: str, text: str) -> str:
    """``text`` escaped inside ``tag``, the spaces around it (nothing to escape) outside."""
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    if start == len(text):
        return text
    return f"{text[:start]}<{tag}>{escape(text[start:end])}</{tag}>{text[end:]}"


def _words(old: str, new: str, budget: _Budget) -> tuple[SafeString, SafeString]:
    """Mark the words that differ between two lines (both escaped). Words are compared
    without the spaces around them, which are kept for display."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in _opcodes(_keys(a), _keys(b), budget):
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            left.append(str(escape(old_part)))
            right.append(str(escape(new_part)))
        else:
            left.append(_wrap("del", old_part))
            right.append(_wrap("ins", new_part))
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 - escaped above


def _keys(tokens: list[str]) -> list[str]:
    return [token.strip() for token in tokens]


def _lines(old: str, new: str, budget: _Budget) -> list[Row]:
    a, b = old.splitlines(), new.splitlines()
    rows: list[Row] = []
    for op, i1, i2, j1, j2 in _opcodes(a, b, budget):
        if op == "equal":
            rows += [Row("equal", escape(line), escape(line)) for line in a[i1:i2]]
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for index in range(max(len(olds), len(news))):
            left = olds[index] if index < len(olds) else None
            right = news[index] if index < len(news) else None
            if left is not None and right is not None:
                rows.append(Row("replace", *_words(left, right, budget)))
            elif left is not None:
                rows.append(Row("delete", mark_safe(_wrap("del", left)), None))  # noqa: S308
            elif right is not None:
                rows.append(Row("insert", None, mark_safe(_wrap("ins", right))))  # noqa: S308
    return rows


def compare(old: MinutesContent, new: MinutesContent) -> list[SectionDiff]:
    """Every section of the minutes, its lines compared from ``old`` to ``new`` within one
    budget of :data:`MAX_WORK` steps."""
    before, after = old.section_texts(), new.section_texts()
    budget = _Budget()
    return [
        SectionDiff(key=key, label=str(label), rows=_lines(before[key], after[key], budget))
        for key, label in Section.choices
    ]
