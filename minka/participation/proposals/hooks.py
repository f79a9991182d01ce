"""What agenda proposals add to the apps below: on a merge of two organizations, the
proposals of the duplicate pass to the organization kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.directory.hooks import register_organization_merge
from minka.participation.proposals.models import Proposal

if TYPE_CHECKING:
    from minka.directory.models import Organization


def move_proposals(keep: Organization, duplicate: Organization) -> None:
    """The proposals the duplicate made pass to the organization kept."""
    for proposal in Proposal.objects.filter(organizations=duplicate):
        proposal.organizations.add(keep)


def register() -> None:
    register_organization_merge(move_proposals)
