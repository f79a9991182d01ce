"""Which directory records the names of imported minutes refer to, and which series the
minutes belong to. Reads only: :mod:`.service` saves.

Matching ignores case, accents, extra spaces and courtesy titles ("Sr.", "Ing."). Besides
the exact matches, :func:`attendee_candidates` offers *close* ones (a name with a word more
or less, a letter typed wrong), so that the coordinator links a person rather than adding
a duplicate; :func:`series_propose` picks the series from the title of the minutes and
from the meetings already held.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from django.db.models import Q

from minka.core.text import fold
from minka.directory.matching import SIMILARITY_CUTOFF, name_similarity
from minka.directory.models import Organization, Person
from minka.meetings.models import Meeting, Series

if TYPE_CHECKING:
    from collections.abc import Sequence

    from minka.meetings.minutes.importers.parsed import ParsedAttendee

# Courtesy titles written before names in minutes; ignored when matching and when creating.
_HONORIFIC = re.compile(
    r"^(?:(?:sr|sra|srta|sres|dr|dra|ing|lic|mg|mag|prof|abog|econ|arq)\.?\s+)+",
    re.IGNORECASE,
)
# "Name (ACRONYM)": the organization written with its acronym in brackets.
_WITH_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<acronym>[^()]+)\)$")
_NAME_MAX = 150


@dataclass
class AttendeeMatch:
    """What the directory holds for one parsed attendee.

    ``person`` is set only when exactly one directory record has that name; ``ambiguous``
    says that several do (``person`` is then ``None``: a coordinator picks by hand).
    ``organization`` is the organization named beside the attendee, if one matches.
    """

    attendee: ParsedAttendee
    person: Person | None
    organization: Organization | None
    ambiguous: bool


def clean_name(name: str) -> str:
    """``name`` with single spaces and no leading courtesy title ("Sr.", "Ing."…)."""
    collapsed = " ".join(name.split())
    return _HONORIFIC.sub("", collapsed) or collapsed


def _key(text: str) -> str:
    return " ".join(fold(text).split())


def name_key(name: str) -> str:
    """The key two spellings of a person's name share: no case, accents, extra spaces or
    courtesy title."""
    return _key(clean_name(name))


def _organization_keys(text: str) -> list[str]:
    """The keys a written organization may match: the whole text and, for
    "Name (ACRONYM)", the name and the acronym apart."""
    cleaned = " ".join(text.split())
    keys = [_key(cleaned)]
    bracketed = _WITH_ACRONYM.match(cleaned)
    if bracketed:
        keys += [_key(bracketed["name"]), _key(bracketed["acronym"])]
    return [key for key in keys if key]


def _people_by_key(keys: set[str]) -> dict[str, list[Person]]:
    """The people whose name has one of ``keys``, in one query. The query narrows by the
    first and last words (stored names may hold doubled spaces); the exact comparison is
    done here."""
    found: dict[str, list[Person]] = {}
    if not keys:
        return found
    condition = Q()
    for words in {(key.split()[0], key.split()[-1]) for key in keys}:
        condition |= Q(search_key__startswith=words[0], search_key__endswith=words[1])
    people = Person.objects.filter(condition).exclude(status=Person.Status.ANONYMIZED)
    for person in people.order_by("pk"):
        key = name_key(person.full_name)
        if key in keys:
            found.setdefault(key, []).append(person)
    return found


def _organizations_by_key(
    keys: set[str],
) -> tuple[dict[str, list[Organization]], dict[str, list[Organization]]]:
    """Organizations whose name (first dict) or acronym (second dict) has one of ``keys``,
    in one query: ``search_key`` is the folded "name acronym"."""
    by_name: dict[str, list[Organization]] = {}
    by_acronym: dict[str, list[Organization]] = {}
    if not keys:
        return by_name, by_acronym
    condition = Q()
    for key in keys:
        condition |= Q(search_key__startswith=key) | Q(search_key__endswith=f" {key}")
    for organization in Organization.objects.filter(condition).order_by("pk"):
        by_name.setdefault(_key(organization.name), []).append(organization)
        if organization.acronym:
            by_acronym.setdefault(_key(organization.acronym), []).append(organization)
    return by_name, by_acronym


def _pick_organization(
    text: str | None,
    by_name: dict[str, list[Organization]],
    by_acronym: dict[str, list[Organization]],
) -> Organization | None:
    """The one organization ``text`` names: a full name first, then an acronym."""
    if not text:
        return None
    keys = _organization_keys(text)
    for index in (by_name, by_acronym):
        candidates = {o.pk: o for key in keys for o in index.get(key, [])}
        if len(candidates) == 1:
            return next(iter(candidates.values()))
        if len(candidates) > 1:
            return None
    return None


def match_attendees(attendees: Sequence[ParsedAttendee]) -> list[AttendeeMatch]:
    """Match each attendee to a directory person by name, and the organization written
    beside them to an organization by name or acronym, ignoring case, accents, extra spaces
    and courtesy titles. Two queries, however many attendees (one when none names an
    organization, none for an empty list). Anonymized records never match.
    """
    people = _people_by_key({key for a in attendees if (key := name_key(a.name))})
    organization_keys = {
        key for a in attendees if a.organization for key in _organization_keys(a.organization)
    }
    by_name, by_acronym = _organizations_by_key(organization_keys)
    matches = []
    for attendee in attendees:
        candidates = people.get(name_key(attendee.name), [])
        matches.append(
            AttendeeMatch(
                attendee=attendee,
                person=candidates[0] if len(candidates) == 1 else None,
                organization=_pick_organization(attendee.organization, by_name, by_acronym),
                ambiguous=len(candidates) > 1,
            )
        )
    return matches


# --- Close matches -----------------------------------------------------------------------

CANDIDATES_MAX = 5  # people offered for one name
_SHORT_WORD = 3  # words this short (initials, "de") do not narrow the search
_WORDS_MAX = 300


def _close(key: str, other: str) -> bool:
    """Whether two name keys are close: equal, one's words within the other's (two words
    at least: "ana torres" and "ana lucia torres"), or close as the attendance sheet's
    suggestions judge names (:func:`minka.directory.matching.name_similarity`)."""
    if key == other:
        return True
    words, other_words = set(key.split()), set(other.split())
    if min(len(words), len(other_words)) >= 2 and (words <= other_words or other_words <= words):
        return True
    return name_similarity(key, other, cutoff=SIMILARITY_CUTOFF) >= SIMILARITY_CUTOFF


@dataclass(frozen=True)
class Candidates:
    """The directory people one written name may refer to."""

    exact: list[Person]  # the same name, ignoring case, accents, spaces and titles
    close: list[Person]  # a similar name

    @property
    def people(self) -> list[Person]:
        return self.exact + self.close


def attendee_candidates(names: Sequence[str]) -> list[Candidates]:
    """For each of ``names``, the directory people it may refer to: exact matches, then
    close ones (see :func:`_close`), by name, :data:`CANDIDATES_MAX` in all at most. One
    query whatever the number of names (none when no name has a word to search by).
    Anonymized records are never offered.
    """
    keys = [name_key(name) for name in names]
    words = {word for key in keys for word in key.split() if len(word) > _SHORT_WORD}
    if not words:
        return [Candidates(exact=[], close=[]) for _key in keys]
    condition = Q()
    # Capped: SQLite refuses an expression deeper than 1,000 terms (a hostile form could
    # post 200 names of 30 words); beyond the cap some close matches are not offered.
    for word in sorted(words, key=lambda w: (-len(w), w))[:_WORDS_MAX]:
        condition |= Q(search_key__contains=word)
    people = list(
        Person.objects.filter(condition)
        .exclude(status=Person.Status.ANONYMIZED)
        .only("pk", "full_name", "status")
        .order_by("full_name", "pk")
    )
    person_keys = [(person, name_key(person.full_name)) for person in people]
    result = []
    for key in keys:
        exact = [person for person, other in person_keys if key and other == key]
        close = [
            person for person, other in person_keys if key and other != key and _close(key, other)
        ]
        exact = exact[:CANDIDATES_MAX]
        result.append(Candidates(exact=exact, close=close[: CANDIDATES_MAX - len(exact)]))
    return result


# --- Series ------------------------------------------------------------------------------

_SERIES_RATIO = 0.8
_RECENT_MEETINGS = 200  # how far back a similar title is looked for
_DIGITS = re.compile(r"\d+")


def _title_key(title: str) -> str:
    """A title without case, accents or numbers ("Acta N° 7" and "Acta N° 8" share it)."""
    return " ".join(_DIGITS.sub(" ", fold(title)).split())


def series_propose(title: str | None) -> Series | None:
    """The series minutes titled ``title`` most likely belong to: the existing series whose
    title appears in ``title`` (the longest such), else the series of the most recent
    meeting whose title is nearly the same. ``None`` when nothing fits. Two queries at most.
    """
    key = _title_key(title or "")
    if not key:
        return None
    named: list[Series] = [
        series
        for series in Series.objects.order_by("pk")
        if (series_key := _title_key(series.title)) and f" {series_key} " in f" {key} "
    ]
    if named:
        return max(named, key=lambda series: len(series.title))
    recent = (
        Meeting.objects.filter(series__isnull=False)
        .select_related("series")
        .only("title", "series")
        .order_by("-starts_at", "-pk")[:_RECENT_MEETINGS]
    )
    for meeting in recent:
        similar: Series | None = meeting.series
        if SequenceMatcher(None, key, _title_key(meeting.title)).ratio() >= _SERIES_RATIO:
            return similar
    return None
