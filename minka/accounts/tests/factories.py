from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress

from minka.accounts.models import Membership, User
from minka.directory.tests.factories import OrganizationFactory

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persona{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Persona {n}")
    role = User.Role.REGISTERED

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, role=User.Role.MEMBER)
    organization = factory.SubFactory(OrganizationFactory)
