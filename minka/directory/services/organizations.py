"""Organizations: create, change and merge."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import audit_changes, audit_record, model_snapshot
from minka.directory.models import (
    Affiliation,
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
)


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
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=organization)
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
