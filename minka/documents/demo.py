"""Demo documents for ``make run``: built in memory, uploaded through the real services, so
the task worker extracts their text and they become searchable like any upload."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile

from minka.documents import services
from minka.documents.models import Document

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Organization, Topic

SLIDES = [
    (
        "Red Dorsal Nacional de Fibra Óptica: avances en la selva",
        "Aportes desde la sociedad civil · Reunión mensual de la red",
    ),
    (
        "Situación de la conectividad en Loreto y Ucayali",
        "Las capitales de provincia tienen fibra; las comunidades nativas dependen de enlaces "
        "satelitales y de radio.",
    ),
    (
        "Propuestas",
        "Publicar los datos de cobertura como datos abiertos. Incluir a las organizaciones "
        "indígenas en la gobernanza de las redes regionales.",
    ),
]

ROADMAP = """# Hoja de ruta de la red 2027

## Objetivos
- Repositorio virtual con las presentaciones, el directorio de asistentes y las actas.
- Funciones y compromisos claros de la comisión multisectorial (CODESI).
- Mecanismos de participación internos y externos; apertura a nuevas organizaciones.

## Resultados esperados
Una reunión cada mes, con acta aprobada y acuerdos con responsables y plazos.
"""


def _pptx() -> bytes:
    from pptx import Presentation

    presentation = Presentation()
    for title, body in SLIDES:
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def _docx() -> bytes:
    from docx import Document as WordDocument

    document = WordDocument()
    document.add_heading("Propuesta: funciones y compromisos de la CODESI", level=1)
    document.add_paragraph(
        "La sociedad civil propone que la Comisión Multisectorial para el Desarrollo de la "
        "Sociedad de la Información publique sus compromisos con plazos y responsables."
    )
    document.add_paragraph("Borrador para la revisión de las organizaciones miembro.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def load(
    *, coordinator: User, organizations: dict[str, Organization], topics: dict[str, Topic]
) -> int:
    """Upload the demo documents that are missing; return how many were created."""
    if Document.objects.filter(is_demo=True).exists():
        return 0
    uploads: list[tuple[str, bytes, services.DocumentData]] = [
        (
            "red-dorsal-selva.pptx",
            _pptx(),
            {
                "title": "Red Dorsal Nacional de Fibra Óptica: avances en la selva",
                "kind": "presentation",
                "visibility": "public",
                "topics": [topics["conectividad"]],
            },
        ),
        (
            "propuesta-codesi.docx",
            _docx(),
            {
                "title": "Propuesta: funciones y compromisos de la CODESI",
                "kind": "proposal",
                "visibility": "members",
                "topics": [topics["gobierno-digital"]],
            },
        ),
        (
            "hoja-de-ruta-2027.md",
            ROADMAP.encode(),
            {
                "title": "Hoja de ruta de la red 2027",
                "kind": "report",
                "visibility": "public",
                "topics": [topics["gobernanza-de-internet"]],
            },
        ),
    ]
    created = 0
    first_org = next(iter(organizations.values()))
    for name, content, data in uploads:
        checked = services.check_file(SimpleUploadedFile(name, content))
        outcome = services.document_upload(
            actor=coordinator,
            files=[checked],
            data={"language": "es", "license": "cc-by-4.0", "organizations": [first_org], **data},
        )
        Document.objects.filter(pk__in=[d.pk for d in outcome.created]).update(is_demo=True)
        created += len(outcome.created)
    return created
