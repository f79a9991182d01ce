"""Access-matrix entries of the agreements area: the dashboard, the exports, commitments and
their progress updates (posting, reviewing), goals and the choice of their commitments, and
the follow-up of a meeting.

Objects: a public, a members-only and a coordinators-only commitment, all three owned by
organization A (so ``mem_a`` is responsible for them, ``mem_b`` is not), each with one
progress update; a public, a members-only and a coordinators-only goal; and a series with a
meeting held last month, which agreed the public commitment, and a planned meeting six weeks
ahead that follows it up (an open commitment of an earlier meeting of its series).

Readings: the dashboard, the public pages and the exports are for everyone (what each
persona may see is filtered inside: the canaries check that); a hidden commitment or goal
answers 404 before any other check. Managing (creating, editing, choosing a goal's
commitments, reviewing an update, recording a follow-up) is for coordinators: visitors are
sent to sign in (302), the other roles get 403 before any lookup. Posting an update is for
coordinators and for members of a responsible organization: ``mem_a`` may (an empty POST is
refused with 400, a complete one redirects), ``mem_b`` and ``reg`` get 403; a visitor is
sent to sign in only where the commitment is public (404 where they may not see it).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from minka.agreements.tests.factories import (
    CommitmentFactory,
    CommitmentUpdateFactory,
    GoalFactory,
    link,
)
from minka.core.tests.access_matrix import Access, everyone, form_view, row
from minka.core.visibility import Visibility
from minka.meetings.models import AgendaItem, Meeting
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory

if TYPE_CHECKING:
    from collections.abc import Callable

MEMBERS = row(404, 404, 200, 200, 200, 200)
COORDINATORS = row(404, 404, 404, 404, 200, 200)
COORDINATOR_PAGE = row(302, 403, 403, 403, 200, 200)
COORDINATOR_REFUSED = row(302, 403, 403, 403, 400, 400)
COORDINATOR_DONE = row(302, 403, 403, 403, 302, 302)
COORDINATOR_UNKNOWN = row(302, 403, 403, 403, 404, 404)
# Posting an update on a commitment of organization A.
UPDATE_REFUSED = row(302, 403, 400, 403, 400, 400)
UPDATE_DONE = row(302, 403, 302, 403, 302, 302)
UPDATE_DATA = {"text": "Se avanzó con el informe.", "status": "in_progress", "progress": "40"}

MATRIX: dict[str, Access] = {
    "agreements:dashboard": Access({"GET": everyone(200)}),
    # Everyone downloads what they may see (the rate limit is tested on its own).
    "agreements:export[csv]": Access({"GET": everyone(200)}, kwargs="ag_csv"),
    "agreements:export[xlsx]": Access({"GET": everyone(200)}, kwargs="ag_xlsx"),
    "agreements:export[unknown format]": Access({"GET": everyone(404)}, kwargs="ag_pdf"),
    # --- Commitments ------------------------------------------------------------------
    "agreements:commitment-create": Access(form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED)),
    "agreements:commitment-detail": Access({"GET": everyone(200)}, kwargs="ag_public"),
    "agreements:commitment-detail[members]": Access({"GET": MEMBERS}, kwargs="ag_members"),
    "agreements:commitment-detail[coordinators]": Access(
        {"GET": COORDINATORS}, kwargs="ag_coordinators"
    ),
    "agreements:commitment-detail[unknown]": Access({"GET": everyone(404)}, kwargs="ag_unknown"),
    "agreements:commitment-edit": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="ag_public"
    ),
    "agreements:commitment-edit[coordinators]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="ag_coordinators"
    ),
    "agreements:commitment-edit[unknown]": Access(
        form_view(COORDINATOR_UNKNOWN, COORDINATOR_UNKNOWN), kwargs="ag_unknown"
    ),
    # --- Progress updates -------------------------------------------------------------
    # The commitment is looked up first (as the viewer may see it), then a visitor is sent to
    # sign in: on a public commitment, 302; on a hidden one, 404 (as its page answers).
    "agreements:update-post": Access({"POST": UPDATE_REFUSED}, kwargs="ag_public"),
    "agreements:update-post[valid]": Access(
        {"POST": UPDATE_DONE}, kwargs="ag_public", data=UPDATE_DATA
    ),
    "agreements:update-post[members]": Access(
        {"POST": row(404, 404, 400, 403, 400, 400)}, kwargs="ag_members"
    ),
    "agreements:update-post[members, valid]": Access(
        {"POST": row(404, 404, 302, 403, 302, 302)}, kwargs="ag_members", data=UPDATE_DATA
    ),
    # Members of A are responsible for it, but may not see it: not found.
    "agreements:update-post[coordinators]": Access(
        {"POST": row(404, 404, 404, 404, 400, 400)}, kwargs="ag_coordinators"
    ),
    "agreements:update-post[unknown]": Access({"POST": everyone(404)}, kwargs="ag_unknown"),
    # An empty review names no verdict: refused (400); a verdict is recorded (302).
    "agreements:update-review": Access({"POST": COORDINATOR_REFUSED}, kwargs="ag_update"),
    "agreements:update-review[validated]": Access(
        {"POST": COORDINATOR_DONE}, kwargs="ag_update", data={"verdict": "validated"}
    ),
    # Questioning needs a reason: refused without one.
    "agreements:update-review[questioned without reason]": Access(
        {"POST": COORDINATOR_REFUSED}, kwargs="ag_update", data={"verdict": "questioned"}
    ),
    "agreements:update-review[coordinators]": Access(
        {"POST": COORDINATOR_DONE},
        kwargs="ag_update_coordinators",
        data={"verdict": "validated"},
    ),
    # An update's id under another commitment's address: not found.
    "agreements:update-review[other]": Access(
        {"POST": COORDINATOR_UNKNOWN}, kwargs="ag_update_elsewhere", data={"verdict": "validated"}
    ),
    "agreements:update-review[unknown]": Access(
        {"POST": COORDINATOR_UNKNOWN}, kwargs="ag_update_unknown", data={"verdict": "validated"}
    ),
    # --- Goals ------------------------------------------------------------------------
    "agreements:goal-create": Access(form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED)),
    "agreements:goal-detail": Access({"GET": everyone(200)}, kwargs="ag_goal_public"),
    "agreements:goal-detail[members]": Access({"GET": MEMBERS}, kwargs="ag_goal_members"),
    "agreements:goal-detail[coordinators]": Access(
        {"GET": COORDINATORS}, kwargs="ag_goal_coordinators"
    ),
    "agreements:goal-detail[unknown]": Access({"GET": everyone(404)}, kwargs="ag_unknown"),
    "agreements:goal-edit": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="ag_goal_public"
    ),
    "agreements:goal-edit[coordinators]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="ag_goal_coordinators"
    ),
    "agreements:goal-edit[unknown]": Access(
        form_view(COORDINATOR_UNKNOWN, COORDINATOR_UNKNOWN), kwargs="ag_unknown"
    ),
    # An empty POST is valid: it counts no commitment in the goal (and goes back to it).
    "agreements:goal-commitments": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_DONE), kwargs="ag_goal_public"
    ),
    "agreements:goal-commitments[unknown]": Access(
        form_view(COORDINATOR_UNKNOWN, COORDINATOR_UNKNOWN), kwargs="ag_unknown"
    ),
    # --- The follow-up of a meeting ---------------------------------------------------
    # One commitment is pending: an empty POST lacks its status and progress (400).
    "agreements:follow-up": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="ag_follow_up"
    ),
    # Nothing to follow up: the empty form is valid and records nothing (302).
    "agreements:follow-up[nothing pending]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_DONE), kwargs="ag_nothing_pending"
    ),
    "agreements:follow-up[unknown]": Access(
        form_view(COORDINATOR_UNKNOWN, COORDINATOR_UNKNOWN), kwargs="ag_unknown"
    ),
}

UNKNOWN = "00000000-0000-4000-8000-0000000a9ee7"


def _public_id(attribute: str) -> Callable[[Any], dict[str, Any]]:
    return lambda o: {"public_id": getattr(o, attribute).public_id}


def _update(attribute: str, commitment: str) -> Callable[[Any], dict[str, Any]]:
    return lambda o: {
        "public_id": getattr(o, commitment).public_id,
        "pk": getattr(o, attribute).pk,
    }


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "ag_csv": lambda o: {"fmt": "csv"},
    "ag_xlsx": lambda o: {"fmt": "xlsx"},
    "ag_pdf": lambda o: {"fmt": "pdf"},
    "ag_public": _public_id("ag_public"),
    "ag_members": _public_id("ag_members"),
    "ag_coordinators": _public_id("ag_coordinators"),
    "ag_unknown": lambda o: {"public_id": UNKNOWN},
    "ag_update": _update("ag_update", "ag_public"),
    "ag_update_coordinators": _update("ag_update_coordinators", "ag_coordinators"),
    "ag_update_elsewhere": _update("ag_update", "ag_members"),
    "ag_update_unknown": lambda o: {"public_id": o.ag_public.public_id, "pk": 999_999},
    "ag_goal_public": _public_id("ag_goal_public"),
    "ag_goal_members": _public_id("ag_goal_members"),
    "ag_goal_coordinators": _public_id("ag_goal_coordinators"),
    "ag_follow_up": _public_id("ag_follow_up"),
    "ag_nothing_pending": _public_id("ag_nothing_pending"),
}


def setup_objects(case: Any, objects: Any) -> None:
    """Create the commitments, updates, goals and meetings the entries above visit."""
    series = SeriesFactory.create(slug="serie-matriz-acuerdos")
    held = timezone.now() - timedelta(days=30)
    objects.ag_held = MeetingFactory.create(
        series=series,
        title="Matriz acuerdos: reunión realizada",
        starts_at=held,
        ends_at=held + timedelta(hours=2),
        status=Meeting.Status.HELD,
    )
    later = timezone.now() + timedelta(days=42)
    objects.ag_follow_up = MeetingFactory.create(
        series=series,
        title="Matriz acuerdos: reunión de seguimiento",
        starts_at=later,
        ends_at=later + timedelta(hours=2),
    )
    AgendaItemFactory.create(
        meeting=objects.ag_follow_up,
        title="Seguimiento de acuerdos",
        kind=AgendaItem.Kind.FOLLOW_UP,
        position=1,
    )
    # Two years ago, the first of its series: nothing was agreed before it or due by then.
    long_ago = timezone.now() - timedelta(days=730)
    objects.ag_nothing_pending = MeetingFactory.create(
        series=SeriesFactory.create(slug="serie-matriz-acuerdos-antigua"),
        title="Matriz acuerdos: reunión sin pendientes",
        starts_at=long_ago,
        ends_at=long_ago + timedelta(hours=2),
        status=Meeting.Status.HELD,
    )
    objects.ag_public = CommitmentFactory.create(
        title="Matriz compromiso público",
        meeting=objects.ag_held,
        due_date=timezone.localdate() + timedelta(days=60),
        owners=[case.org_a],
    )
    objects.ag_members = CommitmentFactory.create(
        title="Matriz compromiso de miembros",
        visibility=Visibility.MEMBERS,
        due_date=timezone.localdate() + timedelta(days=90),
        owners=[case.org_a],
    )
    objects.ag_coordinators = CommitmentFactory.create(
        title="Matriz compromiso de coordinación",
        visibility=Visibility.COORDINATORS,
        due_date=timezone.localdate() + timedelta(days=90),
        owners=[case.org_a],
    )
    objects.ag_update = CommitmentUpdateFactory.create(
        commitment=objects.ag_public, author=case.mem_a, text="Matriz avance público"
    )
    CommitmentUpdateFactory.create(commitment=objects.ag_members, author=case.mem_a)
    objects.ag_update_coordinators = CommitmentUpdateFactory.create(
        commitment=objects.ag_coordinators, author=case.coord
    )
    objects.ag_goal_public = GoalFactory.create(title="Matriz meta pública")
    objects.ag_goal_members = GoalFactory.create(
        title="Matriz meta de miembros", visibility=Visibility.MEMBERS
    )
    objects.ag_goal_coordinators = GoalFactory.create(
        title="Matriz meta de coordinación", visibility=Visibility.COORDINATORS
    )
    link(objects.ag_goal_public, objects.ag_public)
