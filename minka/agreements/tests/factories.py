"""Factories for commitments, updates and goals (public, pending, no owner by default)."""

from __future__ import annotations

import factory

from minka.agreements.models import Commitment, CommitmentUpdate, Goal, GoalCommitment, Status
from minka.core.visibility import Visibility


class CommitmentFactory(factory.django.DjangoModelFactory[Commitment]):
    class Meta:
        model = Commitment
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Compromiso de prueba {n}")
    status = Status.PENDING
    progress = 0
    visibility = Visibility.PUBLIC

    @factory.post_generation
    def owners(self, create: bool, extracted: list | None, **kwargs: object) -> None:  # type: ignore[type-arg]
        """``owners=[organization, ...]``: its responsible organizations."""
        if create and extracted:
            self.responsible_organizations.set(extracted)


class CommitmentUpdateFactory(factory.django.DjangoModelFactory[CommitmentUpdate]):
    class Meta:
        model = CommitmentUpdate

    commitment = factory.SubFactory(CommitmentFactory)
    text = factory.Sequence(lambda n: f"Avance de prueba {n}")


class GoalFactory(factory.django.DjangoModelFactory[Goal]):
    class Meta:
        model = Goal

    title = factory.Sequence(lambda n: f"Meta de prueba {n}")
    visibility = Visibility.PUBLIC


def link(goal: Goal, commitment: Commitment, weight: int = 1) -> GoalCommitment:
    return GoalCommitment.objects.create(goal=goal, commitment=commitment, weight=weight)
