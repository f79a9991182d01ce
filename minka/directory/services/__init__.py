"""Writes of the directory: organizations, people, consent, data-rights requests, erasure,
invitations and memberships.

Each concern has its module; this package re-exports every service, so callers write
``from minka.directory import services`` and ``services.person_create(...)``.
"""

from __future__ import annotations

from minka.directory.services.consent import (
    consent_record_in_person,
    person_set_consents,
)
from minka.directory.services.erasure import (
    person_anonymize,
)
from minka.directory.services.images import (
    MAX_IMAGE_PIXELS,
    image_resize,
)
from minka.directory.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_link_issue,
    invitation_revoke,
)
from minka.directory.services.organizations import (
    LOGO_SIZE,
    ORGANIZATION_FIELDS,
    RESERVED_SLUGS,
    OrganizationData,
    organization_create,
    organization_merge,
    organization_update,
)
from minka.directory.services.people import (
    PERSON_FIELDS,
    PHOTO_SIZE,
    PersonData,
    affiliation_create,
    affiliation_end,
    person_create,
    person_for_user,
    person_update,
)
from minka.directory.services.requests import (
    data_request_close,
    data_request_create,
)

__all__ = [
    "LOGO_SIZE",
    "MAX_IMAGE_PIXELS",
    "ORGANIZATION_FIELDS",
    "PERSON_FIELDS",
    "PHOTO_SIZE",
    "RESERVED_SLUGS",
    "OrganizationData",
    "PersonData",
    "affiliation_create",
    "affiliation_end",
    "consent_record_in_person",
    "data_request_close",
    "data_request_create",
    "image_resize",
    "invitation_accept",
    "invitation_create",
    "invitation_link_issue",
    "invitation_revoke",
    "organization_create",
    "organization_merge",
    "organization_update",
    "person_anonymize",
    "person_create",
    "person_for_user",
    "person_set_consents",
    "person_update",
]
