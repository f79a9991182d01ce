"""What the applications area adds to the apps below it: retention, erasure and merges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.core.retention import register_purger
from minka.directory.hooks import register_organization_merge, register_person_erasure
from minka.participation.applications import services
from minka.participation.applications.models import MembershipApplication

if TYPE_CHECKING:
    from datetime import datetime

    from minka.accounts.models import User
    from minka.directory.models import Organization, Person


@register_purger
def applications_purge(now: datetime) -> dict[str, int]:
    return services.applications_purge(now)


@register_person_erasure
def applications_erase(person: Person, user: User | None) -> None:
    """The applications sent from the person's or their account's address go (called
    before the erasure blanks them)."""
    services.applications_erase(emails=[person.email, user.email if user is not None else ""])


@register_organization_merge
def applications_move(keep: Organization, duplicate: Organization) -> None:
    MembershipApplication.objects.filter(organization=duplicate).update(organization=keep)
