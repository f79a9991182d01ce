"""Emails about the minutes' cycle: the review request and the publication notice.

Who is told follows who may read the minutes (:mod:`minka.meetings.permissions`):

- opened for review: every reviewer, i.e. active members (and coordinators and admins) who
  may see the meeting, and the signed-up attendees of the meeting; each gets the deadline
  and an absolute link. A reviewing duty is a transactional message (like an invitation),
  sent whatever the person's newsletter preferences;
- published: the meeting's invitees with an address who may read the published minutes
  (everyone for public minutes; those whose account is a member's for members' minutes).

The one who caused the change is not written to. Emails are queued after commit with ids
only (:func:`minka.core.emails.email_queue`), in each recipient's own language when known,
and rendered by the task worker (:mod:`minka.meetings.emails`), which checks again that the
recipient may still read the minutes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from minka.accounts.models import User
from minka.core.emails import email_queue
from minka.core.visibility import Visibility, can_see
from minka.directory.models import Person
from minka.meetings.models import Invitee

if TYPE_CHECKING:
    from minka.meetings.minutes.models import Minutes

MEMBER_ROLES = (User.Role.MEMBER, User.Role.COORDINATOR, User.Role.ADMIN)


def reviewers(minutes: Minutes) -> list[User]:
    """The active accounts that may review ``minutes`` (one query)."""
    meeting = minutes.meeting
    roles = [r for r in User.Role.values if can_see(_RoleOnly(r), meeting.visibility)]
    members = Q(role__in=[r for r in roles if r in MEMBER_ROLES])
    attendees = Q(role__in=roles, person__attendances__meeting=meeting)
    return list(User.objects.filter(is_active=True).filter(members | attendees).distinct())


class _RoleOnly:
    """A stand-in active user of one role: the visibility rules read only the role."""

    is_authenticated = True
    is_active = True

    def __init__(self, role: str) -> None:
        self.role = role


def review_requested(*, minutes: Minutes, actor: User) -> int:
    """Queue the review request to every reviewer but ``actor``; return how many."""
    people = [user for user in reviewers(minutes) if user.pk != actor.pk]
    for user in people:
        email_queue(
            kind="meetings.minutes_notice",
            language=user.language or None,
            minutes_id=minutes.pk,
            user_id=user.pk,
            notice="review",
        )
    return len(people)


def published(*, minutes: Minutes) -> int:
    """Queue the publication notice to the meeting's invitees who may read the minutes."""
    invitees = (
        Invitee.objects.filter(meeting=minutes.meeting)
        .exclude(person__email="")
        .exclude(person__status=Person.Status.ANONYMIZED)
        .select_related("person__user")
    )
    if minutes.visibility != Visibility.PUBLIC:
        invitees = invitees.filter(
            person__user__is_active=True, person__user__role__in=MEMBER_ROLES
        )
    count = 0
    for invitee in invitees:
        user = invitee.person.user
        email_queue(
            kind="meetings.minutes_published",
            language=(user.language if user is not None else "") or None,
            invitee_id=invitee.pk,
        )
        count += 1
    return count
