"""Factories of membership applications (unverified by default; ``verified()`` and
``decided()`` give the later states)."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from minka.core import privacy
from minka.core.privacy import NOTICE_VERSION
from minka.participation.applications.models import (
    MembershipApplication,
    application_status_token,
    hash_token,
)


class MembershipApplicationFactory(factory.django.DjangoModelFactory[MembershipApplication]):
    class Meta:
        model = MembershipApplication

    organization_name = factory.Sequence(lambda n: f"Colectivo postulante {n}")
    acronym = factory.Sequence(lambda n: f"CP{n}")
    sector = "technical_community"
    region = "lima"
    website = "https://example.org"
    description = "Una comunidad técnica de internet."
    representative_name = factory.Sequence(lambda n: f"Representante {n}")
    representative_position = "Coordinadora"
    email = factory.Sequence(lambda n: f"postulante{n}@example.org")
    phone = "+51 999 000 111"
    motivation = "Queremos participar en la gobernanza de internet."
    consented_at = factory.LazyFunction(timezone.now)
    notice_version = NOTICE_VERSION
    notice_hash = factory.LazyFunction(privacy.notice_hash)
    verification_hash = factory.Sequence(lambda n: hash_token(f"unused-{n}"))
    status_hash = factory.LazyAttribute(lambda o: hash_token(application_status_token(o.public_id)))
    public_id = factory.Faker("uuid4", cast_to=None)


def verified(**kwargs: Any) -> MembershipApplication:
    """A submitted application (its address confirmed), awaiting review."""
    values: dict[str, Any] = {
        "status": MembershipApplication.Status.SUBMITTED,
        "verified_at": timezone.now(),
        "verification_hash": "",
        **kwargs,
    }
    return MembershipApplicationFactory.create(**values)
