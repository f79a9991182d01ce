"""The directory: organizations, people, their affiliations, consent and data-rights requests.

A directory of people is personal data under Peru's Ley 29733. Every contact datum says who
may see it (members, or nobody but the person and coordinators); whether a person's name and
role appear in the public directory is a consent of its own; each consent change is an event
with the notice version it was given under; people added by others start *pending* and stay
hidden until they agree. Cancellation anonymizes a person while keeping historical records
(attendance, authorship) consistent.
"""

from __future__ import annotations

from minka.directory.models.consent import (
    ConsentEvent,
    ConsentPurpose,
)
from minka.directory.models.invitations import (
    Invitation,
    InvitationQuerySet,
    Membership,
    hash_token,
)
from minka.directory.models.organizations import (
    BodyFunction,
    Organization,
    OrganizationQuerySet,
    Region,
    Sector,
    Topic,
)
from minka.directory.models.people import (
    Affiliation,
    Person,
    PersonQuerySet,
)
from minka.directory.models.requests import (
    DataRequest,
)

__all__ = [
    "Affiliation",
    "BodyFunction",
    "ConsentEvent",
    "ConsentPurpose",
    "DataRequest",
    "Invitation",
    "InvitationQuerySet",
    "Membership",
    "Organization",
    "OrganizationQuerySet",
    "Person",
    "PersonQuerySet",
    "Region",
    "Sector",
    "Topic",
    "hash_token",
]
