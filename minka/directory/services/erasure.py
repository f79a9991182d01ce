"""Cancellation (Ley 29733): a person anonymized everywhere, their account erased."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka import search
from minka.accounts import services as account_services
from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import admin_log_relabel, audit_forget, audit_record
from minka.directory import hooks
from minka.directory.models import (
    Affiliation,
    ConsentEvent,
    ConsentPurpose,
    DataRequest,
    Invitation,
    Membership,
    Person,
)
from minka.directory.permissions import can_manage_directory
from minka.directory.services.consent import _consent_defaults

if TYPE_CHECKING:
    from minka.accounts.models import User


@transaction.atomic
def person_anonymize(*, actor: User, person: Person) -> Person:
    """Erase a person's data, keeping a neutral label so that history stays consistent.

    Contact data, bio and photo are erased (the photo file after commit); consents are
    withdrawn and recorded; the linked account is deactivated, its email and name replaced,
    its addresses, sessions and second factors deleted. Affiliations and the consent and
    request records stay, attached to the anonymized person (the tombstone).
    """
    require(can_manage_directory(actor))
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.status == Person.Status.ANONYMIZED:
        return person
    # The apps above erase what they hold first, while names and addresses are still there.
    hooks.person_erased(person, person.user)
    label = _("Anonymized person %(code)s") % {"code": str(person.public_id)[:8]}
    photo_name = person.photo.name if person.photo else ""
    # Read before they are erased: the audit log is searched for them below.
    names = [person.full_name, person.email]
    if person.user is not None:
        names += [person.user.full_name, person.user.email]
    for purpose in ConsentPurpose.values:
        if person.has_consent(purpose):
            ConsentEvent.objects.create(
                person=person,
                purpose=purpose,
                granted=False,
                channel=ConsentEvent.Channel.WEB,
                actor=actor,
                **_consent_defaults(),
            )
        setattr(person, Person.consent_field(purpose), False)
    person.full_name = label
    person.email = person.phone = person.telegram = person.bio = person.source_detail = ""
    person.photo = ""
    person.status = Person.Status.ANONYMIZED
    person.anonymized_at = timezone.now()
    user = person.user
    person.user = None
    person.save()
    search.remove_object(person)
    evidence = ConsentEvent.objects.filter(person=person).exclude(evidence="")
    evidence_names = list(evidence.values_list("evidence", flat=True))
    evidence.update(evidence="")
    # Titles and free text may name or describe the person; the links themselves stay.
    Affiliation.objects.filter(person=person).update(title="")
    DataRequest.objects.filter(person=person).update(details="")
    admin_log_relabel(person, label)
    audit_forget(targets=[person, *([user] if user is not None else [])], names=names)
    Invitation.objects.filter(person=person).update(
        email="anonymized@invalid", title="", revoked_at=timezone.now()
    )
    if user is not None:
        _account_erase(user)
    files = [(Person._meta.get_field("photo").storage, photo_name)] if photo_name else []
    files += [(ConsentEvent._meta.get_field("evidence").storage, name) for name in evidence_names]

    def delete_files() -> None:
        for storage, name in files:
            storage.delete(name)

    if files:
        transaction.on_commit(delete_files)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, target=person)
    return person


def _account_erase(user: User) -> None:
    """The directory's part of an account's erasure (invitations to its address, the titles
    of its memberships), then the account itself through its own service."""
    Invitation.objects.filter(email__iexact=user.email).update(email="anonymized@invalid", title="")
    Membership.objects.filter(user=user).update(title="")
    account_services.user_erase(user=user)
