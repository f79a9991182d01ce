"""Access-matrix entries of the date polls (``/participa/fechas/``).

Objects: an open public poll and an open members-only poll, each with three dates three weeks
ahead (fixed option ids, so that the entries can post them), and a cancelled public poll.

Readings: the list is for everyone (filtered inside); a public poll's page is for everyone,
a members-only one answers 404 to visitors and registered users. Answering is for signed-in
users who may see the poll: visitors are sent to sign in where the poll is public (404 where
it is hidden), an empty answer is refused (400), a complete one is saved (302), and an
answer to a cancelled poll is refused (400). Creating, choosing and cancelling are for
coordinators: visitors are sent to sign in (302), the other roles get 403 before any lookup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.core.tests.access_matrix import Access, everyone, form_view, row
from minka.core.visibility import Visibility
from minka.participation.polls.models import DateOption, DatePoll
from minka.participation.polls.tests.factories import DatePollFactory, future

if TYPE_CHECKING:
    from collections.abc import Callable

MEMBERS = row(404, 404, 200, 200, 200, 200)
COORDINATOR_PAGE = row(302, 403, 403, 403, 200, 200)
COORDINATOR_REFUSED = row(302, 403, 403, 403, 400, 400)
COORDINATOR_DONE = row(302, 403, 403, 403, 302, 302)
COORDINATOR_UNKNOWN = row(302, 403, 403, 403, 404, 404)

PUBLIC_OPTIONS = (970_001, 970_002, 970_003)
MEMBERS_OPTIONS = (970_011, 970_012, 970_013)
CANCELLED_OPTIONS = (970_021, 970_022)


def _answers(ids: tuple[int, ...]) -> dict[str, str]:
    return {f"o{pk}": value for pk, value in zip(ids, ("yes", "maybe", "no"), strict=False)}


MATRIX: dict[str, Access] = {
    "participation:datepoll-list": Access({"GET": everyone(200)}),
    "participation:datepoll-create": Access(form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED)),
    "participation:datepoll-detail": Access({"GET": everyone(200)}, kwargs="dp_public"),
    "participation:datepoll-detail[members]": Access({"GET": MEMBERS}, kwargs="dp_members"),
    "participation:datepoll-detail[unknown]": Access({"GET": everyone(404)}, kwargs="dp_unknown"),
    # --- Answers ------------------------------------------------------------------------
    "participation:datepoll-answer": Access(
        {"POST": row(302, 400, 400, 400, 400, 400)}, kwargs="dp_public"
    ),
    "participation:datepoll-answer[valid]": Access(
        {"POST": row(302, 302, 302, 302, 302, 302)},
        kwargs="dp_public",
        data=_answers(PUBLIC_OPTIONS),
    ),
    "participation:datepoll-answer[members]": Access(
        {"POST": row(404, 404, 400, 400, 400, 400)}, kwargs="dp_members"
    ),
    "participation:datepoll-answer[members, valid]": Access(
        {"POST": row(404, 404, 302, 302, 302, 302)},
        kwargs="dp_members",
        data=_answers(MEMBERS_OPTIONS),
    ),
    "participation:datepoll-answer[cancelled]": Access(
        {"POST": row(302, 400, 400, 400, 400, 400)},
        kwargs="dp_cancelled",
        data=_answers(CANCELLED_OPTIONS),
    ),
    "participation:datepoll-answer[unknown]": Access({"POST": everyone(404)}, kwargs="dp_unknown"),
    # --- Coordinators' actions ---------------------------------------------------------
    "participation:datepoll-choose": Access({"POST": COORDINATOR_REFUSED}, kwargs="dp_public"),
    "participation:datepoll-choose[valid]": Access(
        {"POST": COORDINATOR_DONE}, kwargs="dp_public", data={"option": str(PUBLIC_OPTIONS[0])}
    ),
    "participation:datepoll-choose[members, valid]": Access(
        {"POST": COORDINATOR_DONE}, kwargs="dp_members", data={"option": str(MEMBERS_OPTIONS[1])}
    ),
    # Another poll's date: refused.
    "participation:datepoll-choose[other poll's date]": Access(
        {"POST": COORDINATOR_REFUSED}, kwargs="dp_public", data={"option": str(MEMBERS_OPTIONS[0])}
    ),
    "participation:datepoll-choose[cancelled]": Access(
        {"POST": COORDINATOR_REFUSED},
        kwargs="dp_cancelled",
        data={"option": str(CANCELLED_OPTIONS[0])},
    ),
    "participation:datepoll-choose[unknown]": Access(
        {"POST": COORDINATOR_UNKNOWN}, kwargs="dp_unknown", data={"option": "1"}
    ),
    "participation:datepoll-cancel": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_DONE), kwargs="dp_public"
    ),
    "participation:datepoll-cancel[cancelled]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="dp_cancelled"
    ),
    "participation:datepoll-cancel[unknown]": Access(
        form_view(COORDINATOR_UNKNOWN, COORDINATOR_UNKNOWN), kwargs="dp_unknown"
    ),
}

UNKNOWN = "00000000-0000-4000-8000-0000000da7e5"


def _public_id(attribute: str) -> Callable[[Any], dict[str, Any]]:
    return lambda o: {"public_id": getattr(o, attribute).public_id}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "dp_public": _public_id("dp_public"),
    "dp_members": _public_id("dp_members"),
    "dp_cancelled": _public_id("dp_cancelled"),
    "dp_unknown": lambda o: {"public_id": UNKNOWN},
}


def _poll(title: str, visibility: str, ids: tuple[int, ...], **extra: Any) -> DatePoll:
    poll = DatePollFactory.create(title=title, visibility=visibility, options=[], **extra)
    for position, pk in enumerate(ids, start=1):
        DateOption.objects.create(
            pk=pk, poll=poll, starts_at=future(20 + position), position=position
        )
    return poll


def setup_objects(case: Any, objects: Any) -> None:
    """Create the polls the entries above visit."""
    objects.dp_public = _poll("Matriz encuesta pública", Visibility.PUBLIC, PUBLIC_OPTIONS)
    objects.dp_members = _poll("Matriz encuesta de miembros", Visibility.MEMBERS, MEMBERS_OPTIONS)
    objects.dp_cancelled = _poll(
        "Matriz encuesta cancelada",
        Visibility.PUBLIC,
        CANCELLED_OPTIONS,
        status=DatePoll.Status.CANCELLED,
    )
