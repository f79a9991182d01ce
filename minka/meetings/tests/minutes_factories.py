"""Minutes in any state of the cycle, built through the services as in real use."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

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
from minka.meetings.tests.factories import MeetingFactory

if TYPE_CHECKING:
    from minka.accounts.models import User
    from minka.meetings.models import Meeting, Minutes

# The states of the cycle, in order; "published-members" is published for members only.
STATES = ("draft", "review", "approved", "published", "published-members")


def sample_content(tag: str = "") -> MinutesContent:
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
