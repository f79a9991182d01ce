"""iCalendar output (RFC 5545): one meeting, the public and personal feeds, and the
``METHOD:REQUEST`` / ``METHOD:CANCEL`` messages attached to invitations.

Everything is built with the ``icalendar`` library, which escapes TEXT values (``,`` ``;``
``\\`` and new lines), folds lines at 75 octets without splitting a UTF-8 character, and
ends lines with CRLF (``shared/SECURITY.md`` §1.5). Control characters that RFC 5545 does not
allow in TEXT are removed before they reach it, and a URI with spaces or control characters
is left out rather than written (URIs are not escaped).

Times are written with ``TZID`` of the project's time zone (America/Lima) and a matching
``VTIMEZONE``. Links come from ``settings.BASE_URL``, never from the request's Host. The
online meeting link is written only when the caller says the reader may see it: in the
personal feed of a member and in invitations; never in the public feed.

The two reads the calendar views need (:func:`feed_meetings`, :func:`calendar_feed_get`) live
here too, next to the output they feed.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.core.urls_util import absolute_url
from minka.core.visibility import visibilities_for
from minka.meetings import permissions
from minka.meetings.models import AgendaItem, CalendarFeed, Meeting, Rsvp

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from minka.core.types import Actor
    from minka.meetings.models import Invitee

PRODID = "-//Minka//Reuniones//ES"
# The public feed: past meetings of the last twelve months and every upcoming one.
FEED_PAST = timedelta(days=365)
# A bound on the work of one feed request, far above a network's meetings in a year.
FEED_LIMIT = 1000

_PARTSTAT = {
    Rsvp.PENDING: "NEEDS-ACTION",
    Rsvp.YES: "ACCEPTED",
    Rsvp.NO: "DECLINED",
    Rsvp.MAYBE: "TENTATIVE",
}


# --- Reads ------------------------------------------------------------------------------


def feed_meetings(*, user: Actor) -> list[Meeting]:
    """The meetings a feed lists for ``user`` (a visitor for the public feed): those whose
    visibility and series' visibility ``user`` may see *now* (the role is read at each call),
    that ended in the last twelve months or are still to come, cancelled ones included (as
    CANCELLED), with their agenda titles. Two queries."""
    visible = visibilities_for(user)
    agenda = AgendaItem.objects.only("meeting_id", "position", "title").order_by("position", "pk")
    return list(
        Meeting.objects.filter(visibility__in=visible)
        .filter(Q(series__isnull=True) | Q(series__visibility__in=visible))
        .filter(ends_at__gte=timezone.now() - FEED_PAST)
        .prefetch_related(Prefetch("agenda_items", queryset=agenda))
        .order_by("starts_at", "pk")[:FEED_LIMIT]
    )


def token_hash(token: str) -> str:
    """The SHA-256 under which a personal feed's token is stored (hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_get(*, token: str) -> CalendarFeed | None:
    """The personal feed whose token is ``token``, with its user, if the feed exists and the
    user is active; ``None`` otherwise (unknown or revoked token). One query."""
    if not token or len(token) > 128:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=token_hash(token), user__is_active=True)
        .first()
    )


# --- Output -----------------------------------------------------------------------------


def _text(value: str) -> str:
    """``value`` with CR and CRLF as LF and without the control characters TEXT forbids."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(char for char in value if char in "\n\t" or unicodedata.category(char) != "Cc")


def _uri(value: str) -> str:
    """``value`` if it is a plain http(s) URI (URIs are written unescaped), else ``""``."""
    if not value or any(char.isspace() or unicodedata.category(char) == "Cc" for char in value):
        return ""
    return value if urlsplit(value).scheme in {"http", "https"} else ""


def _uid(meeting: Meeting) -> str:
    host = urlsplit(settings.BASE_URL).hostname or "minka"
    return f"meeting-{meeting.public_id}@{host}"


def _description(meeting: Meeting, online_url: str) -> str:
    lines: list[str] = []
    items = list(meeting.agenda_items.all())
    if items:
        lines.append(_("Agenda:"))
        lines += [f"{number}. {item.title}" for number, item in enumerate(items, start=1)]
        lines.append("")
    if online_url:
        lines.append(_("Link to join online: %(url)s") % {"url": online_url})
    lines.append(_("Details: %(url)s") % {"url": absolute_url(meeting.get_absolute_url())})
    return _text("\n".join(lines))


def _event(
    meeting: Meeting,
    *,
    online_link: bool,
    stamp: datetime,
    cancelled: bool = False,
) -> icalendar.Event:
    zone = timezone.get_default_timezone()
    online_url = _uri(meeting.online_url) if online_link else ""
    event = icalendar.Event()
    event.add("uid", _uid(meeting))
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("sequence", meeting.ical_sequence)
    event.add("summary", _text(meeting.title))
    event.add("description", _description(meeting, online_url))
    if meeting.place:
        event.add("location", _text(meeting.place))
    event.add("url", absolute_url(meeting.get_absolute_url()))
    if online_url:
        event.add("conference", online_url, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
    status = "CANCELLED" if cancelled or meeting.is_cancelled else "CONFIRMED"
    event.add("status", status)
    return event


def _calendar(name: str, *, method: str = "") -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    # An X- property is written as given: escape it as the TEXT it is, on one line.
    calendar.add("x-wr-calname", icalendar.vText(_text(name).replace("\n", " ")))
    calendar.add("x-wr-timezone", timezone.get_default_timezone_name())
    return calendar


def _finish(calendar: icalendar.Calendar, meetings: list[Meeting]) -> bytes:
    """Add the VTIMEZONE the events use, covering their dates, and serialize."""
    if meetings:
        first = min(m.starts_at for m in meetings).date()
        last = max(m.ends_at for m in meetings).date()
        calendar.add_missing_timezones(
            first_date=min(date(2000, 1, 1), first),
            last_date=max(date(2038, 1, 1), last + timedelta(days=366)),
        )
    return bytes(calendar.to_ical())


def meetings_ics(
    meetings: Iterable[Meeting], *, name: str, online_link: Callable[[Meeting], bool]
) -> bytes:
    """A calendar (no METHOD: a published feed) with one event per meeting; the online
    link of a meeting is written when ``online_link(meeting)`` is true. DTSTAMP is each
    meeting's last change, so an unchanged meeting serializes identically."""
    meetings = list(meetings)
    calendar = _calendar(name)
    calendar.add("x-published-ttl", timedelta(hours=1))
    for meeting in meetings:
        calendar.add_component(
            _event(meeting, online_link=online_link(meeting), stamp=meeting.updated_at)
        )
    return _finish(calendar, meetings)


def meeting_ics(meeting: Meeting, *, viewer: Actor) -> bytes:
    """One meeting as a calendar for ``viewer``; the online link only if they may see it."""
    return meetings_ics(
        [meeting],
        name=meeting.title,
        online_link=lambda m: permissions.can_view_online_link(viewer, m),
    )


def feed_ics(meetings: Iterable[Meeting], *, viewer: Actor) -> bytes:
    """The public feed (``viewer`` a visitor) or ``viewer``'s personal feed."""
    if not viewer.is_authenticated:
        name = _("%(network)s: meetings") % {"network": settings.NETWORK_NAME}
    else:
        name = _("%(network)s: my meetings") % {"network": settings.NETWORK_NAME}
    return meetings_ics(
        meetings,
        name=name,
        online_link=lambda m: permissions.can_view_online_link(viewer, m),
    )


def _address(email: str, name: str, **parameters: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = _text(name).replace("\n", " ")
    for key, value in parameters.items():
        address.params[key.replace("_", "-").upper()] = value
    return address


def invitation_ics(
    meeting: Meeting, *, method: Literal["REQUEST", "CANCEL"], invitee: Invitee
) -> bytes:
    """A one-event calendar with ``METHOD:<method>`` addressed to ``invitee`` (ATTENDEE),
    with the meeting's UID and SEQUENCE, for attaching to an invitation or cancellation.

    The invitee gets the online link. ORGANIZER is ``DEFAULT_FROM_EMAIL``; ATTENDEE carries
    the invitee's answer as PARTSTAT and ``RSVP=TRUE``. A CANCEL has ``STATUS:CANCELLED``;
    the caller raises ``meeting.ical_sequence`` before sending either after a change.
    """
    if method not in {"REQUEST", "CANCEL"}:
        raise ValueError(method)
    calendar = _calendar(meeting.title, method=method)
    event = _event(meeting, online_link=True, stamp=timezone.now(), cancelled=method == "CANCEL")
    organizer_name, organizer_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    event.add("organizer", _address(organizer_email, organizer_name))
    person = invitee.person
    if person.email:
        event.add(
            "attendee",
            _address(
                person.email,
                person.full_name,
                cutype="INDIVIDUAL",
                role="REQ-PARTICIPANT",
                partstat=_PARTSTAT.get(Rsvp(invitee.rsvp), "NEEDS-ACTION"),
                rsvp="TRUE",
            ),
        )
    calendar.add_component(event)
    return _finish(calendar, [meeting])
