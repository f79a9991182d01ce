"""Demo meetings for ``minka load_demo``: the network's series and its first two meetings.

Meeting 1 is the first working meeting of 16 March 2026, as its minutes tell it (one
presentation, interventions of the organizations, agreements; "the next meeting will be
held within a month"). The minutes give neither the year ("del presente") nor the place
nor the time: 2026, Lima and 10:00–12:00 are assumptions of the demo. Meeting 2 is
created by "Programar la próxima reunión", one month later, as a coordinator would. The
presenter is named in the item's text only: the demo creates no directory record for a
real person. Running it again creates nothing.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from minka.core.visibility import Visibility
from minka.meetings.models import Cadence, Meeting, Modality, Series
from minka.meetings.services import meetings as services

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Organization

SERIES_SLUG = "desarrollo-tic-peru"
SERIES_TITLE = "Desarrollo de las TIC en el Perú: aportes desde la sociedad civil"

AGENDA = [
    (
        "Presentación: una visión del desarrollo digital del país",
        "Presenta el Sr. Alfredo Astudillo.\n\n"
        "- La participación de las organizaciones de la sociedad civil en el desarrollo "
        "digital.\n"
        "- Una política y una estrategia del rol de las TIC con los distintos actores.\n"
        "- Construir institucionalidad: un ente rector TIC, mecanismos de participación, "
        "un gremio TIC.\n"
        "- Políticas públicas digitales en el Acuerdo Nacional.\n"
        "- Cultura digital y riesgos de la ciberseguridad.\n"
        "- El rol del viceministerio TIC: coordinación, promoción, facilitación y "
        "articulación.",
        40,
    ),
    (
        "Intervenciones de las organizaciones",
        "- Promoción del uso de internet y del uso correcto de las redes sociales.\n"
        "- Involucrar a las carreras relacionadas con la tecnología en el desarrollo del país.\n"
        "- Funciones y compromisos de la CODESI.\n"
        "- Metas y resultados en un plazo determinado.\n"
        "- Apertura a nuevas organizaciones y mecanismos de participación internos y "
        "externos.\n"
        "- Nuevos mecanismos de comunicación (Telegram u otro).",
        50,
    ),
    (
        "Acuerdos y próxima reunión",
        "- Compartir las presentaciones, el directorio de asistentes y la minuta de la "
        "reunión en un repositorio virtual.\n"
        "- La próxima reunión se realizará dentro de un mes.",
        15,
    ),
]


def load(*, coordinator: User, organizations: dict[str, Organization]) -> int:
    """Create the series and meetings that are missing; return how many objects were made."""
    created = 0
    series, new = Series.objects.get_or_create(
        slug=SERIES_SLUG,
        defaults={
            "title": SERIES_TITLE,
            "cadence": Cadence.MONTHLY,
            "visibility": Visibility.PUBLIC,
            "is_demo": True,
            "description": "Reuniones mensuales de trabajo de las organizaciones de la red.",
        },
    )
    created += new
    first = Meeting.objects.filter(series=series, number=1).first()
    if first is None:
        first = _first_meeting(coordinator, series, organizations)
        created += 1 + len(AGENDA)
    if not first.following.exists() and not first.is_cancelled:
        services.meeting_schedule_next(actor=coordinator, meeting=first)
        created += 1
    return created


def _first_meeting(
    coordinator: User, series: Series, organizations: dict[str, Organization]
) -> Meeting:
    starts_at = timezone.make_aware(datetime.datetime(2026, 3, 16, 10, 0))  # noqa: DTZ001
    meeting = services.meeting_create(
        actor=coordinator,
        data={
            "series": series,
            "number": 1,
            "title": "Primera reunión de trabajo: Desarrollo de las TIC en el Perú",
            "description": (
                "Primera reunión de trabajo con organizaciones de la sociedad civil "
                "denominada “Desarrollo de las TIC en el Perú: aportes desde la sociedad "
                "civil”."
            ),
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=2),
            "modality": Modality.IN_PERSON,
            "place": "Lima",
            "visibility": Visibility.PUBLIC,
            "organizations": [o for key, o in organizations.items() if key in {"IGIP", "CCC"}],
        },
    )
    for title, description, minutes in AGENDA:
        services.agenda_item_create(
            actor=coordinator,
            meeting=meeting,
            data={"title": title, "description": description, "duration_minutes": minutes},
        )
    if meeting.starts_at <= timezone.now():
        meeting = services.meeting_mark_held(actor=coordinator, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(is_demo=True)
    meeting.is_demo = True
    return meeting
