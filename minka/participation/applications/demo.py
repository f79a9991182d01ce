"""Demo membership applications (``load`` is called by ``minka.site.demo``): one verified
application awaiting review and one rejected. Built directly, not through the services:
a demo sends no email to its made-up addresses."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from minka.core.privacy import NOTICE_VERSION, notice_hash
from minka.participation.applications.models import (
    MembershipApplication,
    application_status_token,
    hash_token,
)

if TYPE_CHECKING:
    from minka.accounts.models import User

Status = MembershipApplication.Status
WAITING = "Capítulo peruano de la comunidad técnica de internet (demo)"
REJECTED = "Consultora Ejemplo S.A.C. (demo)"


def _application(name: str, **fields: object) -> MembershipApplication:
    now = timezone.now()
    application = MembershipApplication(
        organization_name=name,
        consented_at=now - timedelta(days=3),
        notice_version=NOTICE_VERSION,
        notice_hash=notice_hash(),
        verified_at=now - timedelta(days=3),
        **fields,
    )
    application.status_hash = hash_token(application_status_token(application.public_id))
    application.full_clean()
    application.save()
    return application


def load(*, coordinator: User) -> int:
    """Add the demo applications that are missing; return how many were created."""
    created = 0
    if not MembershipApplication.objects.filter(organization_name=WAITING).exists():
        _application(
            WAITING,
            status=Status.SUBMITTED,
            acronym="CTI-PE",
            sector="technical_community",
            region="lima",
            website="https://example.org/cti-pe",
            description=(
                "Reúne a operadores de red, registros, universidades y técnicos que mantienen "
                "la infraestructura de internet en el Perú."
            ),
            representative_name="Rosa Quispe Mamani",
            representative_position="Coordinadora",
            email="rosa.quispe@example.org",
            motivation=(
                "Queremos aportar la mirada técnica a los debates de gobernanza de internet de "
                "la red y participar en la consulta sobre la política digital."
            ),
        )
        created += 1
    if not MembershipApplication.objects.filter(organization_name=REJECTED).exists():
        _application(
            REJECTED,
            status=Status.REJECTED,
            sector="private_sector",
            region="arequipa",
            description="Empresa de consultoría en tecnología.",
            representative_name="Juan Pérez",
            representative_position="Gerente",
            email="juan.perez@example.org",
            motivation="Ofrecer nuestros servicios a las organizaciones de la red.",
            reviewed_at=timezone.now() - timedelta(days=1),
            reviewed_by=coordinator,
            decision_message=(
                "Gracias por su interés. La red reúne a organizaciones sin fines de lucro; "
                "puede seguir sus consultas públicas."
            ),
        )
        created += 1
    return created
