"""The events of meetings and minutes, told through the outbox (:mod:`minka.notifications`).

Kinds (registered when the app is ready):

- ``meetings.scheduled``, ``meetings.changed`` (date, time, place, modality or link),
  ``meetings.cancelled``: to the members who may see the meeting, the followers of its
  series who may see it, and its invitees; announced to group chats and webhooks when the
  meeting is public. Invitees get the iCalendar ``REQUEST`` or ``CANCEL`` of the change
  attached, as the invitation emails always did (they replace them).
- ``meetings.invitation``: to one invitee, with the calendar request and the signed RSVP
  links; ``meetings.reminder_7d`` and ``meetings.reminder_1d``: to the invitees (and those
  who signed up themselves) who did not answer "no", raised by the clock
  (:func:`meeting_reminders`).
- ``minutes.review_opened``, ``minutes.approved``, ``minutes.published``: raised by
  :mod:`minka.meetings.minutes.notices`; publication is announced when the minutes are
  public.

An invitee is a directory person: one with an active account is written to as that
person (their channels and preferences); one without is a guest, written to by email at the
directory's address with the invitee's id only. The one who caused a change is not written
to.

Renderers run at delivery, in the recipient's language, and look again at who may see what:
a person who may no longer see the meeting (or the minutes) gets nothing, a group chat or a
webhook gets only what is public, and the online link goes only to invitees and to members
(:func:`minka.meetings.permissions.can_view_online_link`), never to the public.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.mime.text import MIMEText
from typing import TYPE_CHECKING, Any, Literal, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts.models import User
from minka.core.roles import Role, role_of
from minka.core.urls_util import absolute_url
from minka.core.visibility import Visibility
from minka.directory.models import Person
from minka.documents.notifications import Place, documents_added, place_register
from minka.meetings import permissions
from minka.meetings.ical import invitation_ics
from minka.meetings.minutes.models import Minutes
from minka.meetings.models import Attendance, Invitee, Meeting, Rsvp
from minka.notifications.kinds import Channel, EventKind, Notice, RenderContext, kind_register
from minka.notifications.schedule import planner_register
from minka.notifications.services import follower_ids, notify

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from django.db.models import QuerySet

    from minka.core.types import Actor
    from minka.documents.models import Document
    from minka.notifications.services import Param

MEETING_SCHEDULED = "meetings.scheduled"
MEETING_CHANGED = "meetings.changed"
MEETING_CANCELLED = "meetings.cancelled"
MEETING_INVITATION = "meetings.invitation"
MEETING_REMINDER_7D = "meetings.reminder_7d"
MEETING_REMINDER_1D = "meetings.reminder_1d"
MINUTES_REVIEW_OPENED = "minutes.review_opened"
MINUTES_APPROVED = "minutes.approved"
MINUTES_PUBLISHED = "minutes.published"

SERIES_TARGET = "meetings.series"

# The reminders: (label, kind, the window before the start, as (after, up to and including)).
REMINDERS: tuple[tuple[str, str, timedelta, timedelta], ...] = (
    ("7d", MEETING_REMINDER_7D, timedelta(days=6), timedelta(days=7)),
    ("1d", MEETING_REMINDER_1D, timedelta(0), timedelta(days=1)),
)

ICS_FILENAME = "invitacion.ics"


# --- Audiences ---------------------------------------------------------------------------


class RoleStandIn:
    """A stand-in active account of one role: the visibility rules read only the role, so
    asking them about it answers for every account of that role (one query instead of one
    per person)."""

    is_authenticated = True
    is_active = True

    def __init__(self, role: str) -> None:
        self.role = role

    def as_actor(self) -> Actor:
        return cast("Actor", self)


def member_roles(allowed: Callable[[Actor], bool]) -> list[str]:
    """The member roles (member, coordinator, admin) for which ``allowed`` holds."""
    return [
        role
        for role in User.Role.values
        if role_of(RoleStandIn(role)) >= Role.MEMBER and allowed(RoleStandIn(role).as_actor())
    ]


def members_who_may_see(meeting: Meeting) -> QuerySet[User]:
    """The active members, coordinators and admins who may see ``meeting``."""
    roles = member_roles(lambda actor: permissions.can_view_meeting(actor, meeting))
    return User.objects.filter(is_active=True, role__in=roles)


def series_followers(meeting: Meeting, allowed: Callable[[User], bool]) -> list[User]:
    """The active followers of ``meeting``'s series for whom ``allowed`` holds."""
    if meeting.series_id is None:
        return []
    ids = follower_ids((SERIES_TARGET, meeting.series_id))
    if not ids:
        return []
    return [user for user in User.objects.filter(pk__in=ids, is_active=True) if allowed(user)]


def invitee_recipients(invitees: Iterable[Invitee]) -> tuple[list[User], list[dict[str, Param]]]:
    """Split ``invitees`` into the accounts written to as persons and the guests written to
    at the directory's address; anonymized people and guests without an address drop out.
    ``invitees`` come with ``person__user``."""
    users: list[User] = []
    guests: list[dict[str, Param]] = []
    for invitee in invitees:
        person = invitee.person
        if person.status == Person.Status.ANONYMIZED:
            continue
        if person.user is not None and person.user.is_active:
            users.append(person.user)
        elif person.email:
            guests.append({"invitee_id": invitee.pk})
    return users, guests


def _id(params: dict[str, Any], name: str) -> int | None:
    value = params.get(name)
    return value if isinstance(value, int) else None


def _timestamp(moment: datetime) -> str:
    return f"{moment.timestamp():.6f}"


def _is_news(meeting: Meeting) -> bool:
    """A meeting that is over is a record, not news: its scheduling or changes (an import, a
    correction after the fact) are not told."""
    return meeting.ends_at > timezone.now()


def _meeting_event(kind: str, *, meeting: Meeting, actor: User | None, key: str) -> int:
    users = {user.pk: user for user in members_who_may_see(meeting)}
    for user in series_followers(meeting, lambda u: permissions.can_view_meeting(u, meeting)):
        users[user.pk] = user
    invited, guests = invitee_recipients(meeting.invitees.select_related("person__user"))
    for user in invited:
        users[user.pk] = user
    return notify(
        kind,
        key=key,
        params={"meeting_id": meeting.pk},
        users=users.values(),
        guests=guests,
        announce=_is_public(meeting),
        exclude=actor,
    )


def meeting_scheduled(*, meeting: Meeting, actor: User | None) -> int:
    """Tell of a new meeting (inside the transaction that created it); nothing for one
    that is already over. Returns the messages offered."""
    if not _is_news(meeting) or meeting.is_cancelled:
        return 0
    key = f"meeting:{meeting.pk}:scheduled"
    return _meeting_event(MEETING_SCHEDULED, meeting=meeting, actor=actor, key=key)


def meeting_changed(*, meeting: Meeting, actor: User | None) -> int:
    """Tell that ``meeting`` moved or changed its place, modality or link (after it was
    saved: the key names this change by its ``updated_at``)."""
    if not _is_news(meeting):
        return 0
    key = f"meeting:{meeting.pk}:changed:{_timestamp(meeting.updated_at)}"
    return _meeting_event(MEETING_CHANGED, meeting=meeting, actor=actor, key=key)


def meeting_cancelled(*, meeting: Meeting, actor: User | None) -> int:
    """Tell that ``meeting`` was cancelled (invitees get the calendar ``CANCEL``)."""
    if not _is_news(meeting):
        return 0
    key = f"meeting:{meeting.pk}:cancelled"
    return _meeting_event(MEETING_CANCELLED, meeting=meeting, actor=actor, key=key)


def invitation_sent(*, invitee: Invitee, resent_at: datetime | None = None) -> int:
    """Send ``invitee`` their invitation; ``resent_at`` names a resend (a new event). An
    invitation is addressed to one person: whoever invited them (even themselves) gets it."""
    key = f"meeting:{invitee.meeting_id}:invitation:{invitee.pk}"
    if resent_at is not None:
        key = f"{key}:resent:{_timestamp(resent_at)}"
    users, guests = invitee_recipients([invitee])
    return notify(
        MEETING_INVITATION,
        key=key,
        params={"meeting_id": invitee.meeting_id, "invitee_id": invitee.pk},
        users=users,
        guests=guests,
    )


def _to_remind(meeting: Meeting) -> tuple[list[User], list[dict[str, Param]]]:
    """The invitees (and people who signed up themselves) who did not answer "no", and the
    accounts of the people already recorded as attending."""
    invitees = meeting.invitees.exclude(rsvp=Rsvp.NO).select_related("person__user")
    users, guests = invitee_recipients(invitees)
    attending = Attendance.objects.filter(
        meeting=meeting, person__user__is_active=True
    ).select_related("person__user")
    known = {user.pk for user in users}
    for attendance in attending:
        user = attendance.person.user if attendance.person is not None else None
        if user is not None and user.pk not in known:
            users.append(user)
            known.add(user.pk)
    return users, guests


@planner_register
def meeting_reminders(now: datetime) -> int:
    """Raise the reminders due at ``now``: a week before (a start in (6, 7] days) and the
    day before (a start in (0, 1] day), for meetings not cancelled. The keys name the
    meeting and the reminder, so running this every few seconds sends each once; a person
    invited inside a window still gets that window's reminder."""
    offered = 0
    for label, kind, after, until in REMINDERS:
        meetings = (
            Meeting.objects.filter(starts_at__gt=now + after, starts_at__lte=now + until)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("starts_at", "pk")
        )
        for meeting in meetings:
            users, guests = _to_remind(meeting)
            if not users and not guests:
                continue
            offered += notify(
                kind,
                key=f"meeting:{meeting.pk}:reminder:{label}",
                params={"meeting_id": meeting.pk},
                users=users,
                guests=guests,
                now=now,
            )
    return offered


# --- Rendering: meetings -----------------------------------------------------------------


def _is_public(meeting: Meeting) -> bool:
    series = meeting.series
    return meeting.visibility == Visibility.PUBLIC and (
        series is None or series.visibility == Visibility.PUBLIC
    )


def _local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def _when(meeting: Meeting) -> str:
    return formats.date_format(_local(meeting.starts_at), "DATETIME_FORMAT")


@dataclass(frozen=True)
class Reader:
    """Who a message about a meeting is for, as the renderer finds them at delivery: the
    public, a person (with their invitation, if any) or a guest invitee."""

    public: bool
    user: User | None
    invitee: Invitee | None
    online_link: bool

    @property
    def name(self) -> str:
        if self.invitee is not None:
            return self.invitee.person.full_name
        if self.user is not None:
            return self.user.full_name or self.user.email
        return ""


def _invitee_for(params: dict[str, Any], meeting: Meeting, user: User | None) -> Invitee | None:
    invitees = Invitee.objects.select_related("person", "organization").filter(meeting=meeting)
    invitee_id = _id(params, "invitee_id")
    if user is None:
        if invitee_id is None:
            return None
        invitee = invitees.filter(pk=invitee_id).first()
        if invitee is None or not invitee.person.email:
            return None
        if invitee.person.status == Person.Status.ANONYMIZED:
            return None
        return invitee
    invitees = invitees.filter(person__user=user)
    if invitee_id is not None:
        invitees = invitees.filter(pk=invitee_id)
    return invitees.first()


def meeting_reader(
    params: dict[str, Any], context: RenderContext, meeting: Meeting
) -> Reader | None:
    """Who ``context`` is for ``meeting`` now, or ``None`` if they may not be told of it."""
    if context.public:
        if not _is_public(meeting):
            return None
        return Reader(public=True, user=None, invitee=None, online_link=False)
    user = context.user
    invitee = _invitee_for(params, meeting, user)
    if user is None:
        if invitee is None:
            return None
        return Reader(public=False, user=None, invitee=invitee, online_link=True)
    if invitee is None and not permissions.can_view_meeting(user, meeting):
        return None
    online = invitee is not None or permissions.can_view_online_link(user, meeting)
    return Reader(public=False, user=user, invitee=invitee, online_link=online)


def ics_part(meeting: Meeting, *, method: Literal["REQUEST", "CANCEL"], invitee: Invitee) -> Any:
    """The invitee's calendar message, as calendar programs expect it
    (``text/calendar; method=…``, attached as ``invitacion.ics``)."""
    ics = invitation_ics(meeting, method=method, invitee=invitee).decode()
    part = MIMEText(ics, "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename=ICS_FILENAME)
    return part


@dataclass(frozen=True)
class MeetingMessage:
    """How one kind tells of a meeting: its subject and first sentence, whether the
    details are full (agenda, link) and what invitees get besides (a calendar message,
    RSVP links)."""

    kind: str
    subject: Callable[[Meeting], str]
    headline: Callable[[Meeting, Reader], str]
    full_details: bool = True
    ics: Literal["REQUEST", "CANCEL", ""] = ""
    rsvp: Literal["all", "one", ""] = ""
    invitees_only: bool = False
    reason: Callable[[], str] | None = None


def _payload(kind: str, meeting: Meeting, url: str) -> dict[str, Any]:
    return {
        "event": kind,
        "meeting": str(meeting.public_id),
        "title": meeting.title,
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "status": meeting.status,
        "url": url,
    }


def _render_meeting(
    spec: MeetingMessage, params: dict[str, Any], context: RenderContext
) -> Notice | None:
    meeting_id = _id(params, "meeting_id")
    if meeting_id is None:
        return None
    meeting = (
        Meeting.objects.select_related("series")
        .prefetch_related("agenda_items")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        return None
    cancelled_kind = spec.kind == MEETING_CANCELLED
    if meeting.is_cancelled != cancelled_kind or meeting.is_over:
        return None
    reader = meeting_reader(params, context, meeting)
    if reader is None or (spec.invitees_only and reader.invitee is None):
        return None
    from minka.meetings.services import invitations

    invitee = reader.invitee
    page = absolute_url(meeting.get_absolute_url())
    may_open_page = reader.public or (
        reader.user is not None and permissions.can_view_meeting(reader.user, meeting)
    )
    url = page if may_open_page or invitee is None else invitations.rsvp_url(invitee)
    answerable = invitee is not None and not meeting.is_cancelled
    subject = spec.subject(meeting)
    ctx = {
        "kind": spec.kind,
        "meeting": meeting,
        "subject": subject,
        "headline": spec.headline(meeting, reader),
        "name": "" if reader.public else reader.name,
        "when": _when(meeting),
        "until": formats.time_format(_local(meeting.ends_at), "TIME_FORMAT"),
        "full_details": spec.full_details,
        "online_url": meeting.online_url if reader.online_link and spec.full_details else "",
        "agenda": [item.title for item in meeting.agenda_items.all()] if spec.full_details else [],
        "rsvp_urls": (
            {answer: invitations.rsvp_url(invitee, answer) for answer in invitations.ANSWERS}
            if answerable and invitee is not None and spec.rsvp == "all"
            else {}
        ),
        "rsvp_url": (
            invitations.rsvp_url(invitee)
            if answerable and invitee is not None and spec.rsvp == "one"
            else ""
        ),
        "ics": bool(spec.ics) and invitee is not None,
        "reason": spec.reason() if spec.reason is not None and invitee is not None else "",
        "guest": reader.user is None and not reader.public,
        "url": url,
        "page_link": url == page,
        "base_url": settings.BASE_URL,
    }
    attachments = []
    if spec.ics and invitee is not None and context.channel == Channel.EMAIL:
        attachments.append(ics_part(meeting, method=spec.ics, invitee=invitee))
    return Notice(
        subject=subject,
        text=render_to_string("meetings/notifications/meeting.txt", ctx).strip(),
        html=render_to_string("meetings/notifications/meeting.html", ctx),
        telegram=render_to_string("notifications/telegram/meetings_meeting.html", ctx).strip(),
        url=url,
        payload=_payload(spec.kind, meeting, page),
        attachments=attachments,
        to=invitee.person.email if invitee is not None and reader.user is None else "",
    )


def _invited_by(meeting: Meeting, reader: Reader) -> str:
    invitee = reader.invitee
    if invitee is not None and invitee.organization is not None:
        return _(
            "The coordination team of %(network)s invites you to this meeting, as part of "
            "%(organization)s."
        ) % {"network": settings.NETWORK_NAME, "organization": invitee.organization.name}
    return _("The coordination team of %(network)s invites you to this meeting.") % {
        "network": settings.NETWORK_NAME
    }


def _invited_reason() -> str:
    return _(
        "You receive this message because a coordinator invited you. If you do not want to "
        "attend, answer “No”; to stop receiving invitations, write to the coordination team."
    )


def _invitee_reason() -> str:
    return _("You receive this message because a coordinator invited you to this meeting.")


MEETING_MESSAGES = {
    spec.kind: spec
    for spec in (
        MeetingMessage(
            kind=MEETING_SCHEDULED,
            subject=lambda m: _("New meeting: %(title)s") % {"title": m.title},
            headline=lambda m, r: (
                _("A new meeting was scheduled: “%(title)s”.") % {"title": m.title}
            ),
        ),
        MeetingMessage(
            kind=MEETING_CHANGED,
            subject=lambda m: _("Meeting updated: %(title)s") % {"title": m.title},
            headline=lambda m, r: (
                _("The meeting “%(title)s” has changed. These are its details now:")
                % {"title": m.title}
            ),
            ics="REQUEST",
            rsvp="one",
            reason=_invitee_reason,
        ),
        MeetingMessage(
            kind=MEETING_CANCELLED,
            subject=lambda m: _("Meeting cancelled: %(title)s") % {"title": m.title},
            headline=lambda m, r: (
                _("The meeting “%(title)s” of %(when)s (Lima time) was cancelled.")
                % {"title": m.title, "when": _when(m)}
            ),
            full_details=False,
            ics="CANCEL",
            reason=_invitee_reason,
        ),
        MeetingMessage(
            kind=MEETING_INVITATION,
            subject=lambda m: _("Invitation: %(title)s") % {"title": m.title},
            headline=_invited_by,
            ics="REQUEST",
            rsvp="all",
            invitees_only=True,
            reason=_invited_reason,
        ),
        MeetingMessage(
            kind=MEETING_REMINDER_7D,
            subject=lambda m: (
                _("Reminder: %(title)s, %(date)s")
                % {"title": m.title, "date": formats.date_format(_local(m.starts_at))}
            ),
            headline=lambda m, r: _("The meeting “%(title)s” is in one week.") % {"title": m.title},
            rsvp="one",
            reason=_invitee_reason,
        ),
        MeetingMessage(
            kind=MEETING_REMINDER_1D,
            subject=lambda m: (
                _("Reminder: %(title)s, %(date)s")
                % {"title": m.title, "date": formats.date_format(_local(m.starts_at))}
            ),
            headline=lambda m, r: (
                _("The meeting “%(title)s” starts in less than 24 hours.") % {"title": m.title}
            ),
            rsvp="one",
            reason=_invitee_reason,
        ),
    )
}


def _renderer(kind: str) -> Callable[[dict[str, Any], RenderContext], Notice | None]:
    spec = MEETING_MESSAGES[kind]

    def render(params: dict[str, Any], context: RenderContext) -> Notice | None:
        return _render_meeting(spec, params, context)

    render.__name__ = render.__qualname__ = f"render_{kind.replace('.', '_')}"
    return render


# --- Rendering: minutes ------------------------------------------------------------------


@dataclass(frozen=True)
class MinutesMessage:
    kind: str
    statuses: tuple[str, ...]
    subject: Callable[[Minutes], str]
    headline: Callable[[Minutes], str]
    # Guests (invitees without an account) and the public are told only of what is public.
    public: bool = False
    reason: Callable[[], str] | None = None


def minutes_public(minutes: Minutes) -> bool:
    """Whether the public may read ``minutes`` (published for everyone, public meeting)."""
    return minutes.visibility == Visibility.PUBLIC and _is_public(minutes.meeting)


def _minutes_reader(
    spec: MinutesMessage, params: dict[str, Any], context: RenderContext, minutes: Minutes
) -> tuple[bool, str, str] | None:
    """``(public, name, guest address)`` of who ``context`` is, if they may be told."""
    if context.public:
        return (True, "", "") if spec.public and minutes_public(minutes) else None
    user = context.user
    if user is None:
        if not spec.public or not minutes_public(minutes):
            return None
        invitee = _invitee_for(params, minutes.meeting, None)
        if invitee is None:
            return None
        return False, invitee.person.full_name, invitee.person.email
    if not permissions.can_view_minutes(user, minutes):
        return None
    return False, user.full_name or user.email, ""


def _render_minutes(
    spec: MinutesMessage, params: dict[str, Any], context: RenderContext
) -> Notice | None:
    minutes_id = _id(params, "minutes_id")
    if minutes_id is None:
        return None
    minutes = Minutes.objects.select_related("meeting__series").filter(pk=minutes_id).first()
    if minutes is None or minutes.status not in spec.statuses:
        return None
    reader = _minutes_reader(spec, params, context, minutes)
    if reader is None:
        return None
    public, name, address = reader
    meeting = minutes.meeting
    url = absolute_url(minutes.get_absolute_url())
    deadline = minutes.review_deadline if minutes.status == Minutes.Status.REVIEW else None
    subject = spec.subject(minutes)
    ctx = {
        "kind": spec.kind,
        "minutes": minutes,
        "meeting": meeting,
        "subject": subject,
        "headline": spec.headline(minutes),
        "name": name,
        "when": _when(meeting),
        "deadline": formats.date_format(_local(deadline), "DATETIME_FORMAT") if deadline else "",
        "reason": spec.reason() if spec.reason is not None and not public else "",
        "guest": bool(address),
        "url": url,
        "base_url": settings.BASE_URL,
    }
    return Notice(
        subject=subject,
        text=render_to_string("meetings/notifications/minutes.txt", ctx).strip(),
        html=render_to_string("meetings/notifications/minutes.html", ctx),
        telegram=render_to_string("notifications/telegram/meetings_minutes.html", ctx).strip(),
        url=url,
        payload={
            "event": spec.kind,
            "meeting": str(meeting.public_id),
            "title": meeting.title,
            "starts_at": meeting.starts_at.isoformat(),
            "status": minutes.status,
            "published_at": minutes.published_at.isoformat() if minutes.published_at else None,
            "url": url,
        },
        to=address,
    )


MINUTES_MESSAGES = {
    spec.kind: spec
    for spec in (
        MinutesMessage(
            kind=MINUTES_REVIEW_OPENED,
            statuses=(Minutes.Status.REVIEW,),
            subject=lambda m: _("Minutes to review: %(title)s") % {"title": m.meeting.title},
            headline=lambda m: (
                _(
                    "The minutes of the meeting “%(title)s” are open for review. Please read them "
                    "and send your observations, if any, from the minutes page."
                )
                % {"title": m.meeting.title}
            ),
            reason=lambda: _(
                "You receive this message because you may review the minutes of the "
                "network's meetings (as a member, or because you attended this meeting)."
            ),
        ),
        MinutesMessage(
            kind=MINUTES_APPROVED,
            statuses=(Minutes.Status.APPROVED, Minutes.Status.PUBLISHED),
            subject=lambda m: _("Minutes approved: %(title)s") % {"title": m.meeting.title},
            headline=lambda m: (
                _("The minutes of the meeting “%(title)s” were approved.")
                % {"title": m.meeting.title}
            ),
        ),
        MinutesMessage(
            kind=MINUTES_PUBLISHED,
            statuses=(Minutes.Status.PUBLISHED,),
            subject=lambda m: _("Minutes published: %(title)s") % {"title": m.meeting.title},
            headline=lambda m: (
                _("The minutes of the meeting “%(title)s” were approved and published.")
                % {"title": m.meeting.title}
            ),
            public=True,
        ),
    )
}


def _minutes_renderer(kind: str) -> Callable[[dict[str, Any], RenderContext], Notice | None]:
    spec = MINUTES_MESSAGES[kind]

    def render(params: dict[str, Any], context: RenderContext) -> Notice | None:
        return _render_minutes(spec, params, context)

    render.__name__ = render.__qualname__ = f"render_{kind.replace('.', '_')}"
    return render


# --- Documents put on a meeting's agenda ------------------------------------------------


def describe_meeting_place(meeting_id: int, context: RenderContext) -> Place | None:
    """Name the meeting a document was put on, for ``documents.added`` (registered with the
    documents' notices): nothing when the meeting is gone or the reader may not see it."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return None
    reader: Actor = context.user if context.user is not None else AnonymousUser()
    if not permissions.can_view_meeting(reader, meeting):
        return None
    text = _("It is on the agenda of “%(meeting)s”, on %(date)s.") % {
        "meeting": meeting.title,
        "date": formats.date_format(_local(meeting.starts_at)),
    }
    return Place(
        text=text,
        url=absolute_url(meeting.get_absolute_url()),
        public_id=str(meeting.public_id),
    )


def agenda_documents_added(*, actor: User, meeting: Meeting, documents: list[Document]) -> int:
    """Tell the followers of the meeting's series that ``documents`` were put on its agenda
    (in the transaction that linked them)."""
    return documents_added(
        documents=documents,
        actor=actor,
        place=("meeting", meeting.pk),
        targets=[("meetings.series", meeting.series_id)] if meeting.series_id else [],
    )


# --- Registration ------------------------------------------------------------------------

MEETINGS_GROUP = gettext_lazy("Meetings")
MINUTES_GROUP = gettext_lazy("Minutes of meetings")

KINDS = (
    (MEETING_SCHEDULED, gettext_lazy("A meeting is scheduled"), True),
    (MEETING_CHANGED, gettext_lazy("A meeting changes its date, place or link"), True),
    (MEETING_CANCELLED, gettext_lazy("A meeting is cancelled"), True),
    (MEETING_INVITATION, gettext_lazy("You are invited to a meeting"), False),
    (MEETING_REMINDER_7D, gettext_lazy("Reminder one week before a meeting"), False),
    (MEETING_REMINDER_1D, gettext_lazy("Reminder the day before a meeting"), False),
)
MINUTES_KINDS = (
    (MINUTES_REVIEW_OPENED, gettext_lazy("Minutes are open for review"), False),
    (MINUTES_APPROVED, gettext_lazy("Minutes are approved"), False),
    (MINUTES_PUBLISHED, gettext_lazy("Minutes are published"), True),
)


# What a person gets whatever their consent to news (SECURITY.md R9): what concerns a meeting
# they are invited to, minutes they are asked to review, and the publication of the minutes
# of their meeting (as invitations always were). A new meeting is news.
TRANSACTIONAL = {
    MINUTES_PUBLISHED,
    MEETING_CHANGED,
    MEETING_CANCELLED,
    MEETING_INVITATION,
    MEETING_REMINDER_7D,
    MEETING_REMINDER_1D,
    MINUTES_REVIEW_OPENED,
    MINUTES_APPROVED,
}


def register() -> None:
    """Register the kinds (again on a reload: the newest registration wins)."""
    for code, label, announce in KINDS:
        kind_register(
            EventKind(
                code=code,
                label=label,
                group=MEETINGS_GROUP,
                render=_renderer(code),
                announce=announce,
                transactional=code in TRANSACTIONAL,
            )
        )
    for code, label, announce in MINUTES_KINDS:
        kind_register(
            EventKind(
                code=code,
                label=label,
                group=MINUTES_GROUP,
                render=_minutes_renderer(code),
                announce=announce,
                transactional=code in TRANSACTIONAL,
            )
        )


register()
place_register("meeting", describe_meeting_place)
