from __future__ import annotations

import factory

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.directory.models import Affiliation, Membership, Organization, Person


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organización {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    slug = factory.Sequence(lambda n: f"organizacion-{n}")


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    """An active person with nothing consented: private by default."""

    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Persona Directorio {n}")
    email = factory.Sequence(lambda n: f"directorio{n}@example.org")
    status = Person.Status.ACTIVE


class AffiliationFactory(factory.django.DjangoModelFactory[Affiliation]):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = "Representante"


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, role=User.Role.MEMBER)
    organization = factory.SubFactory(OrganizationFactory)
