"""Demo commitments and goals for ``minka load_demo``, after the meetings' demo.

The approved minutes of the demo meetings have already become commitments (the minutes
services call the agreements app when minutes are approved). This adds what people would
have done since:

- The first meeting's two agreements (the seed minutes name no one responsible): the
  repository is owned by the technical secretariat (CCC) and done, with the presentation
  in the repository as evidence, reported at the second meeting; the monthly meeting is
  owned by the two convening organizations and in progress, a meeting at a time.
- Every later meeting of the script reports done what its ``done`` list names
  (:func:`minka.meetings.demo.agreements_reported_done`): an update on that commitment,
  dated at the meeting.
- Three commitments recorded directly by the coordination, with the CODESI among the
  owners: one due soon, one overdue, one for members only.
- A goal for 2026 with two results: the repository and directory (from the first
  meetings' commitments) and the functions and commitments of the CODESI.

Loading again adds what is missing (new meetings' reports, new commitments in the goal's
results) and changes nothing else.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from minka.agreements import services
from minka.agreements.models import Commitment, CommitmentUpdate, Goal, GoalCommitment, Status
from minka.core.visibility import Visibility
from minka.documents.models import Document
from minka.meetings import demo as meetings_demo
from minka.meetings.models import Meeting

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.directory.models import Organization, Topic

# What the coordination recorded directly: title, owners (acronyms), days from the first
# load to the deadline, status, progress, topic, visibility.
DIRECT = [
    (
        "Presentar a la CODESI la propuesta de la red sobre conectividad rural",
        ["RDA", "CODESI"],
        20,
        Status.IN_PROGRESS,
        40,
        "conectividad",
        Visibility.PUBLIC,
    ),
    (
        "Publicar el informe anual de avance de la Agenda Digital Peruana",
        ["CODESI"],
        -10,
        Status.PENDING,
        0,
        "gobierno-digital",
        Visibility.PUBLIC,
    ),
    (
        "Preparar la posición de la red ante el viceministerio sobre la ley de ciberseguridad",
        ["IGIP"],
        45,
        Status.PENDING,
        0,
        "ciberseguridad",
        Visibility.MEMBERS,
    ),
]
GOAL = "Agenda de la red 2026: repositorio, directorio y seguimiento de la CODESI"
RESULT_REPOSITORY = "Repositorio virtual y directorio de la red en funcionamiento"
RESULT_CODESI = "Funciones y compromisos de la CODESI con participación de la sociedad civil"


def load(
    *,
    coordinator: User,
    organizations: dict[str, Organization],
    topics: dict[str, Topic],
) -> int:
    """Add what is missing; return how many objects were created."""
    created = 0
    first = _first_meeting_commitments()
    if first:
        created += _follow_first_meeting(coordinator, organizations, *first)
    created += _reports(coordinator)
    direct, new = _direct(coordinator, organizations, topics)
    created += new
    created += _goals(coordinator, organizations, first, direct)
    return created


def _series_meeting(number: int) -> Meeting | None:
    return Meeting.objects.filter(
        series__slug=meetings_demo.SERIES_SLUG, number=number, is_demo=True
    ).first()


def _first_meeting_commitments() -> tuple[Commitment, Commitment] | None:
    """The commitments made from the first meeting's two agreements (once it is held)."""
    meeting = _series_meeting(1)
    if meeting is None:
        return None
    commitments = list(Commitment.objects.filter(meeting=meeting, minutes__isnull=False))
    monthly = next((c for c in commitments if "próxima reunión" in c.title.casefold()), None)
    repository = next(
        (c for c in commitments if "repositorio" in c.title.casefold() and c != monthly), None
    )
    if repository is None or monthly is None:
        return None
    return repository, monthly


def _dated(update: CommitmentUpdate, moment: dt.datetime) -> None:
    """Date an update as the story has it (never in the future)."""
    moment = min(moment, timezone.now())
    CommitmentUpdate.objects.filter(pk=update.pk).update(created_at=moment)


def _follow_first_meeting(
    coordinator: User,
    organizations: dict[str, Organization],
    repository: Commitment,
    monthly: Commitment,
) -> int:
    created = 0
    # The seed minutes name no one and no date: the coordination assigns them, as the
    # minutes' page proposes.
    if not repository.responsible_organizations.exists():
        services.commitment_update(
            actor=coordinator,
            commitment=repository,
            data={
                "responsible_organizations": [organizations["CCC"]],
                "due_date": meetings_demo.meeting_start(2).date(),
            },
        )
    if not monthly.responsible_organizations.exists():
        services.commitment_update(
            actor=coordinator,
            commitment=monthly,
            data={
                "responsible_organizations": [
                    organizations[key] for key in sorted(meetings_demo.CONVENERS)
                ],
                "due_date": dt.date(2026, 12, 31),
                "description": "Diez reuniones mensuales en 2026, de marzo a diciembre.",
            },
        )
    second = _series_meeting(2)
    if not repository.updates.exists() and second is not None and second.is_over:
        evidence = list(
            Document.objects.filter(is_demo=True, kind="presentation", visibility="public")[:1]
        )
        update = services.update_post(
            actor=coordinator,
            commitment=repository,
            data={
                "text": (
                    "El repositorio virtual está en funcionamiento, con la presentación y "
                    "el acta de la primera reunión. Se informó en la segunda reunión."
                ),
                "status": Status.DONE,
                "progress": 100,
                "documents": evidence,
            },
        )
        _dated(update, second.ends_at)
        created += 1
    held = Meeting.objects.filter(
        series__slug=meetings_demo.SERIES_SLUG, is_demo=True, status=Meeting.Status.HELD
    ).count()
    text = f"La red se ha reunido {held} veces, una vez al mes, desde marzo de 2026."
    latest = monthly.updates.order_by("-created_at", "-pk").first()
    if held >= 2 and monthly.is_open and (latest is None or latest.text != text):
        # A report after each meeting: the network keeps meeting every month (ten meetings
        # planned in 2026, from March to December).
        progress = min(round(held / 10 * 100), 100)
        update = services.update_post(
            actor=coordinator,
            commitment=monthly,
            data={
                "text": text,
                "status": Status.IN_PROGRESS,
                "progress": progress,
            },
        )
        last = Meeting.objects.filter(
            series__slug=meetings_demo.SERIES_SLUG, is_demo=True, status=Meeting.Status.HELD
        ).latest("starts_at")
        _dated(update, last.ends_at)
        created += 1
    return created


def _reports(coordinator: User) -> int:
    """Each held meeting of the script reports done what its ``done`` list names."""
    created = 0
    meetings = Meeting.objects.filter(
        series__slug=meetings_demo.SERIES_SLUG,
        is_demo=True,
        status=Meeting.Status.HELD,
        number__gte=3,
    ).order_by("number")
    for meeting in meetings:
        assert meeting.number is not None  # noqa: S101 (the filter above)
        keys = meetings_demo.agreements_reported_done(meeting.number)
        if not keys:
            continue
        pending = Commitment.objects.filter(
            is_demo=True,
            agreement_key__in=keys,
            meeting__number__lt=meeting.number,
            meeting__series__slug=meetings_demo.SERIES_SLUG,
            status__in=[Status.PENDING, Status.IN_PROGRESS],
        )
        for commitment in pending:
            update = services.update_post(
                actor=coordinator,
                commitment=commitment,
                data={
                    "text": f"Cumplido: se informó en la reunión {meeting.number} de la red.",
                    "status": Status.DONE,
                    "progress": 100,
                },
            )
            _dated(update, meeting.ends_at)
            created += 1
    return created


def _direct(
    coordinator: User, organizations: dict[str, Organization], topics: dict[str, Topic]
) -> tuple[list[Commitment], int]:
    commitments, created = [], 0
    today = timezone.localdate()
    for title, owners, days, status, progress, topic, visibility in DIRECT:
        commitment = Commitment.objects.filter(title=title, is_demo=True).first()
        if commitment is None:
            commitment = services.commitment_create(
                actor=coordinator,
                data={
                    "title": title,
                    "responsible_organizations": [organizations[key] for key in owners],
                    "due_date": today + dt.timedelta(days=days),
                    "status": status,
                    "progress": progress,
                    "topics": [topics[topic]],
                    "visibility": visibility,
                },
            )
            Commitment.objects.filter(pk=commitment.pk).update(is_demo=True)
            if progress:
                services.update_post(
                    actor=coordinator,
                    commitment=commitment,
                    data={
                        "text": "Se redactó un primer borrador y se compartió con las "
                        "organizaciones responsables para sus comentarios.",
                        "status": status,
                        "progress": progress,
                    },
                )
            created += 1
        commitments.append(commitment)
    return commitments, created


def _goal(coordinator: User, title: str, data: services.GoalData) -> tuple[Goal, int]:
    goal = Goal.objects.filter(title=title, is_demo=True).first()
    if goal is not None:
        return goal, 0
    goal = services.goal_create(actor=coordinator, data={"title": title, **data})
    Goal.objects.filter(pk=goal.pk).update(is_demo=True)
    return goal, 1


def _goals(
    coordinator: User,
    organizations: dict[str, Organization],
    first: tuple[Commitment, Commitment] | None,
    direct: list[Commitment],
) -> int:
    year_end = dt.date(2026, 12, 31)
    goal, created = _goal(
        coordinator,
        GOAL,
        {
            "description": (
                "Lo que la primera reunión pidió: un repositorio compartido, un directorio "
                "de asistentes y claridad sobre las funciones y compromisos de la CODESI."
            ),
            "indicator": "Resultados logrados",
            "unit": "%",
            "target": Decimal(100),
            "period_start": dt.date(2026, 3, 16),
            "deadline": year_end,
            "responsible_organizations": [organizations[key] for key in ("CCC", "IGIP")],
        },
    )
    repository, new = _goal(
        coordinator,
        RESULT_REPOSITORY,
        {
            "parent": goal,
            "weight": 1,
            "indicator": "Compromisos cumplidos",
            "unit": "compromisos",
            "deadline": dt.date(2026, 6, 30),
            "responsible_organizations": [organizations["CCC"]],
        },
    )
    created += new
    codesi, new = _goal(
        coordinator,
        RESULT_CODESI,
        {
            "parent": goal,
            "weight": 2,
            "indicator": "Compromisos cumplidos",
            "unit": "compromisos",
            "deadline": year_end,
            "responsible_organizations": [organizations[key] for key in ("CODESI", "IGIP")],
        },
    )
    created += new
    keys = {
        meetings_demo.agreement_key(2, "repositorio"): repository,
        meetings_demo.agreement_key(2, "fichas"): repository,
        meetings_demo.agreement_key(3, "codesi"): codesi,
        meetings_demo.agreement_key(3, "contacto-codesi"): codesi,
    }
    links: list[tuple[Goal, Commitment, int]] = []
    if first is not None:
        links.append((repository, first[0], 2))
    for commitment in Commitment.objects.filter(is_demo=True, agreement_key__in=keys):
        links.append((keys[commitment.agreement_key], commitment, 1))
    links += [(codesi, commitment, 1) for commitment in direct[:2]]
    for result, commitment, weight in links:
        _link, new = GoalCommitment.objects.get_or_create(
            goal=result, commitment=commitment, defaults={"weight": weight}
        )
        created += new
    return created
