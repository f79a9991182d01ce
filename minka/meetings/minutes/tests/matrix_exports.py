"""Access-matrix entries of the minutes exports: every format × every state of the minutes.

Objects: minutes of public meetings in draft, in review, published for everyone and
published for members. Draft: coordinators only; review: members (and attendees);
published: whoever the minutes' visibility allows. Invisible minutes answer 404.
Only GET is offered (405 for the other methods).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.core.tests.access_matrix import Access, everyone, row
from minka.core.visibility import Visibility
from minka.meetings.minutes.exports import FORMATS
from minka.meetings.minutes.models import Minutes
from minka.meetings.minutes.tests.factories import minutes_with
from minka.meetings.tests.factories import MeetingFactory, SeriesFactory

if TYPE_CHECKING:
    from collections.abc import Callable

COORDINATORS = row(404, 404, 404, 404, 200, 200)
MEMBERS = row(404, 404, 200, 200, 200, 200)
STATES: dict[str, tuple[int, ...]] = {
    "draft": COORDINATORS,
    "review": MEMBERS,
    "published-public": everyone(200),
    "published-members": MEMBERS,
}

MATRIX: dict[str, Access] = {
    f"meetings:minutes-export[{state}-{fmt}]": Access(
        {"GET": statuses}, kwargs=f"export_{state}_{fmt}"
    )
    for state, statuses in STATES.items()
    for fmt in FORMATS
}
MATRIX["meetings:minutes-export[unknown-format]"] = Access(
    {"GET": everyone(404)}, kwargs="export_unknown_format"
)
MATRIX["meetings:minutes-export[no-minutes]"] = Access(
    {"GET": everyone(404)}, kwargs="export_no_minutes"
)


def _kwargs(state: str, fmt: str) -> Callable[[Any], dict[str, Any]]:
    def build(objects: Any) -> dict[str, Any]:
        minutes = objects.export_minutes[state]
        return {"public_id": minutes.meeting.public_id, "fmt": fmt}

    return build


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    f"export_{state}_{fmt}": _kwargs(state, fmt) for state in STATES for fmt in FORMATS
}
KWARGS["export_unknown_format"] = _kwargs("published-public", "html")
KWARGS["export_no_minutes"] = lambda o: {
    "public_id": o.export_meeting_without_minutes.public_id,
    "fmt": "pdf",
}


def setup_objects(case: Any, objects: Any) -> None:
    series = SeriesFactory.create(slug="matriz-actas", title="Serie de la matriz de actas")
    states = {
        "draft": (Minutes.Status.DRAFT, Visibility.PUBLIC),
        "review": (Minutes.Status.REVIEW, Visibility.PUBLIC),
        "published-public": (Minutes.Status.PUBLISHED, Visibility.PUBLIC),
        "published-members": (Minutes.Status.PUBLISHED, Visibility.MEMBERS),
    }
    objects.export_minutes = {
        state: minutes_with(
            meeting=MeetingFactory.create(series=series),
            status=status,
            visibility=visibility,
            approved_by=case.coord,
        )
        for state, (status, visibility) in states.items()
    }
    objects.export_meeting_without_minutes = MeetingFactory.create(series=series)
