"""Messages about the minutes' cycle: opened for review, approved, published.

Who is told follows who may read the minutes (:mod:`minka.meetings.permissions`):

- opened for review: every reviewer, i.e. active members (and coordinators and admins) who
  may see the meeting, and the signed-up attendees of the meeting; each gets the deadline
  and an absolute link. A reviewing duty is a transactional message (like an invitation);
- approved: the same reviewers;
- published: the meeting's invitees who may read the published minutes (everyone for
  public minutes, including invitees without an account; those whose account may read
  them for members' minutes), and the followers of the meeting's series who may read them.
  Public minutes of a public meeting are also announced to the group chats and webhooks
  that chose them.

The one who caused the change is not written to. Messages are written to the outbox in the
transaction of the change, with ids only (:func:`minka.notifications.services.notify`), in
each recipient's own language, and rendered by the outbox worker
(:mod:`minka.meetings.notifications`), which checks again that the recipient may still read
the minutes in their state then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from minka.accounts.models import User
from minka.core.visibility import can_see
from minka.meetings import notifications
from minka.meetings.models import Invitee
from minka.meetings.permissions import can_view_minutes
from minka.notifications.services import notify

if TYPE_CHECKING:
    from minka.meetings.minutes.models import Minutes

MEMBER_ROLES = (User.Role.MEMBER, User.Role.COORDINATOR, User.Role.ADMIN)


def reviewers(minutes: Minutes) -> list[User]:
    """The active accounts that may review ``minutes`` (one query)."""
    meeting = minutes.meeting
    stand_ins = {role: notifications.RoleStandIn(role) for role in User.Role.values}
    roles = [role for role, who in stand_ins.items() if can_see(who, meeting.visibility)]
    members = Q(role__in=[r for r in roles if r in MEMBER_ROLES])
    attendees = Q(role__in=roles, person__attendances__meeting=meeting)
    return list(User.objects.filter(is_active=True).filter(members | attendees).distinct())


def _key(minutes: Minutes, event: str) -> str:
    return f"minutes:{minutes.pk}:{event}"


def review_requested(*, minutes: Minutes, actor: User) -> int:
    """Ask every reviewer but ``actor`` to review ``minutes``; return the messages offered.
    The key names this opening (minutes withdrawn and opened again are asked again)."""
    return notify(
        notifications.MINUTES_REVIEW_OPENED,
        key=_key(minutes, f"review:{minutes.updated_at.timestamp():.6f}"),
        params={"minutes_id": minutes.pk},
        users=reviewers(minutes),
        exclude=actor,
    )


def approved(*, minutes: Minutes, actor: User) -> int:
    """Tell the reviewers but ``actor`` that ``minutes`` were approved."""
    return notify(
        notifications.MINUTES_APPROVED,
        key=_key(minutes, "approved"),
        params={"minutes_id": minutes.pk},
        users=reviewers(minutes),
        exclude=actor,
    )


def published(*, minutes: Minutes, actor: User | None = None) -> int:
    """Tell the invitees and the series' followers who may read the published ``minutes``
    (and the group chats and webhooks, when they are public)."""
    meeting = minutes.meeting
    invitees = Invitee.objects.filter(meeting=meeting).select_related("person__user")
    users, guests = notifications.invitee_recipients(invitees)
    readers = {user.pk: user for user in users if can_view_minutes(user, minutes)}
    for user in notifications.series_followers(meeting, lambda u: can_view_minutes(u, minutes)):
        readers[user.pk] = user
    public = notifications.minutes_public(minutes)
    return notify(
        notifications.MINUTES_PUBLISHED,
        key=_key(minutes, "published"),
        params={"minutes_id": minutes.pk},
        users=readers.values(),
        guests=guests if public else (),
        announce=public,
        exclude=actor,
    )
