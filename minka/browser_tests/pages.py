"""The pages the browser tests visit, each with the persona who sees it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.browser_tests.conftest import sign_in_context
from minka.core.tests.base import add_totp
from minka.directory.tests.factories import AffiliationFactory, MembershipFactory
from minka.meetings.minutes import services as minutes_services
from minka.meetings.minutes.tests.factories import minutes_in
from minka.meetings.models import Attendance, Invitee, Meeting, Section
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext
    from pytest_django.live_server_helper import LiveServer


@dataclass(frozen=True)
class SitePage:
    name: str
    path: str
    # Role of the signed-in user; ``None`` visits anonymously.
    role: User.Role | None = None
    # Creates the objects the page shows, before the visit (idempotent).
    setup: Callable[[], None] | None = None


# A held meeting with its agenda, an invitee who attended, and minutes in review with an
# observation: the meeting, minutes and attendance pages below show it.
SAMPLE_MEETING = uuid.UUID("5e1f0c2a-7d4b-4c39-9a51-0b6f3f2d8e11")


def sample_meeting() -> None:
    """Create the sample meeting (and an upcoming one of its series), once."""
    if Meeting.objects.filter(public_id=SAMPLE_MEETING).exists():
        return
    coordinator = UserFactory.create(
        full_name="Coordinación de Ejemplo", role=User.Role.COORDINATOR
    )
    series = SeriesFactory.create(title="Desarrollo de las TIC en el Perú")
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = MeetingFactory.create(
        public_id=SAMPLE_MEETING,
        series=series,
        number=1,
        title="Reunión mensual de la red",
        starts_at=start - timedelta(days=7),
        ends_at=start - timedelta(days=7, hours=-2),
        status=Meeting.Status.HELD,
        online_url="https://meet.example.org/red",
    )
    MeetingFactory.create(series=series, number=2, title="Próxima reunión de la red")
    AgendaItemFactory.create(meeting=meeting, position=1, title="Conectividad rural")
    affiliation = AffiliationFactory.create(person__full_name="Ana Quispe")
    Invitee.objects.create(
        meeting=meeting, person=affiliation.person, organization=affiliation.organization
    )
    Attendance.objects.create(
        meeting=meeting,
        person=affiliation.person,
        organization=affiliation.organization,
        source=Attendance.Source.RECORDED,
    )
    minutes = minutes_in("review", actor=coordinator, meeting=meeting)
    minutes_services.observation_add(
        actor=coordinator, minutes=minutes, section=Section.AGREEMENTS, text="Falta la fecha."
    )


SITE_PAGES = [
    SitePage("home", "/"),
    SitePage("login", "/cuenta/login/"),
    SitePage("signup", "/cuenta/signup/"),
    SitePage("privacy", "/privacidad/"),
    SitePage("accessibility", "/accesibilidad/"),
    SitePage("home (member)", "/", User.Role.MEMBER),
    SitePage("preferences", "/cuenta/preferencias/", User.Role.MEMBER),
    SitePage("sessions", "/cuenta/sessions/", User.Role.MEMBER),
    SitePage("invitations", "/invitaciones/", User.Role.COORDINATOR),
    SitePage("audit log", "/auditoria/", User.Role.ADMIN),
    SitePage("directory", "/directorio/"),
    SitePage("people (member)", "/directorio/personas/", User.Role.MEMBER),
    SitePage("my data", "/mis-datos/", User.Role.MEMBER),
    SitePage("data requests", "/directorio/solicitudes/", User.Role.COORDINATOR),
    SitePage("new organization", "/directorio/organizaciones/nueva/", User.Role.COORDINATOR),
    SitePage("new person", "/directorio/personas/nueva/", User.Role.COORDINATOR),
    SitePage("repository", "/repositorio/"),
    SitePage("upload", "/repositorio/subir/", User.Role.MEMBER),
    SitePage("search", "/buscar/?q=red+dorsal"),
    SitePage("meetings", "/reuniones/", setup=sample_meeting),
    SitePage("import minutes", "/reuniones/importar-acta/", User.Role.COORDINATOR),
    SitePage("meeting (member)", f"/reuniones/{SAMPLE_MEETING}/", User.Role.MEMBER, sample_meeting),
    SitePage(
        "minutes in review",
        f"/reuniones/{SAMPLE_MEETING}/acta/",
        User.Role.COORDINATOR,
        sample_meeting,
    ),
    SitePage(
        "attendance",
        f"/reuniones/{SAMPLE_MEETING}/asistencia/",
        User.Role.COORDINATOR,
        sample_meeting,
    ),
    SitePage("calendar feed", "/reuniones/calendario/", User.Role.MEMBER),
    SitePage("calendar (visitor)", "/reuniones/calendario/"),
    SitePage(
        "approve minutes",
        f"/reuniones/{SAMPLE_MEETING}/acta/aprobar/",
        User.Role.COORDINATOR,
        sample_meeting,
    ),
    # Issue 16's editors: checklists with a filter box, the minutes editor's row buttons.
    SitePage("new meeting", "/reuniones/nueva/", User.Role.COORDINATOR),
    SitePage(
        "minutes editor",
        f"/reuniones/{SAMPLE_MEETING}/acta/editar/",
        User.Role.COORDINATOR,
        sample_meeting,
    ),
]


def sign_in_as(context: BrowserContext, live_server: LiveServer, role: User.Role | None) -> None:
    """Sign ``context`` in as a new user with ``role`` (with TOTP when the role needs it)."""
    if role is None:
        return
    if role == User.Role.MEMBER:
        user = MembershipFactory.create(user__full_name="Miembro de Prueba").user
    else:
        user = UserFactory.create(full_name="Persona de Prueba", role=role)
        add_totp(user)
    sign_in_context(context, live_server, user)
