"""Access-matrix entries of the calendars: the public feed, one meeting's ``.ics``, the
personal feed by token and the page that manages it.

Objects: a public, a members-only and a coordinators-only meeting, and a personal feed of the
registered persona (``reg``), whose token every persona uses: the token is the credential, so
anyone holding it gets that feed (200), whoever is signed in. Only ``reg``'s feed is used here,
because the canary crawl starts from these URLs as ``anon`` and must not be handed a member's
feed. A replaced (revoked) token and an unknown one answer 404 to everyone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.core.tests.access_matrix import Access, everyone, form_view, row, signed_in
from minka.core.visibility import Visibility
from minka.meetings.services import calendar as calendar_services
from minka.meetings.tests.factories import MeetingFactory

if TYPE_CHECKING:
    from collections.abc import Callable

MEMBERS = row(404, 404, 200, 200, 200, 200)
COORDINATORS = row(404, 404, 404, 404, 200, 200)

MATRIX: dict[str, Access] = {
    "meetings:calendar-public": Access({"GET": everyone(200)}),
    "meetings:meeting-ics": Access({"GET": everyone(200)}, kwargs="ics_public"),
    "meetings:meeting-ics[members]": Access({"GET": MEMBERS}, kwargs="ics_members"),
    "meetings:meeting-ics[coordinators]": Access({"GET": COORDINATORS}, kwargs="ics_coordinators"),
    "meetings:meeting-ics[unknown]": Access({"GET": everyone(404)}, kwargs="ics_unknown"),
    "meetings:calendar-personal": Access({"GET": everyone(200)}, kwargs="feed_token"),
    "meetings:calendar-personal[revoked]": Access({"GET": everyone(404)}, kwargs="feed_revoked"),
    "meetings:calendar-personal[unknown]": Access({"GET": everyone(404)}, kwargs="feed_unknown"),
    # How to subscribe: everyone reads it (the public feed); visitors who POST are sent to
    # sign in. The user's own feed: an empty POST names no action (400).
    "meetings:calendar-feed": Access(form_view(everyone(200), signed_in(302, 400))),
    # "Create" answers with the new address shown once (200), for any signed-in user.
    "meetings:calendar-feed[create]": Access(
        form_view(everyone(200), signed_in(302, 200)), data={"action": "create"}
    ),
    # "Revoke" with no feed of one's own: refused (400). ``reg``'s feed is revoked (302).
    "meetings:calendar-feed[revoke]": Access(
        form_view(everyone(200), row(302, 302, 400, 400, 400, 400)),
        data={"action": "revoke"},
    ),
}

KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "ics_public": lambda o: {"public_id": o.ics_public.public_id},
    "ics_members": lambda o: {"public_id": o.ics_members.public_id},
    "ics_coordinators": lambda o: {"public_id": o.ics_coordinators.public_id},
    "ics_unknown": lambda o: {"public_id": "00000000-0000-4000-8000-000000000000"},
    "feed_token": lambda o: {"token": o.feed_token},
    "feed_revoked": lambda o: {"token": o.feed_revoked_token},
    "feed_unknown": lambda o: {"token": "no-such-calendar-token"},
}


def setup_objects(case: Any, objects: Any) -> None:
    objects.ics_public = MeetingFactory.create(title="Matriz calendario pública")
    objects.ics_members = MeetingFactory.create(
        title="Matriz calendario miembros", visibility=Visibility.MEMBERS
    )
    objects.ics_coordinators = MeetingFactory.create(
        title="Matriz calendario coordinación", visibility=Visibility.COORDINATORS
    )
    _feed, objects.feed_revoked_token = calendar_services.calendar_feed_create(actor=case.reg)
    _feed, objects.feed_token = calendar_services.calendar_feed_create(actor=case.reg)
