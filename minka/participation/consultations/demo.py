"""Demo consultations for ``minka load_demo`` (called by ``minka/site/demo.py`` after the
documents' demo):

- An open public consultation on a demo document, "Propuesta de la red sobre la Política
  Nacional de Transformación Digital" (uploaded here when missing), with three sections and
  a few comments from the demo accounts, one of them on the whole document.
- A closed consultation on the network's 2027 roadmap (a public demo document, when the
  documents' demo loaded it) with two comments and the coordinators' published response.

Everything goes through the services (the closed one is opened, commented on, then its
period moved to the past before the response is published). Loading again adds nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from minka.core.visibility import Visibility
from minka.documents import services as document_services
from minka.documents.models import Document
from minka.participation.consultations import services
from minka.participation.consultations.models import Consultation

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Topic

PROPOSAL_TITLE = "Propuesta de la red sobre la Política Nacional de Transformación Digital"
PROPOSAL = """# Propuesta de la red sobre la Política Nacional de Transformación Digital

## 1. Alcance
La red propone que la política cubra la conectividad, las habilidades digitales y el
gobierno digital, con metas por región.

## 2. Definiciones
Brecha digital, conectividad significativa, servicio digital público.

## 3. Participación de la sociedad civil
Un espacio permanente en la CODESI con actas públicas y seguimiento de compromisos.
"""
ROADMAP_TITLE = "Hoja de ruta de la red 2027"
OPEN_COMMENTS: list[tuple[int | None, str]] = [
    (None, "Sugerimos añadir un anexo con los indicadores de cada meta."),
    (1, "El alcance debería mencionar expresamente a las comunidades amazónicas."),
    (3, "Proponemos que las actas de la CODESI se publiquen en un plazo de 15 días."),
]
CLOSED_COMMENTS: list[tuple[int | None, str]] = [
    (None, "La hoja de ruta es clara; falta un calendario trimestral."),
    (None, "Sería útil priorizar el repositorio de documentos en el primer semestre."),
]
RESPONSE = """Gracias a quienes comentaron la hoja de ruta.

- **Calendario**: se añade un calendario trimestral (anexo 1).
- **Repositorio**: se prioriza en el primer semestre, como se propuso.
"""


def _proposal_document(coordinator: User, topics: dict[str, Topic]) -> Document:
    document: Document | None = Document.objects.filter(title=PROPOSAL_TITLE, is_demo=True).first()
    if document is not None:
        return document
    checked = document_services.check_file(
        SimpleUploadedFile("propuesta-transformacion-digital.md", PROPOSAL.encode())
    )
    topic = topics.get("gobierno-digital")
    outcome = document_services.document_upload(
        actor=coordinator,
        files=[checked],
        data={
            "title": PROPOSAL_TITLE,
            "kind": "proposal",
            "visibility": Visibility.PUBLIC,
            "language": "es",
            "license": "cc-by-4.0",
            "topics": [topic] if topic is not None else [],
        },
    )
    Document.objects.filter(pk__in=[d.pk for d in outcome.created]).update(is_demo=True)
    uploaded: Document = outcome.created[0]
    return uploaded


def _comment(
    consultation: Consultation, participants: list[User], comments: list[tuple[int | None, str]]
) -> int:
    sections = {s.number: s for s in consultation.sections.all()}
    for n, (number, body) in enumerate(comments):
        services.comment_create(
            actor=participants[n % len(participants)],
            consultation=consultation,
            section=sections.get(number) if number is not None else None,
            body=body,
        )
    return len(comments)


def load(*, coordinator: User, participants: list[User], topics: dict[str, Topic]) -> int:
    """Create the demo consultations when there are none; return how many objects were
    created. ``participants`` (signed-in demo accounts) write the comments."""
    if Consultation.objects.filter(is_demo=True).exists() or not participants:
        return 0
    now = timezone.now()
    created = 0
    document = _proposal_document(coordinator, topics)
    consultation = services.consultation_create(
        actor=coordinator,
        data={
            "document": document,
            "title": "Consulta pública: Política Nacional de Transformación Digital",
            "description": (
                "La red somete a consulta su propuesta. Comente el documento completo o "
                "una de sus secciones hasta el cierre."
            ),
            "visibility": Visibility.PUBLIC,
            "opens_at": now - timedelta(days=3),
            "closes_at": now + timedelta(days=18),
            "sections": "1. Alcance\n2. Definiciones\n3. Participación de la sociedad civil",
        },
    )
    created += 1 + _comment(consultation, participants, OPEN_COMMENTS)
    Consultation.objects.filter(pk=consultation.pk).update(is_demo=True)
    roadmap = Document.objects.filter(
        title=ROADMAP_TITLE, is_demo=True, visibility=Visibility.PUBLIC
    ).first()
    if roadmap is None:
        return created
    past = services.consultation_create(
        actor=coordinator,
        data={
            "document": roadmap,
            "title": "Consulta: hoja de ruta de la red 2027",
            "description": "Comentarios a la hoja de ruta antes de su aprobación.",
            "visibility": Visibility.PUBLIC,
            "opens_at": now - timedelta(days=40),
            "closes_at": now + timedelta(days=1),
        },
    )
    created += 1 + _comment(past, participants, CLOSED_COMMENTS)
    services.consultation_update(
        actor=coordinator, consultation=past, data={"closes_at": now - timedelta(days=10)}
    )
    services.response_publish(actor=coordinator, consultation=past, response=RESPONSE)
    Consultation.objects.filter(pk=past.pk).update(is_demo=True)
    return created
