"""Writes of the directory: organizations, people, consent, data-rights requests, erasure."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from minka.core import request_context
from minka.core.emails import email_queue
from minka.core.models import AuditEntry
from minka.core.privacy import NOTICE_VERSION, notice_hash
from minka.core.services import audit_changes, audit_forget, audit_record, model_snapshot
from minka.core.workdays import add_working_days
from minka.directory.models import (
    Affiliation,
    ConsentEvent,
    ConsentPurpose,
    DataRequest,
    Organization,
    Person,
)
from minka.directory.permissions import can_edit_person, can_manage_directory

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from minka.accounts.models import User

ORGANIZATION_FIELDS = (
    "name",
    "acronym",
    "sector",
    "region",
    "description",
    "website",
    "public_email",
    "membership_status",
    "member_since",
    "member_until",
)
PERSON_FIELDS = ("full_name", "email", "phone", "telegram", "bio")
LOGO_SIZE = (400, 400)
PHOTO_SIZE = (400, 400)
MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs before decoding


def _require_coordinator(actor: User | None) -> None:
    if not can_manage_directory(actor):
        raise PermissionDenied


def image_resize(
    upload: UploadedFile[Any], *, size: tuple[int, int], name: str
) -> ContentFile[bytes]:
    """Re-encode an uploaded image as a PNG that fits in ``size``.

    Re-encoding drops whatever the file carried besides pixels (scripts in SVG are refused
    outright: only raster formats open), and bounds the stored size.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            if image.format not in {"PNG", "JPEG", "GIF", "WEBP"}:
                raise ValidationError(_("Upload a PNG, JPEG, GIF or WebP image."))
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("This image is too large."))
            image.thumbnail(size)
            converted = image.convert("RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB")
            buffer = io.BytesIO()
            converted.save(buffer, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not an image we can read.")) from None
    return ContentFile(buffer.getvalue(), name=f"{name}.png")


# Paths of the management pages under /directorio/organizaciones/: never an organization's slug.
RESERVED_SLUGS = frozenset({"nueva", "fusionar"})


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:70] or "organizacion"
    slug, counter = base, 2
    while (
        slug in RESERVED_SLUGS
        or Organization.objects.filter(slug=slug).exclude(pk=exclude_pk or 0).exists()
    ):
        slug = f"{base}-{counter}"
        counter += 1
    return slug


@transaction.atomic
def organization_create(*, actor: User, data: dict[str, Any]) -> Organization:
    """Create an organization (coordinators). ``data`` may hold ``topics`` and ``logo``."""
    _require_coordinator(actor)
    organization = Organization(**{k: v for k, v in data.items() if k in ORGANIZATION_FIELDS})
    organization.slug = _unique_slug(organization.name)
    if data.get("logo"):
        organization.logo = image_resize(data["logo"], size=LOGO_SIZE, name=organization.slug)
    organization.full_clean()
    organization.save()
    if "topics" in data:
        organization.topics.set(data["topics"])
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=organization)
    return organization


@transaction.atomic
def organization_update(
    *, actor: User, organization: Organization, data: dict[str, Any]
) -> Organization:
    """Change an organization's record (coordinators); the slug stays, links keep working."""
    _require_coordinator(actor)
    before = model_snapshot(organization)
    for field in ORGANIZATION_FIELDS:
        if field in data:
            setattr(organization, field, data[field])
    if data.get("logo"):
        organization.logo = image_resize(data["logo"], size=LOGO_SIZE, name=organization.slug)
    organization.full_clean()
    organization.save()
    if "topics" in data:
        organization.topics.set(data["topics"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=organization,
        changes=audit_changes(before, model_snapshot(organization)),
    )
    return organization


@transaction.atomic
def organization_merge(*, actor: User, keep: Organization, duplicate: Organization) -> Organization:
    """Fold ``duplicate`` into ``keep``: affiliations, memberships, invitations and topics
    move over, then the duplicate is deleted. Both rows are locked first."""
    _require_coordinator(actor)
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different organizations to merge."))
    from minka.accounts.models import Invitation, Membership

    locked = Organization.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])
    if locked.count() != 2:
        raise ValidationError(_("One of the organizations no longer exists."))
    for affiliation in Affiliation.objects.filter(organization=duplicate):
        clash = Affiliation.objects.filter(
            organization=keep, person=affiliation.person, end_date__isnull=True
        ).exists()
        if clash and affiliation.end_date is None:
            affiliation.delete()
        else:
            affiliation.organization = keep
            affiliation.save(update_fields=["organization", "updated_at"])
    for membership in Membership.objects.filter(organization=duplicate):
        if Membership.objects.filter(organization=keep, user=membership.user).exists():
            membership.delete()
        else:
            membership.organization = keep
            membership.save(update_fields=["organization", "updated_at"])
    Invitation.objects.filter(organization=duplicate).update(organization=keep)
    keep.topics.add(*duplicate.topics.all())
    for field in ("acronym", "description", "website", "public_email"):
        if not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
    keep.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.DELETE,
        target=duplicate,
        changes={"merged_into": ["", str(keep.pk)]},
    )
    duplicate.delete()
    return keep


def _consent_defaults() -> dict[str, Any]:
    context = request_context.current.get()
    return {
        "notice_version": NOTICE_VERSION,
        "notice_hash": notice_hash(),
        "request_id": context.request_id,
    }


@transaction.atomic
def person_create(
    *,
    actor: User | None,
    data: dict[str, Any],
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
        _require_coordinator(actor)
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
    return person


@transaction.atomic
def person_for_user(*, user: User) -> Person:
    """The directory record of a signed-in user, created (active, all consents off) if new."""
    existing = Person.objects.filter(user=user).first()
    if existing is not None:
        return existing
    person = Person.objects.create(
        user=user,
        full_name=user.full_name or user.email.split("@")[0],
        email=user.email,
        status=Person.Status.ACTIVE,
        source=Person.Source.SELF,
    )
    from minka.accounts.models import Membership

    for membership in Membership.objects.filter(user=user).select_related("organization"):
        Affiliation.objects.get_or_create(
            person=person,
            organization=membership.organization,
            end_date=None,
            defaults={"title": membership.title},
        )
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, data: dict[str, Any]) -> Person:
    """Rectify a person's data: by the person themselves or by a coordinator.

    A photo is re-encoded and resized. The audit entry names the changed fields only.
    """
    if not can_edit_person(actor, person):
        raise PermissionDenied
    if person.status == Person.Status.ANONYMIZED:
        raise ValidationError(_("This record was anonymized and can no longer be changed."))
    before = model_snapshot(person)
    for field in PERSON_FIELDS:
        if field in data:
            setattr(person, field, data[field])
    if data.get("photo"):
        person.photo = image_resize(data["photo"], size=PHOTO_SIZE, name=str(person.public_id))
    person.full_clean()
    person.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=person,
        changes=audit_changes(before, model_snapshot(person), redact=True),
    )
    return person


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
    return events


@transaction.atomic
def data_request_create(
    *, actor: User, person: Person, kind: str, details: str = ""
) -> DataRequest:
    """Register an ARCO request; its due date counts Peruvian working days."""
    if not can_edit_person(actor, person):
        raise PermissionDenied
    if kind not in DataRequest.Kind.values:
        raise ValidationError(_("Unknown kind of request."))
    if DataRequest.objects.filter(
        person=person, kind=kind, status__in=["received", "in_progress"]
    ).exists():
        raise ValidationError(_("There is already an open request of this kind."))
    today = timezone.localdate()
    request = DataRequest.objects.create(
        person=person,
        kind=kind,
        details=details,
        due_date=add_working_days(today, settings.ARCO_DEADLINE_DAYS[kind]),
        identity_verified=person.user_id is not None and person.user_id == actor.pk,
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=request)
    return request


@transaction.atomic
def data_request_close(
    *, actor: User, request: DataRequest, status: str, answer: str
) -> DataRequest:
    """Answer a request (coordinators) and email the answer to the person, in their language.

    Closing a cancellation as done anonymizes the person: the address the answer goes to is
    then kept on the request (``reply_to``) only until the worker has sent that last email.
    """
    _require_coordinator(actor)
    request = (
        DataRequest.objects.select_for_update(of=("self",))
        .select_related("person__user")
        .get(pk=request.pk)
    )
    if not request.is_open:
        raise ValidationError(_("This request is already closed."))
    if status not in {DataRequest.Status.DONE, DataRequest.Status.REJECTED}:
        raise ValidationError(_("Close the request as done or rejected."))
    if not answer.strip():
        raise ValidationError(_("Write the answer that will be sent to the person."))
    person = request.person
    user = person.user
    to = user.email if user is not None else person.email
    language = (user.language if user is not None else "") or settings.LANGUAGE_CODE
    fields = ["status", "answer", "handled_by", "closed_at", "updated_at"]
    if request.kind == DataRequest.Kind.CANCELLATION and status == DataRequest.Status.DONE:
        person_anonymize(actor=actor, person=person)
        request.reply_to = to
        fields.append("reply_to")
    request.status = status
    request.answer = answer
    request.handled_by = actor
    request.closed_at = timezone.now()
    # Only these fields: anonymizing the person has just erased the request's details.
    request.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=request,
        changes={"status": ["open", status]},
    )
    if to:
        email_queue(kind="directory.datarequest_answer", language=language, request_id=request.pk)
    return request


@transaction.atomic
def person_anonymize(*, actor: User, person: Person) -> Person:
    """Erase a person's data, keeping a neutral label so that history stays consistent.

    Contact data, bio and photo are erased (the photo file after commit); consents are
    withdrawn and recorded; the linked account is deactivated, its email and name replaced,
    its addresses, sessions and second factors deleted. Affiliations and the consent and
    request records stay, attached to the anonymized person (the tombstone).
    """
    _require_coordinator(actor)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.status == Person.Status.ANONYMIZED:
        return person
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
    evidence = ConsentEvent.objects.filter(person=person).exclude(evidence="")
    evidence_names = list(evidence.values_list("evidence", flat=True))
    evidence.update(evidence="")
    # Titles and free text may name or describe the person; the links themselves stay.
    Affiliation.objects.filter(person=person).update(title="")
    DataRequest.objects.filter(person=person).update(details="")
    _admin_log_relabel(person, label)
    audit_forget(targets=[person, *([user] if user is not None else [])], names=names)
    from minka.accounts.models import Invitation

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
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.models import Session

    from minka.accounts.models import Invitation, Membership

    Invitation.objects.filter(email__iexact=user.email).update(email="anonymized@invalid", title="")
    Membership.objects.filter(user=user).update(title="")
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    user.email = f"anonymized-{user.public_id}@invalid"
    user.full_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    _admin_log_relabel(user, str(user))


def _admin_log_relabel(obj: Any, label: str) -> None:
    """The admin's change log names objects by ``str()``: replace an erased person's name."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    ).update(object_repr=label[:200])


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
    _require_coordinator(actor)
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
    return affiliation


@transaction.atomic
def affiliation_end(*, actor: User, affiliation: Affiliation) -> Affiliation:
    """End a current affiliation today (coordinators); it stays in the person's history."""
    _require_coordinator(actor)
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
    return affiliation
