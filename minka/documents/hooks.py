"""What the repository adds to other apps' pages (registered in ``DocumentsConfig.ready``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.directory.hooks import OrganizationSection, register_organization_section
from minka.documents.selectors import organization_documents

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from minka.accounts.models import User
    from minka.directory.models import Organization


@register_organization_section
def organization_documents_section(
    user: User | AnonymousUser, organization: Organization
) -> OrganizationSection:
    """The organization's latest documents the viewer may see (always shown: an empty
    repository says so)."""
    return OrganizationSection(
        "documents/partials/organization_documents.html",
        {"documents": organization_documents(user=user, organization=organization)},
    )
