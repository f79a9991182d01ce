"""Consent (Ley 29733): each grant or withdrawal recorded as an event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minka.core import request_context
from minka.core.models import AuditEntry
from minka.core.privacy import NOTICE_VERSION, notice_hash
from minka.core.services import audit_record
from minka.directory.models import (
    ConsentEvent,
    ConsentPurpose,
    Person,
)
from minka.directory.permissions import can_manage_directory
from minka.directory.search_index import index_person

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from minka.accounts.models import User


def _consent_defaults() -> dict[str, Any]:
    context = request_context.current.get()
    return {
        "notice_version": NOTICE_VERSION,
        "notice_hash": notice_hash(),
        "request_id": context.request_id,
    }


@transaction.atomic
def consent_record_in_person(*, actor: User, person: Person, purpose: str) -> bool:
    """Record a consent the person gave in person to a coordinator (a walk-in at a meeting
    ticking "I agree" on the attendance form): a ConsentEvent through the "paper" channel
    with no scan, which also makes a pending person active. A person who manages their own
    record (has an account) is left to their own choices; a consent already given changes
    nothing. Returns whether one was recorded.

    Preconditions: ``actor`` may manage meetings or the directory (the caller checks).
    """
    if purpose not in ConsentPurpose.values:
        raise ValidationError(_("Unknown consent purpose."))
    person = Person.objects.select_for_update().get(pk=person.pk)
    field = Person.consent_field(purpose)
    if person.user_id is not None or getattr(person, field):
        return False
    ConsentEvent.objects.create(
        person=person,
        purpose=purpose,
        granted=True,
        channel=ConsentEvent.Channel.PAPER,
        actor=actor,
        **_consent_defaults(),
    )
    setattr(person, field, True)
    if person.status == Person.Status.PENDING:
        person.status = Person.Status.ACTIVE
    person.save(update_fields=[field, "status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=person,
        changes={purpose: [False, True]},
    )
    index_person(person)
    return True


@transaction.atomic
def person_set_consents(
    *,
    actor: User,
    person: Person,
    choices: dict[str, bool],
    channel: str = ConsentEvent.Channel.WEB,
    evidence: UploadedFile[Any] | None = None,
) -> list[ConsentEvent]:
    """Record the person's choices, one event per purpose whose state changes.

    The person decides for themselves on the web; a coordinator may record a signed paper
    form (``channel=paper`` with its scan as ``evidence``). Granting any purpose makes a
    pending person active. Withdrawing takes effect at once.
    """
    is_self = person.user_id is not None and person.user_id == actor.pk
    if not is_self:
        if not can_manage_directory(actor) or channel != ConsentEvent.Channel.PAPER:
            raise PermissionDenied
        if evidence is None:
            raise ValidationError(_("Attach the signed consent form."))
    if person.status == Person.Status.ANONYMIZED:
        raise ValidationError(_("This record was anonymized and can no longer be changed."))
    unknown = set(choices) - set(ConsentPurpose.values)
    if unknown:
        raise ValidationError(_("Unknown consent purpose."))
    events = []
    person = Person.objects.select_for_update().get(pk=person.pk)
    for purpose, granted in choices.items():
        field = Person.consent_field(purpose)
        if bool(getattr(person, field)) == bool(granted):
            continue
        setattr(person, field, bool(granted))
        event = ConsentEvent(
            person=person,
            purpose=purpose,
            granted=bool(granted),
            channel=channel,
            actor=actor,
            **_consent_defaults(),
        )
        if evidence is not None:
            evidence.seek(0)
            event.evidence.save(f"{person.public_id}-{purpose}", evidence, save=False)
        event.save()
        events.append(event)
    if events and person.status == Person.Status.PENDING and any(e.granted for e in events):
        person.status = Person.Status.ACTIVE
    person.save()
    if events:
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            target=person,
            changes={e.purpose: [not e.granted, e.granted] for e in events},
        )
    index_person(person)  # A listing consent given or withdrawn takes effect at once.
    return events
