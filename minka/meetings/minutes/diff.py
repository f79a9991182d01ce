"""Side-by-side comparison of two revisions of the minutes, section by section.

Each section's Markdown source is compared line by line (:mod:`difflib`); lines that were
replaced are compared again word by word, so a changed comma does not mark a whole
paragraph. Every piece of text is escaped before it is wrapped in ``<del>`` or ``<ins>``:
the result is built only from escaped text and those two tags, so a revision cannot inject
markup into the comparison (XSS on version diffs is a known class of bugs).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from minka.meetings.models import Section

if TYPE_CHECKING:
    from minka.meetings.minutes.content import MinutesContent

_WORDS = re.compile(r"(\s+)")


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
    return f"<{tag}>{escape(text)}</{tag}>" if text else ""


def _words(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Mark the words that differ between two lines (both escaped)."""
    a, b = _WORDS.split(old), _WORDS.split(new)
    left: list[str] = []
    right: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            left.append(str(escape(old_part)))
            right.append(str(escape(new_part)))
        else:
            left.append(_wrap("del", old_part))
            right.append(_wrap("ins", new_part))
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 - escaped above


def _lines(old: str, new: str) -> list[Row]:
    a, b = old.splitlines(), new.splitlines()
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [Row("equal", escape(line), escape(line)) for line in a[i1:i2]]
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for index in range(max(len(olds), len(news))):
            left = olds[index] if index < len(olds) else None
            right = news[index] if index < len(news) else None
            if left is not None and right is not None:
                rows.append(Row("replace", *_words(left, right)))
            elif left is not None:
                rows.append(Row("delete", mark_safe(_wrap("del", left)), None))  # noqa: S308
            elif right is not None:
                rows.append(Row("insert", None, mark_safe(_wrap("ins", right))))  # noqa: S308
    return rows


def compare(old: MinutesContent, new: MinutesContent) -> list[SectionDiff]:
    """Every section of the minutes, its lines compared from ``old`` to ``new``."""
    before, after = old.section_texts(), new.section_texts()
    return [
        SectionDiff(key=key, label=str(label), rows=_lines(before[key], after[key]))
        for key, label in Section.choices
    ]
