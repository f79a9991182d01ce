"""Extension points of the directory for the apps above it.

An organization's page shows, after its people, a section per registered provider: what the
repository, meetings or commitments hold about that organization, as the viewer may see it.
A provider is ``(user, organization) -> OrganizationSection | None`` (``None``: nothing to
show); register it once from the app's ``AppConfig.ready()``. Sections appear in
registration order (the apps' layer order).

When two organizations are merged, each registered merge callback moves what its app holds
about the duplicate (e.g. the commitments it is responsible for) to the organization kept,
inside the merge's transaction, before the duplicate is deleted.

When a person is erased (Ley 29733 cancellation, :func:`person_anonymize`), each registered
erasure callback erases what its app holds about them (answers, supports, authored texts,
applications sent from their address), inside the erasure's transaction, before the person's
record and account lose their names and addresses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from minka.accounts.models import User
    from minka.directory.models import Organization, Person


@dataclass(frozen=True)
class OrganizationSection:
    """A template to include on the organization's page, with its own context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


SectionProvider = Callable[["User | AnonymousUser", "Organization"], OrganizationSection | None]
_providers: list[SectionProvider] = []


def register_organization_section(provider: SectionProvider) -> SectionProvider:
    """Show ``provider``'s section on every organization's page (usable as a decorator)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def organization_sections(
    user: User | AnonymousUser, organization: Organization
) -> list[OrganizationSection]:
    """The sections of ``organization``'s page for ``user``."""
    sections = (provider(user, organization) for provider in _providers)
    return [section for section in sections if section is not None]


MergeCallback = Callable[["Organization", "Organization"], None]
_merge_callbacks: list[MergeCallback] = []


def register_organization_merge(callback: MergeCallback) -> MergeCallback:
    """Call ``callback(keep, duplicate)`` when ``duplicate`` is merged into ``keep``."""
    if callback not in _merge_callbacks:
        _merge_callbacks.append(callback)
    return callback


def organization_merged(keep: Organization, duplicate: Organization) -> None:
    for callback in list(_merge_callbacks):
        callback(keep, duplicate)


ErasureCallback = Callable[["Person", "User | None"], object]
_erasure_callbacks: list[ErasureCallback] = []


def register_person_erasure(callback: ErasureCallback) -> ErasureCallback:
    """Call ``callback(person, user)`` when ``person`` (and ``user``, their account, if any)
    is erased; it must be idempotent (usable as a decorator)."""
    if callback not in _erasure_callbacks:
        _erasure_callbacks.append(callback)
    return callback


def person_erased(person: Person, user: User | None) -> None:
    for callback in list(_erasure_callbacks):
        callback(person, user)
