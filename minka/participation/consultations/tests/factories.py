"""Factories for consultations, sections, comments and reports."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from minka.core.visibility import Visibility
from minka.documents.tests.factories import DocumentFactory
from minka.participation.consultations.models import (
    CommentReport,
    Consultation,
    ConsultationComment,
    ConsultationSection,
)


class ConsultationFactory(factory.django.DjangoModelFactory[Consultation]):
    """An open public consultation (opened yesterday, closing in two weeks)."""

    class Meta:
        model = Consultation

    document = factory.SubFactory(DocumentFactory)
    title = factory.Sequence(lambda n: f"Consulta de prueba {n}")
    description = "Comente el borrador."
    visibility = Visibility.PUBLIC
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class SectionFactory(factory.django.DjangoModelFactory[ConsultationSection]):
    class Meta:
        model = ConsultationSection

    consultation = factory.SubFactory(ConsultationFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Sección {n + 1}")


class CommentFactory(factory.django.DjangoModelFactory[ConsultationComment]):
    class Meta:
        model = ConsultationComment

    consultation = factory.SubFactory(ConsultationFactory)
    body = factory.Sequence(lambda n: f"Comentario {n}")


class ReportFactory(factory.django.DjangoModelFactory[CommentReport]):
    class Meta:
        model = CommentReport

    comment = factory.SubFactory(CommentFactory)
    reason = "Insultos"


def closed(**fields: object) -> Consultation:
    """A consultation that closed yesterday."""
    now = timezone.now()
    return ConsultationFactory.create(
        opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=1), **fields
    )


def upcoming(**fields: object) -> Consultation:
    """A consultation that opens in three days."""
    now = timezone.now()
    return ConsultationFactory.create(
        opens_at=now + timedelta(days=3), closes_at=now + timedelta(days=20), **fields
    )
