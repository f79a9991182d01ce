"""Organizations: create, change and merge (each keeping the search index in step)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from minka import search
from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import audit_changes, audit_record, model_snapshot
from minka.directory import hooks, search_index
from minka.directory.models import (
    Affiliation,
    BodyFunction,
    Organization,
)
from minka.directory.permissions import can_manage_directory
from minka.directory.services.images import image_resize

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date

    from django.core.files.uploadedfile import UploadedFile

    from minka.accounts.models import User
    from minka.directory.models import Topic


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
    "is_body",
    "mandate",
)
MAX_FUNCTIONS = 30


def _set_body(organization: Organization, data: OrganizationData) -> None:
    """A body's functions (replaced, in the order given) and member organizations."""
    if "functions" in data:
        lines = [" ".join(line.split()) for line in data["functions"]]
        lines = [line for line in lines if line]
        if len(lines) > MAX_FUNCTIONS:
            raise ValidationError(_("List at most %(count)d functions.") % {"count": MAX_FUNCTIONS})
        if any(len(line) > 500 for line in lines):
            raise ValidationError(_("Each function can have at most 500 characters."))
        organization.functions.all().delete()
        BodyFunction.objects.bulk_create(
            BodyFunction(organization=organization, position=n, text=line)
            for n, line in enumerate(lines, start=1)
        )
    if "body_members" in data:
        members = [m for m in data["body_members"] if m.pk != organization.pk]
        organization.body_members.set(members)


class OrganizationData(TypedDict, total=False):
    """What :func:`organization_create` and :func:`organization_update` take (the
    coordinators' organization form produces it)."""

    name: str
    acronym: str
    sector: str
    region: str
    description: str
    website: str
    public_email: str
    membership_status: str
    member_since: date | None
    member_until: date | None
    topics: Iterable[Topic]
    logo: UploadedFile[Any] | None
    # A body with a mandate (the CODESI, the network's coordination): its mandate, its
    # functions in order (one line each) and its member organizations.
    is_body: bool
    mandate: str
    functions: list[str]
    body_members: Iterable[Organization]


LOGO_SIZE = (400, 400)


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
def organization_create(*, actor: User, data: OrganizationData) -> Organization:
    """Create an organization (coordinators). ``data`` may hold ``topics`` and ``logo``."""
    require(can_manage_directory(actor))
    organization = Organization(**{k: v for k, v in data.items() if k in ORGANIZATION_FIELDS})
    organization.slug = _unique_slug(organization.name)
    if logo := data.get("logo"):
        organization.logo = image_resize(logo, size=LOGO_SIZE, name=organization.slug)
    organization.full_clean()
    organization.save()
    if "topics" in data:
        organization.topics.set(data["topics"])
    _set_body(organization, data)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=organization)
    search_index.index_organization(organization, with_people=False)
    return organization


@transaction.atomic
def organization_update(
    *, actor: User, organization: Organization, data: OrganizationData
) -> Organization:
    """Change an organization's record (coordinators); the slug stays, links keep working."""
    require(can_manage_directory(actor))
    before = model_snapshot(organization)
    for field, value in data.items():
        if field in ORGANIZATION_FIELDS:
            setattr(organization, field, value)
    if logo := data.get("logo"):
        organization.logo = image_resize(logo, size=LOGO_SIZE, name=organization.slug)
    organization.full_clean()
    organization.save()
    if "topics" in data:
        organization.topics.set(data["topics"])
    _set_body(organization, data)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=organization,
        changes=audit_changes(before, model_snapshot(organization)),
    )
    # Its people's entries name it (and drop it from public entries when it stops being
    # a member).
    search_index.index_organization(organization)
    return organization


@transaction.atomic
def organization_merge(*, actor: User, keep: Organization, duplicate: Organization) -> Organization:
    """Fold ``duplicate`` into ``keep``: affiliations, memberships, invitations and topics
    move over, then the duplicate is deleted. Both rows are locked first."""
    require(can_manage_directory(actor))
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different organizations to merge."))
    from minka.directory.models import Invitation, Membership

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
    keep.body_members.add(*duplicate.body_members.exclude(pk=keep.pk))
    for body in duplicate.bodies.exclude(pk=keep.pk):
        body.body_members.add(keep)
    if duplicate.is_body and not keep.is_body:
        keep.is_body, keep.mandate = True, duplicate.mandate
        if not keep.functions.exists():
            duplicate.functions.update(organization=keep)
    hooks.organization_merged(keep, duplicate)  # what the apps above hold about it
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
    search.remove_object(duplicate)
    duplicate.delete()
    search_index.index_organization(keep)  # With the people who moved over.
    return keep
