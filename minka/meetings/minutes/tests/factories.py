"""Minutes for the tests, built in two ways.

- :func:`minutes_in`: minutes in any state of the cycle, built through the services as in
  real use (content from :func:`sample_content`).
- :func:`minutes_with`: minutes with content for the export tests, built directly (not
  through the minutes services, which another area owns): a ``Minutes`` row, revisions and
  the current pointer (content from :func:`export_content`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from minka.core.visibility import Visibility
from minka.meetings.minutes import services
from minka.meetings.minutes.content import (
    Agreement,
    Intervention,
    MinutesContent,
    NextMeeting,
    Presentation,
)
from minka.meetings.minutes.models import Minutes, MinutesRevision
from minka.meetings.tests.factories import MeetingFactory, SeriesFactory

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.meetings.models import Meeting


# The states of the cycle, in order; "published-members" is published for members only.
STATES = ("draft", "review", "approved", "published", "published-members")


def sample_content(tag: str = "") -> MinutesContent:
    """Short minutes for the cycle tests: every section but the notes; ``tag`` ends the summary."""
    return MinutesContent(
        summary=f"Resumen de la reunión {tag}".strip(),
        presentations=[
            Presentation(title="Conectividad rural", presenter="Ana", organization="OA")
        ],
        interventions=[Intervention(topic="Espectro", speaker="Luis", text="Opinó.")],
        agreements=[
            Agreement(
                text="Enviar el informe",
                responsible="OA",
                due_date="2030-01-31",
                key="a1b2c3d4e5f6",
            )
        ],
        next_meeting=NextMeeting(text="Dentro de un mes"),
        notes="",
    )


def minutes_in(
    state: str,
    *,
    actor: User,
    meeting: Meeting | None = None,
    content: MinutesContent | None = None,
    **meeting_fields: Any,
) -> Minutes:
    """Minutes in ``state`` (one of :data:`STATES`), with ``content`` as revision 2."""
    meeting = meeting or MeetingFactory.create(**meeting_fields)
    minutes = services.minutes_create(actor=actor, meeting=meeting, prefill=False)
    services.minutes_save(
        actor=actor, minutes=minutes, content=content or sample_content(), base_revision=1
    )
    if state == "draft":
        return _fresh(minutes)
    services.minutes_open_review(
        actor=actor, minutes=minutes, deadline=timezone.now() + timedelta(days=7)
    )
    if state == "review":
        return _fresh(minutes)
    services.minutes_approve(actor=actor, minutes=minutes)
    if state == "approved":
        return _fresh(minutes)
    visibility = Visibility.MEMBERS if state == "published-members" else Visibility.PUBLIC
    services.minutes_publish(actor=actor, minutes=minutes, visibility=visibility)
    return _fresh(minutes)


def _fresh(minutes: Minutes) -> Minutes:
    minutes.refresh_from_db()
    return minutes


# Minutes for the export tests.

LIMA = ZoneInfo("America/Lima")
# Saturday 28 November 2026, 10:00 in Lima.
MEETING_START = datetime(2026, 11, 28, 10, 0, tzinfo=LIMA)

AGREEMENTS = [
    "Enviar la propuesta de conectividad rural al ministerio.",
    "Publicar el informe de la encuesta sobre niñas y tecnología.",
    "Organizar el taller de ciberseguridad en Cusco.",
]


def export_content(*, payload: str = "", agreements: list[str] | None = None) -> MinutesContent:
    """Spanish minutes with every section filled; ``payload`` is appended to each text field."""
    texts = AGREEMENTS if agreements is None else agreements
    return MinutesContent(
        summary=f"Se revisó el avance de la **red dorsal** y la señal en Áncash.{payload}",
        presentations=[
            Presentation(
                title=f"Brecha digital en la Amazonía{payload}",
                presenter=f"Ana Núñez{payload}",
                organization=f"Asociación Señal{payload}",
                points=f"- Cobertura móvil\n- Tarifas{payload}",
            )
        ],
        interventions=[
            Intervention(
                topic=f"Datos personales{payload}",
                speaker=f"José Peña{payload}",
                text=f"Pidió revisar el reglamento.{payload}",
            )
        ],
        agreements=[
            Agreement(
                text=text + payload,
                responsible=f"Organización A{payload}",
                due_date="2026-12-15",
            )
            for text in texts
        ],
        next_meeting=NextMeeting(starts_at="2026-12-19T10:00", text=f"En la PUCP.{payload}"),
        notes=f"Notas libres con ñandú y acción.{payload}",
    )


def minutes_with(
    *,
    meeting: Meeting | None = None,
    status: str = Minutes.Status.DRAFT,
    visibility: str = Visibility.PUBLIC,
    content: MinutesContent | None = None,
    approved_by: Any = None,
    errata: list[str] | None = None,
    **meeting_fields: Any,
) -> Minutes:
    """Minutes in ``status`` with one revision of ``content`` (plus one per erratum reason)."""
    if meeting is None:
        meeting_fields.setdefault("starts_at", MEETING_START)
        meeting_fields.setdefault("ends_at", MEETING_START.replace(hour=12))
        meeting_fields.setdefault(
            "series",
            SeriesFactory.create(
                slug="desarrollo-tic",
                title="Desarrollo de las TIC en el Perú: aportes desde la sociedad civil",
            ),
        )
        meeting = MeetingFactory.create(**meeting_fields)
    shared = status != Minutes.Status.DRAFT
    approved = status in (Minutes.Status.APPROVED, Minutes.Status.PUBLISHED)
    minutes = Minutes.objects.create(
        meeting=meeting,
        status=status,
        visibility=visibility,
        shared_from=1 if shared else None,
        approved_by=approved_by if approved else None,
        approved_at=datetime(2026, 12, 19, 12, 0, tzinfo=LIMA) if approved else None,
        published_at=timezone.now() if status == Minutes.Status.PUBLISHED else None,
    )
    body = (content or export_content()).to_json()
    revision = MinutesRevision.objects.create(minutes=minutes, number=1, content=body)
    for number, reason in enumerate(errata or [], start=2):
        revision = MinutesRevision.objects.create(
            minutes=minutes,
            number=number,
            kind=MinutesRevision.Kind.ERRATUM,
            reason=reason,
            content=body,
            created_at=datetime(2027, 1, number, 9, 0, tzinfo=LIMA),
        )
    minutes.current_revision = revision
    minutes.save(update_fields=["current_revision"])
    return minutes
