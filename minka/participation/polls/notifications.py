"""What date polls tell people (registered through ``polls/registrations.py``).

- ``participation.datepoll_opened``: a coordinator opened a poll; to the members (and
  coordinators, admins) who may answer it, except its author; a public poll is also
  announced to group chats and webhooks that chose it.
- ``participation.datepoll_chosen``: a date was chosen; to everyone who answered, except
  who chose. The meeting's own ``meetings.scheduled`` and its invitations say the rest.
- ``participation.datepoll_reminder``: the day before answers close, to the members who may
  answer and have not (raised by the planner :func:`polls_plan`, once per closing time).

Renderers look again at delivery: a poll gone, hidden from the recipient, no longer open (for
the opening and the reminder) or not scheduled (for the choice) says nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts.models import User
from minka.core.urls_util import absolute_url
from minka.core.visibility import Visibility
from minka.notifications.kinds import EventKind, Notice, RenderContext, kind_register
from minka.notifications.schedule import planner_register
from minka.notifications.services import notify
from minka.participation.polls import permissions
from minka.participation.polls.models import DateAnswer, DatePoll

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from minka.core.types import Actor

POLL_OPENED = "participation.datepoll_opened"
DATE_CHOSEN = "participation.datepoll_chosen"
POLL_REMINDER = "participation.datepoll_reminder"
REMINDER_BEFORE = timedelta(days=1)


# --- Who ---------------------------------------------------------------------------------


def members_who_may_answer(poll: DatePoll) -> QuerySet[User]:
    """The active members, coordinators and admins who may see (so answer) ``poll``. A
    public poll is open to any account, but only the network's members are written to."""
    roles = [User.Role.COORDINATOR, User.Role.ADMIN]
    if poll.visibility != Visibility.COORDINATORS:
        roles.append(User.Role.MEMBER)
    return User.objects.filter(is_active=True, role__in=roles)


def respondents(poll: DatePoll) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, pk__in=DateAnswer.objects.filter(option__poll=poll).values("user_id")
    )


def poll_opened(*, poll: DatePoll, actor: User) -> int:
    """Tell who may answer that ``poll`` is open (in the creating service's transaction)."""
    return notify(
        POLL_OPENED,
        key=f"datepoll:{poll.pk}:opened",
        params={"poll": poll.pk},
        users=members_who_may_answer(poll),
        announce=poll.visibility == Visibility.PUBLIC,
        exclude=actor,
    )


def date_chosen(*, poll: DatePoll, actor: User) -> int:
    """Tell the respondents which date was chosen (in the choosing service's transaction)."""
    return notify(
        DATE_CHOSEN,
        key=f"datepoll:{poll.pk}:chosen",
        params={"poll": poll.pk},
        users=respondents(poll),
        exclude=actor,
    )


@planner_register
def polls_plan(now: datetime) -> int:
    """Remind the members who have not answered, once per closing time, during the last
    day before an open poll closes."""
    offered = 0
    soon = DatePoll.objects.filter(
        status=DatePoll.Status.OPEN, closes_at__gt=now, closes_at__lte=now + REMINDER_BEFORE
    )
    for poll in soon.order_by("closes_at", "pk"):
        assert poll.closes_at is not None  # noqa: S101 (filtered above; narrows the type)
        answered = DateAnswer.objects.filter(option__poll=poll).values("user_id")
        offered += notify(
            POLL_REMINDER,
            key=f"datepoll:{poll.pk}:reminder:{poll.closes_at.isoformat()}",
            params={"poll": poll.pk},
            users=members_who_may_answer(poll).exclude(pk__in=answered),
            now=now,
        )
    return offered


# --- What --------------------------------------------------------------------------------


def _pk(value: Any) -> int:
    return value if isinstance(value, int) else 0


def _viewer(context: RenderContext) -> Actor | None:
    if context.public:
        return AnonymousUser()
    return context.user


def _when(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _render(kind: str, params: dict[str, Any], context: RenderContext) -> Notice | None:
    viewer = _viewer(context)
    poll = (
        DatePoll.objects.select_related("chosen", "meeting")
        .filter(pk=_pk(params.get("poll")))
        .first()
    )
    if viewer is None or poll is None or not permissions.can_view_poll(viewer, poll):
        return None
    if context.public and poll.visibility != Visibility.PUBLIC:
        return None
    values = {"title": poll.title}
    if kind == DATE_CHOSEN:
        if poll.status != DatePoll.Status.SCHEDULED or poll.chosen is None:
            return None
        values["date"] = _when(poll.chosen.starts_at)
        subject = _("Date chosen: %(title)s") % values
        headline = _("The meeting “%(title)s” will be held on %(date)s.") % values
        target = poll.meeting.get_absolute_url() if poll.meeting else poll.get_absolute_url()
    else:
        if not poll.is_open:
            return None
        if kind == POLL_REMINDER:
            assert poll.closes_at is not None  # noqa: S101 (a reminder needs a closing time)
            values["date"] = _when(poll.closes_at)
            subject = _("Answers close soon: %(title)s") % values
            headline = _("Answers to the date poll for “%(title)s” close on %(date)s.") % values
        else:
            subject = _("When can you meet? %(title)s") % values
            headline = _("Say which dates suit you for the meeting “%(title)s”.") % values
        target = poll.get_absolute_url()
    url = absolute_url(target)
    options = [_when(o.starts_at) for o in poll.options.order_by("starts_at", "pk")]
    ctx = {"subject": subject, "headline": headline, "url": url, "options": options}
    name = "datepoll_chosen" if kind == DATE_CHOSEN else "datepoll_opened"
    return Notice(
        subject=subject,
        text=render_to_string(f"participation/emails/{name}_body.txt", ctx).strip(),
        html=render_to_string(f"participation/emails/{name}_body.html", ctx),
        url=url,
        payload={
            "event": kind,
            "poll": str(poll.public_id),
            "title": poll.title,
            "status": poll.status,
            "url": url,
        },
    )


def render_opened(params: dict[str, Any], context: RenderContext) -> Notice | None:
    return _render(POLL_OPENED, params, context)


def render_chosen(params: dict[str, Any], context: RenderContext) -> Notice | None:
    return _render(DATE_CHOSEN, params, context)


def render_reminder(params: dict[str, Any], context: RenderContext) -> Notice | None:
    return _render(POLL_REMINDER, params, context)


GROUP = gettext_lazy("Participation")

kind_register(
    EventKind(
        code=POLL_OPENED,
        label=gettext_lazy("A date poll for a meeting is opened"),
        group=GROUP,
        render=render_opened,
        announce=True,
    )
)
kind_register(
    EventKind(
        code=DATE_CHOSEN,
        label=gettext_lazy("The date of a meeting I answered a poll for is chosen"),
        group=GROUP,
        render=render_chosen,
    )
)
kind_register(
    EventKind(
        code=POLL_REMINDER,
        label=gettext_lazy("A date poll I have not answered closes tomorrow"),
        group=GROUP,
        render=render_reminder,
    )
)
