"""What the agreements app tells people: commitments coming due, overdue, and progress
updates posted on them (registered in ``AgreementsConfig.ready``).

- ``agreements.due_7d``, ``agreements.due_1d``, ``agreements.overdue``: raised by the
  planner :func:`commitments_plan` (run by the outbox worker) for the open commitments whose
  due date is near or just passed, to their responsible people: the members of the
  responsible organizations and the responsible persons, with an account and allowed to see
  the commitment. A public commitment's "due in 7 days" and "overdue" also go to the
  network's group chats and webhooks that chose them ("agreements due").
- ``agreements.update_posted``: raised by :func:`minka.agreements.services.update_post`,
  to the commitment's followers: there is no "follow a commitment", so they are its
  responsible people and the followers of its responsible organizations, except the author.

Each occurrence has its key (``commitment:12:due_7d:2026-11-20``): the planner may run every
few seconds, on several workers, and a reminder still goes once; a new deadline makes new
reminders. Renderers look again at delivery: a commitment closed, rescheduled, hidden or no
longer the recipient's says nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts.models import User
from minka.agreements import permissions
from minka.agreements.models import Commitment, CommitmentUpdate
from minka.core.urls_util import absolute_url
from minka.core.visibility import Visibility, can_see
from minka.directory.selectors import organizations_visible_to
from minka.notifications.kinds import EventKind, Notice, RenderContext, kind_register
from minka.notifications.schedule import planner_register
from minka.notifications.services import follower_ids, notify

if TYPE_CHECKING:
    from datetime import datetime

    from minka.core.types import Actor

DUE_7D = "agreements.due_7d"
DUE_1D = "agreements.due_1d"
OVERDUE = "agreements.overdue"
UPDATE_POSTED = "agreements.update_posted"
DUE_KINDS = (DUE_7D, DUE_1D, OVERDUE)

# "Due in 7 days" covers 2 to 7 days ahead (a commitment created or rescheduled 5 days
# before its deadline still gets it); "due tomorrow" covers tomorrow and today.
DUE_SOON_DAYS = 7
# A deadline passed longer ago than this raises no "overdue" message: the first run after
# an upgrade, or a worker stopped for weeks, does not flood people with old deadlines.
OVERDUE_WINDOW_DAYS = 7
TEXT_EXCERPT = 500


# --- Who ---------------------------------------------------------------------------------


def responsible_users(commitment: Commitment) -> list[User]:
    """The active accounts responsible for ``commitment`` that may see it: members of its
    responsible organizations and its responsible persons (their own directory record)."""
    users = User.objects.filter(
        Q(memberships__organization__commitments=commitment) | Q(person__commitments=commitment),
        is_active=True,
    ).distinct()
    return [user for user in users if permissions.can_view_commitment(user, commitment)]


def follower_users(commitment: Commitment) -> list[User]:
    """The followers of ``commitment`` that may see it: its responsible people and the
    followers of its responsible organizations."""
    organization_ids = commitment.responsible_organizations.values_list("pk", flat=True)
    followed = follower_ids(*(("directory.organization", pk) for pk in organization_ids))
    users = {user.pk: user for user in responsible_users(commitment)}
    for user in User.objects.filter(pk__in=followed - set(users), is_active=True):
        if permissions.can_view_commitment(user, commitment):
            users[user.pk] = user
    return list(users.values())


# --- When --------------------------------------------------------------------------------


def due_kind(due_date: date, today: date) -> str | None:
    """The reminder a commitment open on ``today`` and due on ``due_date`` is in the window
    of (``None`` when none is)."""
    days = (due_date - today).days
    if 1 < days <= DUE_SOON_DAYS:
        return DUE_7D
    if 0 <= days <= 1:
        return DUE_1D
    if -OVERDUE_WINDOW_DAYS <= days < 0:
        return OVERDUE
    return None


def due_key(commitment: Commitment, kind: str, deadline: date) -> str:
    suffix = kind.removeprefix("agreements.")
    return f"commitment:{commitment.pk}:{suffix}:{deadline.isoformat()}"


def commitment_remind(commitment: Commitment, *, kind: str, deadline: date, now: datetime) -> int:
    """Write the messages of the reminder ``kind`` of ``commitment`` for its ``deadline``
    (idempotent: the key names the kind and the deadline)."""
    return notify(
        kind,
        key=due_key(commitment, kind, deadline),
        params={"commitment": commitment.pk, "deadline": deadline.isoformat()},
        users=responsible_users(commitment),
        announce=commitment.visibility == Visibility.PUBLIC,
        now=now,
    )


@planner_register
def commitments_plan(now: datetime) -> int:
    """Raise the reminders due at ``now``: each open commitment in a window (see
    :func:`due_kind`, in the site's time zone) gets that window's reminder once per
    deadline."""
    today = timezone.localdate(now)
    window = Commitment.objects.open().filter(
        due_date__gte=today - timedelta(days=OVERDUE_WINDOW_DAYS),
        due_date__lte=today + timedelta(days=DUE_SOON_DAYS),
    )
    offered = 0
    for commitment in window.order_by("due_date", "pk"):
        deadline = commitment.due_date
        kind = due_kind(deadline, today) if deadline is not None else None
        if deadline is not None and kind is not None:
            offered += commitment_remind(commitment, kind=kind, deadline=deadline, now=now)
    return offered


def update_posted(update: CommitmentUpdate, *, actor: User) -> int:
    """Tell the followers of ``update``'s commitment that it was posted (called by
    :func:`~minka.agreements.services.update_post` in its transaction)."""
    return notify(
        UPDATE_POSTED,
        key=f"commitment:{update.commitment_id}:update:{update.pk}",
        params={"update": update.pk},
        users=follower_users(update.commitment),
        exclude=actor,
        now=update.created_at,
    )


# --- What --------------------------------------------------------------------------------


def _pk(value: Any) -> int:
    """A message's id parameter (0, which matches nothing, when it is not an id)."""
    return value if isinstance(value, int) else 0


def _viewer(context: RenderContext) -> Actor | None:
    """Who the message is for, or ``None`` when there is nobody to render it for (a guest:
    these kinds have none)."""
    if context.public:
        return AnonymousUser()
    return context.user


def _may_see(viewer: Actor, commitment: Commitment, context: RenderContext) -> bool:
    if context.public:
        return commitment.visibility == Visibility.PUBLIC
    return permissions.can_view_commitment(viewer, commitment)


def _organizations(commitment: Commitment, viewer: Actor) -> str:
    names = organizations_visible_to(viewer).filter(commitments=commitment).order_by("name")
    return ", ".join(names.values_list("name", flat=True))


def _payload(kind: str, commitment: Commitment, url: str, **extra: Any) -> dict[str, Any]:
    return {
        "event": kind,
        "commitment": str(commitment.public_id),
        "title": commitment.title,
        "deadline": commitment.due_date.isoformat() if commitment.due_date else None,
        "status": commitment.status,
        "progress": commitment.progress,
        "url": url,
        **extra,
    }


def _origin(commitment: Commitment, viewer: Actor) -> str:
    """Where it was agreed: the meeting, when the viewer may see it."""
    meeting = commitment.meeting
    if meeting is None or not can_see(viewer, meeting.visibility):
        return ""
    when = date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
    return _("Agreed at “%(meeting)s” on %(date)s.") % {"meeting": meeting.title, "date": when}


def _common(commitment: Commitment, viewer: Actor) -> dict[str, Any]:
    return {
        "commitment": commitment,
        "origin": _origin(commitment, viewer),
        "status": commitment.get_status_display(),
        "progress": f"{commitment.progress} %",
        "organizations": _organizations(commitment, viewer),
        "deadline": date_format(commitment.due_date, "DATE_FORMAT") if commitment.due_date else "",
    }


def _headline(kind: str, title: str, due_date: date, deadline: str) -> tuple[str, str]:
    """The subject and the sentence that says what happened and when (``deadline`` is
    ``due_date`` written out)."""
    if kind == DUE_7D:
        return (
            _("Due on %(date)s: %(title)s") % {"date": deadline, "title": title},
            _("The commitment “%(title)s” is due on %(date)s.")
            % {"title": title, "date": deadline},
        )
    if kind == DUE_1D:
        if due_date <= timezone.localdate():
            return (
                _("Due today: %(title)s") % {"title": title},
                _("The commitment “%(title)s” is due today, %(date)s.")
                % {"title": title, "date": deadline},
            )
        return (
            _("Due tomorrow: %(title)s") % {"title": title},
            _("The commitment “%(title)s” is due tomorrow, %(date)s.")
            % {"title": title, "date": deadline},
        )
    return (
        _("Overdue: %(title)s") % {"title": title},
        _("The commitment “%(title)s” was due on %(date)s and is still open.")
        % {"title": title, "date": deadline},
    )


def _render_due(kind: str, params: dict[str, Any], context: RenderContext) -> Notice | None:
    viewer = _viewer(context)
    commitment = (
        Commitment.objects.select_related("meeting")
        .filter(pk=_pk(params.get("commitment")))
        .first()
    )
    if viewer is None or commitment is None or not commitment.is_open:
        return None
    if commitment.due_date is None or commitment.due_date.isoformat() != params.get("deadline"):
        return None  # Rescheduled: the new deadline has reminders of its own.
    if kind == OVERDUE and not commitment.is_overdue:
        return None
    if not _may_see(viewer, commitment, context):
        return None
    if not context.public and not permissions.is_responsible(viewer, commitment):
        return None
    ctx = _common(commitment, viewer)
    subject, headline = _headline(kind, commitment.title, commitment.due_date, ctx["deadline"])
    url = absolute_url(commitment.get_absolute_url())
    ctx.update({"headline": headline, "url": url, "subject": subject})
    return Notice(
        subject=subject,
        text=render_to_string("agreements/notifications/commitment_due.txt", ctx).strip(),
        html=render_to_string("agreements/notifications/commitment_due.html", ctx),
        telegram=render_to_string(
            "notifications/telegram/agreements_commitment_due.html", ctx
        ).strip(),
        url=url,
        payload=_payload(kind, commitment, url),
    )


def render_due_7d(params: dict[str, Any], context: RenderContext) -> Notice | None:
    return _render_due(DUE_7D, params, context)


def render_due_1d(params: dict[str, Any], context: RenderContext) -> Notice | None:
    return _render_due(DUE_1D, params, context)


def render_overdue(params: dict[str, Any], context: RenderContext) -> Notice | None:
    return _render_due(OVERDUE, params, context)


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= TEXT_EXCERPT else f"{text[: TEXT_EXCERPT - 1].rstrip()}…"


def render_update_posted(params: dict[str, Any], context: RenderContext) -> Notice | None:
    viewer = _viewer(context)
    update = (
        CommitmentUpdate.objects.select_related("commitment__meeting", "author")
        .filter(pk=_pk(params.get("update")))
        .first()
    )
    if viewer is None or update is None or not _may_see(viewer, update.commitment, context):
        return None
    commitment = update.commitment
    when = date_format(timezone.localtime(update.created_at), "DATE_FORMAT")
    author = update.author.get_full_name() if update.author is not None else ""
    values = {"title": commitment.title, "date": when, "author": author}
    if author and permissions.can_see_authors(viewer):
        headline = (
            _("%(author)s posted an update on the commitment “%(title)s” on %(date)s.") % values
        )
    else:
        headline = _("An update was posted on the commitment “%(title)s” on %(date)s.") % values
    subject = _("Update on %(title)s") % values
    url = absolute_url(commitment.get_absolute_url()) + f"#avance-{update.pk}"
    ctx = {
        **_common(commitment, viewer),
        "headline": headline,
        "subject": subject,
        "url": url,
        "text": _excerpt(update.text),
    }
    return Notice(
        subject=subject,
        text=render_to_string("agreements/notifications/update_posted.txt", ctx).strip(),
        html=render_to_string("agreements/notifications/update_posted.html", ctx),
        telegram=render_to_string(
            "notifications/telegram/agreements_update_posted.html", ctx
        ).strip(),
        url=url,
        payload=_payload(
            UPDATE_POSTED,
            commitment,
            url,
            posted_at=update.created_at.isoformat(),
        ),
    )


GROUP = gettext_lazy("Agreements")

kind_register(
    EventKind(
        code=DUE_7D,
        label=gettext_lazy("A commitment is due in 7 days"),
        group=GROUP,
        render=render_due_7d,
        # A commitment one answers for: sent whatever the consent to news.
        transactional=True,
        announce=True,
    )
)
kind_register(
    EventKind(
        code=DUE_1D,
        label=gettext_lazy("A commitment is due tomorrow"),
        group=GROUP,
        render=render_due_1d,
        # A commitment one answers for: sent whatever the consent to news.
        transactional=True,
    )
)
kind_register(
    EventKind(
        code=OVERDUE,
        label=gettext_lazy("A commitment is overdue"),
        group=GROUP,
        render=render_overdue,
        # A commitment one answers for: sent whatever the consent to news.
        transactional=True,
        announce=True,
    )
)
kind_register(
    EventKind(
        code=UPDATE_POSTED,
        label=gettext_lazy("An update is posted on a commitment I follow"),
        group=GROUP,
        render=render_update_posted,
    )
)
