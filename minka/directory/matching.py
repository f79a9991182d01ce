"""People already in the directory whose name is close to a typed one.

When a coordinator types a name (a walk-in on a meeting's attendance sheet, an attendee of
imported minutes), "jose perez" should be offered as the existing "José Pérez" instead of
silently becoming a second record. Names are compared folded (no case, accents,
punctuation or extra spaces) and, for small typos, with :mod:`difflib`'s ratio.

Usage::

    from minka.directory.matching import person_suggestions

    for person in person_suggestions("jose perez"):
        ...  # best match first

This is not a permission check: show the result only to people who may see the whole
directory (coordinators).
"""

from __future__ import annotations

import difflib
import heapq
from typing import TYPE_CHECKING

from minka.core.text import fold
from minka.directory.models import Person

if TYPE_CHECKING:
    from django.db.models import QuerySet

# difflib's ratio at which two folded names count as the same name with a typo or two:
# "jose peres" ~ "jose perez" (0.90), "maria quispe" ~ "mario quispe" (0.92); distinct
# short names such as "ana diaz" and "ada paz" stay apart (0.67). A suggestion is only
# offered: "juan perez" is close to "juana perez" (0.95) and the coordinator decides.
SIMILARITY_CUTOFF = 0.85


def fold_name(name: str) -> str:
    """``name`` as names are compared: lower case, no accents, punctuation as spaces,
    single spaces. ``fold_name("  José  PÉREZ-Gómez ")`` is ``"jose perez gomez"``."""
    folded = fold(name)
    return " ".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


def _ratio(a: str, b: str, cutoff: float) -> float:
    """difflib's ratio of two folded names, or 0 when the cheap bounds are below
    ``cutoff`` (most of a directory is discarded without the full comparison)."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
        return 0.0
    return matcher.ratio()


def name_similarity(a: str, b: str, *, cutoff: float = 0.0) -> float:
    """How alike two names are, from 0 to 1: 1 when they are equal once folded
    (:func:`fold_name`), else difflib's ratio of the folded names, also compared with their
    words sorted so that "Pérez José" matches "José Pérez". Scores below ``cutoff`` may be
    returned as 0 (a shortcut for callers that only keep good matches)."""
    fa, fb = fold_name(a), fold_name(b)
    if not fa or not fb:
        return 0.0
    if fa == fb:
        return 1.0
    score = _ratio(fa, fb, cutoff)
    sa, sb = " ".join(sorted(fa.split())), " ".join(sorted(fb.split()))
    if sa == sb:
        return max(score, 0.99)
    return max(score, _ratio(sa, sb, cutoff))


def person_suggestions(
    name: str,
    *,
    people: QuerySet[Person] | None = None,
    limit: int = 3,
    cutoff: float = SIMILARITY_CUTOFF,
) -> list[Person]:
    """The directory's people whose name is close to ``name``, best match first (ties by
    name), at most ``limit``.

    Close means a :func:`name_similarity` of at least ``cutoff``: equal once case, accents,
    punctuation and spacing are ignored, or a typo or two apart. ``people`` narrows the
    candidates and may carry ``select_related``/``prefetch_related`` for what the caller
    shows; by default everyone not anonymized. Costs two queries (the candidates' folded
    names, then the chosen people), one when nothing is close; the comparison itself runs
    in Python, a few milliseconds per thousand people.
    """
    key = fold_name(name)
    if not key or limit < 1:
        return []
    if people is None:
        people = Person.objects.exclude(status=Person.Status.ANONYMIZED)
    scored: list[tuple[float, str, int]] = []
    for pk, search_key in people.values_list("pk", "search_key").order_by():
        score = name_similarity(key, search_key, cutoff=cutoff)
        if score >= cutoff:
            scored.append((score, fold_name(search_key), pk))
    best = heapq.nsmallest(limit, scored, key=lambda item: (-item[0], item[1], item[2]))
    if not best:
        return []
    found = people.in_bulk([pk for _score, _key, pk in best])
    return [found[pk] for _score, _key, pk in best if pk in found]
