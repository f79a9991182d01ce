"""Factories for agenda proposals. Tests of behaviour build state through the services."""

from __future__ import annotations

from typing import Any

import factory

from minka.core.visibility import Visibility
from minka.participation.proposals.models import Proposal, ProposalComment


class ProposalFactory(factory.django.DjangoModelFactory[Proposal]):
    """An open, public proposal."""

    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Propuesta de prueba {n}")
    description = "Un tema para la próxima reunión."
    visibility = Visibility.PUBLIC

    @factory.post_generation
    def organizations(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.organizations.set(extracted)


class ProposalCommentFactory(factory.django.DjangoModelFactory[ProposalComment]):
    class Meta:
        model = ProposalComment

    proposal = factory.SubFactory(ProposalFactory)
    body = factory.Sequence(lambda n: f"Comentario {n}")
