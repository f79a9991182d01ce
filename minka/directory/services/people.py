"""People and their affiliations to organizations (each change keeping the person's search
entry in step: :mod:`minka.directory.search_index`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import audit_changes, audit_record, model_snapshot
from minka.directory.models import (
    Affiliation,
    Organization,
    Person,
)
from minka.directory.permissions import can_edit_person, can_manage_directory
from minka.directory.search_index import index_person
from minka.directory.services.images import image_resize

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from minka.accounts.models import User


PERSON_FIELDS = ("full_name", "email", "phone", "telegram", "bio")


PHOTO_SIZE = (400, 400)


class PersonData(TypedDict, total=False):
    """What :func:`person_create` and :func:`person_update` take (the coordinators' person
    forms and "Mis datos" produce it)."""

    full_name: str
    email: str
    phone: str
    telegram: str
    bio: str
    photo: UploadedFile[Any] | None


@transaction.atomic
def person_create(
    *,
    actor: User | None,
    data: PersonData,
    source: str = Person.Source.COORDINATOR,
    source_detail: str = "",
    organization: Organization | None = None,
    title: str = "",
) -> Person:
    """Add someone to the directory on someone else's word: the person starts *pending*.

    Pending people appear nowhere but to coordinators until they consent (SECURITY.md R4).
    ``source_detail`` says where the data came from, for the first message to them.
    ``actor=None`` is the system (a management command or the demo); views always pass the
    signed-in user, whose role is checked.
    """
    if actor is not None:
        require(can_manage_directory(actor))
    person = Person(
        **{k: v for k, v in data.items() if k in PERSON_FIELDS},
        status=Person.Status.PENDING,
        source=source,
        source_detail=source_detail,
        created_by=actor,
    )
    person.full_clean()
    person.save()
    if organization is not None:
        Affiliation.objects.create(person=person, organization=organization, title=title)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=person)
    index_person(person)  # Pending: kept out until they consent.
    return person


@transaction.atomic
def person_for_user(*, user: User) -> Person:
    """The directory record of a signed-in user, created (active, all consents off) if new.

    Two requests of the same person at once (an RSVP sent twice, two app processes) may
    both find none: the second insert then fails on the unique user and reads the first's
    record instead (``minka/site/tests/test_multiprocess.py``)."""
    existing = Person.objects.filter(user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            person = Person.objects.create(
                user=user,
                full_name=user.full_name or user.email.split("@")[0],
                email=user.email,
                status=Person.Status.ACTIVE,
                source=Person.Source.SELF,
            )
    except IntegrityError:
        return Person.objects.get(user=user)
    from minka.directory.models import Membership

    for membership in Membership.objects.filter(user=user).select_related("organization"):
        Affiliation.objects.get_or_create(
            person=person,
            organization=membership.organization,
            end_date=None,
            defaults={"title": membership.title},
        )
    index_person(person)
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, data: PersonData) -> Person:
    """Rectify a person's data: by the person themselves or by a coordinator.

    A photo is re-encoded and resized. The audit entry names the changed fields only.
    """
    if not can_edit_person(actor, person):
        raise PermissionDenied
    if person.status == Person.Status.ANONYMIZED:
        raise ValidationError(_("This record was anonymized and can no longer be changed."))
    before = model_snapshot(person)
    for field, value in data.items():
        if field in PERSON_FIELDS:
            setattr(person, field, value)
    if photo := data.get("photo"):
        person.photo = image_resize(photo, size=PHOTO_SIZE, name=str(person.public_id))
    person.full_clean()
    person.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=person,
        changes=audit_changes(before, model_snapshot(person), redact=True),
    )
    index_person(person)
    return person


@transaction.atomic
def affiliation_create(
    *,
    actor: User,
    person: Person,
    organization: Organization,
    title: str = "",
    start_date: Any = None,
    end_date: Any = None,
    is_focal_point: bool = False,
) -> Affiliation:
    """Record a person's role in an organization (coordinators).

    A person holds at most one current (open-ended) affiliation per organization.
    """
    require(can_manage_directory(actor))
    if person.status == Person.Status.ANONYMIZED:
        raise ValidationError(_("This record was anonymized and can no longer be changed."))
    if start_date and end_date and end_date < start_date:
        raise ValidationError(_("The end date is before the start date."))
    if (
        end_date is None
        and Affiliation.objects.filter(
            person=person, organization=organization, end_date__isnull=True
        ).exists()
    ):
        raise ValidationError(
            _("%(person)s already has a current role in %(organization)s.")
            % {"person": person.full_name, "organization": organization.name}
        )
    affiliation = Affiliation.objects.create(
        person=person,
        organization=organization,
        title=title,
        start_date=start_date,
        end_date=end_date,
        is_focal_point=is_focal_point,
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=affiliation)
    index_person(person)
    return affiliation


@transaction.atomic
def affiliation_end(*, actor: User, affiliation: Affiliation) -> Affiliation:
    """End a current affiliation today (coordinators); it stays in the person's history."""
    require(can_manage_directory(actor))
    affiliation = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
    if affiliation.end_date is not None:
        raise ValidationError(_("This role has already ended."))
    today = timezone.localdate()
    affiliation.end_date = max(today, affiliation.start_date or today)
    affiliation.is_focal_point = False
    affiliation.save(update_fields=["end_date", "is_focal_point", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=affiliation,
        changes={"end_date": ["***", "***"]},
    )
    index_person(affiliation.person)
    return affiliation
