"""From minutes to commitments: each agreement of approved minutes becomes a commitment,
once, with the owners and due date its "Responsable" and "Plazo" name when they match the
directory; what does not match is kept as written and proposed to the coordinator.

Called by the minutes services through :mod:`minka.meetings.hooks` (registered in
:mod:`minka.agreements.hooks`), inside the transaction that approves, publishes or corrects
the minutes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from minka.agreements.models import Commitment
from minka.agreements.services import index
from minka.core.models import AuditEntry
from minka.core.services import audit_record
from minka.core.text import fold
from minka.core.visibility import Visibility
from minka.directory.models import Organization, Person
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.models import Minutes

if TYPE_CHECKING:
    from datetime import date


@dataclass(frozen=True)
class Owners:
    """What the "Responsable" of an agreement names in the directory."""

    organizations: list[Organization]
    people: list[Person]

    @property
    def matched(self) -> bool:
        return bool(self.organizations or self.people)


_ACRONYM = re.compile(r"\b[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ0-9]{1,14}\b")
_NOT_WORD = re.compile(r"[\W_]+")


def _words(text: str) -> str:
    """``text`` folded (case, accents) with punctuation as spaces, padded: " mtc y codesi "."""
    return f" {_NOT_WORD.sub(' ', fold(text)).strip()} "


class OwnerMatcher:
    """Matches agreements' "Responsable" against the directory, loaded once: an
    organization by its acronym (as a word, in capitals) or its whole name, a person by their
    whole name, regardless of accents, case and punctuation. Anonymized people and names of
    four letters or fewer are never matched."""

    def __init__(self) -> None:
        self.organizations = [
            (organization, _words(organization.name))
            for organization in Organization.objects.only("name", "acronym").order_by("name")
        ]
        self.people = [
            (person, _words(person.full_name))
            for person in Person.objects.exclude(status=Person.Status.ANONYMIZED).only("full_name")
            if len(person.full_name.strip()) > 4
        ]

    def __call__(self, text: str) -> Owners:
        words = _words(text)
        if not words.strip():
            return Owners([], [])
        acronyms = set(_ACRONYM.findall(text))
        organizations = [
            organization
            for organization, name in self.organizations
            if (organization.acronym and organization.acronym in acronyms) or name in words
        ]
        people = [person for person, name in self.people if name in words]
        return Owners(organizations, people)


def owners_match(text: str) -> Owners:
    """The organizations and people an agreement's "Responsable" names (see
    :class:`OwnerMatcher`; for many agreements, make one matcher and call it)."""
    return OwnerMatcher()(text)


def _visibility_for(minutes: Minutes) -> str:
    """Commitments of minutes not yet published are for members (the minutes' readers);
    published, they take the minutes' own visibility."""
    if minutes.status == Minutes.Status.PUBLISHED:
        return str(minutes.visibility)
    return Visibility.MEMBERS


def _converted_texts(minutes: Minutes) -> set[str]:
    """The agreements already converted from these minutes, or from the minutes of another
    meeting of the same series on the same day (the same minutes imported again), by their
    text: an agreement retyped in an erratum, or imported twice, is not converted again."""
    meeting = minutes.meeting
    day = timezone.localtime(meeting.starts_at).date()
    same_day = Q(minutes__isnull=False, meeting__starts_at__date=day)
    if meeting.series_id is None:
        same_day &= Q(meeting=meeting)
    else:
        same_day &= Q(meeting__series_id=meeting.series_id)
    titles = Commitment.objects.filter(Q(minutes=minutes) | same_day).values_list("title")
    return {_words(title) for (title,) in titles}


def commitments_from_minutes(minutes: Minutes) -> list[Commitment]:
    """Turn each agreement of approved (or published, or corrected) minutes into a
    commitment, once: an agreement already converted is left as it is, so approving again,
    an erratum or a re-import never duplicate one (the database refuses a second commitment
    for the same minutes and agreement, which also settles two approvals at once). The
    agreement's "Responsable" and "Plazo" fill owners and due date when they match;
    otherwise the text is kept for a coordinator to assign. Returns the new commitments.

    Also widens, when minutes are published, the visibility of their commitments still at
    the members-only default to the minutes' own. Called by the minutes services (the
    meetings hook) inside their transaction; the system acts, so no permission is checked.
    """
    if minutes.status not in (Minutes.Status.APPROVED, Minutes.Status.PUBLISHED):
        return []
    minutes = Minutes.objects.select_related("meeting", "current_revision").get(pk=minutes.pk)
    if minutes.current_revision is None:
        return []
    visibility = _visibility_for(minutes)
    if minutes.status == Minutes.Status.PUBLISHED:
        widened = list(
            Commitment.objects.filter(minutes=minutes, visibility=Visibility.MEMBERS).exclude(
                visibility=visibility
            )
        )
        Commitment.objects.filter(pk__in=[c.pk for c in widened]).update(visibility=visibility)
        index(*widened)
    content = MinutesContent.from_json(minutes.current_revision.content)
    done = set(Commitment.objects.filter(minutes=minutes).values_list("agreement_key", flat=True))
    same_text = _converted_texts(minutes)
    created = []
    match = OwnerMatcher()
    for agreement in content.agreements:
        text = " ".join(agreement.text.split())
        if not text or not agreement.key or agreement.key in done or _words(text) in same_text:
            continue
        owners = match(agreement.responsible)
        commitment = Commitment(
            title=text[:500],
            description=text if len(text) > 500 else "",
            meeting=minutes.meeting,
            minutes=minutes,
            agreement_key=agreement.key,
            responsible_text=" ".join(agreement.responsible.split())[:500],
            due_date=agreement.due,
            visibility=visibility,
            is_demo=minutes.meeting.is_demo,
        )
        try:
            with transaction.atomic():
                commitment.save()
        except IntegrityError:
            continue  # converted at the same moment by another approval
        commitment.responsible_organizations.set(owners.organizations)
        commitment.responsible_people.set(owners.people)
        audit_record(
            actor=None,
            action=AuditEntry.Action.CREATE,
            target=commitment,
            changes={"from_minutes": [None, str(minutes.meeting.public_id)]},
        )
        index(commitment)
        created.append(commitment)
    return created


@dataclass(frozen=True)
class Proposal:
    """What approving the minutes will make of one agreement."""

    text: str
    responsible: str
    due: date | None
    owners: Owners


def proposals(minutes: Minutes) -> list[Proposal]:
    """For the coordinator, before approval: each agreement of the current revision with the
    organizations and people its "Responsable" matches (an empty match is proposed for
    assignment once the commitment exists)."""
    revision = minutes.current_revision
    if revision is None:
        return []
    content = MinutesContent.from_json(revision.content)
    match = OwnerMatcher()
    return [
        Proposal(
            text=" ".join(agreement.text.split()),
            responsible=agreement.responsible,
            due=agreement.due,
            owners=match(agreement.responsible),
        )
        for agreement in content.agreements
        if agreement.text.strip()
    ]
