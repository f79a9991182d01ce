"""Access-matrix entries of a person's "Notificaciones" page and its actions, and of the
coordinators' queue of messages.

The page, the follow button and the Telegram buttons are for any signed-in person (visitors
are sent to sign in); each acts on the person's own data only. An empty POST of the page is
refused (400) when some kind of event can be chosen, and a complete one saves (302). A
follow needs a target the persona may see: organization A (public) for everyone, a
members-only series for members and above, a coordinators-only series for coordinators and
admins; otherwise 404, as the target's own page answers. A ``next`` outside the site is
refused (400). Linking Telegram shows a page (200), with or without a configured bot.

The queue and "Reintentar" are for coordinators and admins: other roles get 403 before any
lookup; an unknown message answers 404.
"""

from __future__ import annotations

from typing import Any

from minka.core.tests.access_matrix import Access, row, signed_in
from minka.core.visibility import Visibility
from minka.meetings.tests.factories import SeriesFactory
from minka.notifications.forms import field_name
from minka.notifications.kinds import PERSONAL_CHANNELS, kinds
from minka.notifications.models import Message
from minka.notifications.schedule import DIGEST_KIND

_CONFIGURABLE = [kind for kind in kinds() if kind.configurable]
# Every cell of the preferences form at its default: a complete form, saved as is.
PREFERENCES_DATA = {
    field_name(kind.code, channel): str(kind.default(channel))
    for kind in _CONFIGURABLE
    for channel in PERSONAL_CHANNELS
}
# With no kind to choose, an empty form is complete: nothing to save, back to the page.
EMPTY_PREFERENCES = signed_in(302, 400 if _CONFIGURABLE else 302)

# Filled by ``setup_objects`` (the ids exist only then); the entries hold these very dicts.
FOLLOW_PUBLIC: dict[str, str] = {}
FOLLOW_MEMBERS: dict[str, str] = {}
FOLLOW_COORDINATORS: dict[str, str] = {}
FOLLOW_UNKNOWN = {"type": "meetings.series", "id": "999999999", "action": "follow"}
FOLLOW_UNSAFE_NEXT: dict[str, str] = {}

COORDINATION = row(302, 403, 403, 403, 200, 200)
COORDINATION_DONE = row(302, 403, 403, 403, 302, 302)
COORDINATION_UNKNOWN = row(302, 403, 403, 403, 404, 404)

MATRIX: dict[str, Access] = {
    "notifications:preferences": Access({"GET": signed_in(302, 200), "POST": EMPTY_PREFERENCES}),
    "notifications:preferences[complete]": Access(
        {"GET": signed_in(302, 200), "POST": signed_in(302, 302)}, data=PREFERENCES_DATA
    ),
    "notifications:follow": Access({"POST": signed_in(302, 400)}),
    "notifications:follow[public]": Access({"POST": signed_in(302, 302)}, data=FOLLOW_PUBLIC),
    "notifications:follow[members]": Access(
        {"POST": row(302, 404, 302, 302, 302, 302)}, data=FOLLOW_MEMBERS
    ),
    "notifications:follow[coordinators]": Access(
        {"POST": row(302, 404, 404, 404, 302, 302)}, data=FOLLOW_COORDINATORS
    ),
    "notifications:follow[unknown]": Access({"POST": signed_in(302, 404)}, data=FOLLOW_UNKNOWN),
    "notifications:follow[unsafe next]": Access(
        {"POST": signed_in(302, 400)}, data=FOLLOW_UNSAFE_NEXT
    ),
    "notifications:telegram-link": Access({"POST": signed_in(302, 200)}),
    "notifications:telegram-unlink": Access({"POST": signed_in(302, 302)}),
    "notifications:outbox": Access({"GET": COORDINATION}),
    "notifications:message-retry": Access({"POST": COORDINATION_DONE}, kwargs="nt_failed"),
    "notifications:message-retry[unknown]": Access(
        {"POST": COORDINATION_UNKNOWN}, kwargs="nt_unknown_message"
    ),
}

KWARGS = {
    "nt_failed": lambda o: {"public_id": o.nt_failed.public_id},
    "nt_unknown_message": lambda o: {"public_id": "00000000-0000-4000-8000-000000000000"},
}


def setup_objects(case: Any, objects: Any) -> None:
    members = SeriesFactory.create(
        title="Serie de socios (matriz)", slug="nt-matrix-members", visibility=Visibility.MEMBERS
    )
    coordinators = SeriesFactory.create(
        title="Serie de coordinación (matriz)",
        slug="nt-matrix-coordinators",
        visibility=Visibility.COORDINATORS,
    )
    public = {"type": "directory.organization", "id": str(case.org_a.pk), "action": "follow"}
    FOLLOW_PUBLIC.update(public)
    FOLLOW_MEMBERS.update(type="meetings.series", id=str(members.pk), action="follow")
    FOLLOW_COORDINATORS.update(type="meetings.series", id=str(coordinators.pk), action="follow")
    FOLLOW_UNSAFE_NEXT.update(public, next="https://evil.example/")
    objects.nt_failed = Message.objects.create(
        kind=DIGEST_KIND,
        channel="email",
        user=case.mem_a,
        language="es",
        key="nt-matrix-failed",
        status=Message.Status.FAILED,
    )
