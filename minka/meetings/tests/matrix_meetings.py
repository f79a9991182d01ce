"""Access-matrix entries of the meetings area: the list, a meeting's page, scheduling,
editing, cancelling, marking held, "Programar la próxima reunión" and the agenda.

Objects: a public planned meeting two weeks ahead with one agenda item, a members-only and
a coordinators-only meeting, a held meeting of last month (the next one can be scheduled),
a past meeting still planned (it can be marked held) and a cancelled meeting. Every action
is for coordinators: visitors are sent to sign in, the other roles get 403 before any
lookup. Empty POSTs are refused with 400; the confirmed actions redirect (302).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from minka.core.tests.access_matrix import Access, everyone, form_view, row
from minka.core.visibility import Visibility
from minka.meetings.models import Meeting
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory

if TYPE_CHECKING:
    from collections.abc import Callable

MEMBERS = row(404, 404, 200, 200, 200, 200)
COORDINATORS = row(404, 404, 404, 404, 200, 200)
COORDINATOR_PAGE = row(302, 403, 403, 403, 200, 200)
COORDINATOR_REFUSED = row(302, 403, 403, 403, 400, 400)
COORDINATOR_DONE = row(302, 403, 403, 403, 302, 302)

MATRIX: dict[str, Access] = {
    "meetings:meeting-list": Access({"GET": everyone(200)}),
    "meetings:meeting-create": Access(form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED)),
    "meetings:minutes-import": Access(form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED)),
    "meetings:minutes-import-confirm": Access({"POST": COORDINATOR_REFUSED}),
    "meetings:meeting-detail": Access({"GET": everyone(200)}, kwargs="mt_public"),
    "meetings:meeting-detail[members]": Access({"GET": MEMBERS}, kwargs="mt_members"),
    "meetings:meeting-detail[coordinators]": Access(
        {"GET": COORDINATORS}, kwargs="mt_coordinators"
    ),
    "meetings:meeting-detail[unknown]": Access({"GET": everyone(404)}, kwargs="mt_unknown"),
    "meetings:meeting-edit": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="mt_public"
    ),
    "meetings:meeting-edit[coordinators]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="mt_coordinators"
    ),
    # A cancelled meeting can only be viewed: its edit page says so (400).
    "meetings:meeting-edit[cancelled]": Access(
        form_view(COORDINATOR_REFUSED, COORDINATOR_REFUSED), kwargs="mt_cancelled"
    ),
    "meetings:meeting-edit[unknown]": Access(
        form_view(row(302, 403, 403, 403, 404, 404), row(302, 403, 403, 403, 404, 404)),
        kwargs="mt_unknown",
    ),
    "meetings:meeting-cancel": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_DONE), kwargs="mt_public"
    ),
    "meetings:meeting-cancel[cancelled]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="mt_cancelled"
    ),
    # Marking held: refused before the meeting starts, done once it has.
    "meetings:meeting-held": Access({"POST": COORDINATOR_REFUSED}, kwargs="mt_public"),
    "meetings:meeting-held[past]": Access({"POST": COORDINATOR_DONE}, kwargs="mt_past"),
    "meetings:meeting-next": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="mt_held"
    ),
    "meetings:meeting-next[planned]": Access(
        form_view(COORDINATOR_REFUSED, COORDINATOR_REFUSED), kwargs="mt_public"
    ),
    "meetings:agenda-item-create": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="mt_public"
    ),
    "meetings:agenda-item-edit": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="mt_item"
    ),
    # An item id under another meeting's address: not found.
    "meetings:agenda-item-edit[other]": Access(
        form_view(row(302, 403, 403, 403, 404, 404), row(302, 403, 403, 403, 404, 404)),
        kwargs="mt_item_elsewhere",
    ),
    "meetings:agenda-item-delete": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_DONE), kwargs="mt_item"
    ),
    # No direction: refused.
    "meetings:agenda-item-move": Access({"POST": COORDINATOR_REFUSED}, kwargs="mt_item"),
    "meetings:agenda-item-move[up]": Access(
        {"POST": COORDINATOR_DONE}, kwargs="mt_item", data={"direction": "up"}
    ),
    "meetings:agenda-item-upload": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="mt_item"
    ),
    "meetings:agenda-item-link": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_REFUSED), kwargs="mt_item"
    ),
}


def _meeting(attribute: str) -> Callable[[Any], dict[str, Any]]:
    return lambda o: {"public_id": getattr(o, attribute).public_id}


def _item(attribute: str, meeting: str) -> Callable[[Any], dict[str, Any]]:
    return lambda o: {
        "public_id": getattr(o, meeting).public_id,
        "item_id": getattr(o, attribute).pk,
    }


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "mt_public": _meeting("mt_public"),
    "mt_members": _meeting("mt_members"),
    "mt_coordinators": _meeting("mt_coordinators"),
    "mt_held": _meeting("mt_held"),
    "mt_past": _meeting("mt_past"),
    "mt_cancelled": _meeting("mt_cancelled"),
    "mt_unknown": lambda o: {"public_id": "00000000-0000-4000-8000-00000000abcd"},
    "mt_item": _item("mt_item", "mt_public"),
    "mt_item_elsewhere": _item("mt_item", "mt_members"),
}


def setup_objects(case: Any, objects: Any) -> None:
    series = SeriesFactory.create(slug="serie-matriz-reuniones")
    objects.mt_public = MeetingFactory.create(series=series, title="Matriz reunión pública")
    objects.mt_item = AgendaItemFactory.create(meeting=objects.mt_public, position=1)
    AgendaItemFactory.create(meeting=objects.mt_public, position=2)
    # The item to move up is the second one (moving the first up is a no-op redirect too).
    objects.mt_members = MeetingFactory.create(
        series=series, title="Matriz reunión miembros", visibility=Visibility.MEMBERS
    )
    objects.mt_coordinators = MeetingFactory.create(
        series=series, title="Matriz reunión coordinación", visibility=Visibility.COORDINATORS
    )
    last_month = timezone.now() - timedelta(days=30)
    objects.mt_held = MeetingFactory.create(
        series=series,
        title="Matriz reunión realizada",
        starts_at=last_month,
        ends_at=last_month + timedelta(hours=2),
        status=Meeting.Status.HELD,
    )
    yesterday = timezone.now() - timedelta(days=1)
    objects.mt_past = MeetingFactory.create(
        series=series,
        title="Matriz reunión pasada",
        starts_at=yesterday,
        ends_at=yesterday + timedelta(hours=2),
    )
    objects.mt_cancelled = MeetingFactory.create(
        series=series, title="Matriz reunión cancelada", status=Meeting.Status.CANCELLED
    )
