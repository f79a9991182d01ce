"""Who may see and do what with meetings and minutes.

Meetings follow the shared visibility vocabulary; the online link, the attendees directory
and the RSVP list are for members (never public), whatever the meeting's visibility.
Coordinators schedule, invite, record attendance and run the minutes cycle:

- draft: coordinators only;
- in review: members and the meeting's attendees read them and add observations until the
  deadline; observations are seen by coordinators and by the other reviewers;
- approved: as in review, without new observations; the content is locked;
- published: whoever may see the minutes' visibility (public or members).

Invisible objects answer 404; visible but forbidden actions answer 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from minka.core.roles import Role, role_of
from minka.core.visibility import Visibility, can_see, visibilities_for

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from minka.core.types import Actor
    from minka.meetings.minutes.models import Minutes, MinutesRevision
    from minka.meetings.models import Meeting


def is_coordinator(user: Actor) -> bool:
    return role_of(user) >= Role.COORDINATOR


def is_member(user: Actor) -> bool:
    return role_of(user) >= Role.MEMBER


# --- Meetings ---------------------------------------------------------------------------


def can_view_meeting(user: Actor, meeting: Meeting) -> bool:
    return can_see(user, meeting.visibility)


def can_manage_meetings(user: Actor) -> bool:
    """Schedule, edit, cancel meetings; edit agendas; invite; record attendance."""
    return is_coordinator(user)


def can_import_minutes(user: Actor) -> bool:
    """Coordinators and admins import the minutes people already write."""
    return is_coordinator(user)


def can_view_attendee_lists(user: Actor) -> bool:
    """Members read the attendees directory of the meetings they may see (and download it)."""
    return is_member(user)


def can_view_online_link(user: Actor, meeting: Meeting) -> bool:
    return is_member(user) and can_view_meeting(user, meeting)


def can_view_attendees(user: Actor, meeting: Meeting) -> bool:
    """The attendees directory ("directorio de asistentes") and the RSVP list: members."""
    return is_member(user) and can_view_meeting(user, meeting)


def can_check_in(user: Actor, meeting: Meeting) -> bool:
    """Any signed-in person who may see the meeting, while check-in is open."""
    return (
        role_of(user) >= Role.REGISTERED
        and can_view_meeting(user, meeting)
        and bool(meeting.checkin_code)
        and not meeting.is_cancelled
    )


def can_rsvp(user: Actor, meeting: Meeting) -> bool:
    """Answer "¿Asistirá?" on the meeting page without an invitation: any member who may
    see the meeting; a registered (non-member) account only on a public meeting whose
    coordinator allowed it (``allow_public_rsvp``). Visitors sign in first: an answer is
    tied to an account, never to a name and address typed by anyone. (An invitee may
    always answer their own invitation.)"""
    if is_member(user):
        return can_view_meeting(user, meeting)
    return (
        role_of(user) >= Role.REGISTERED
        and meeting.allow_public_rsvp
        and meeting.visibility == Visibility.PUBLIC
    )


def attended(user: Actor, meeting: Meeting) -> bool:
    """Whether ``user``'s directory record is among the meeting's attendees (one query)."""
    if not user.is_authenticated or role_of(user) < Role.REGISTERED:
        return False
    return meeting.attendances.filter(person__user=user).exists()


# --- Minutes ----------------------------------------------------------------------------


def _reviewer(user: Actor, minutes: Minutes) -> bool:
    """Members, and the meeting's attendees: they read minutes in review and approved."""
    if not can_view_meeting(user, minutes.meeting):
        return False
    return is_member(user) or attended(user, minutes.meeting)


def can_view_minutes(user: Actor, minutes: Minutes) -> bool:
    status = minutes.Status
    if is_coordinator(user):
        return True
    if minutes.status == status.DRAFT:
        return False
    if minutes.status == status.PUBLISHED:
        return can_see(user, minutes.visibility) and can_view_meeting(user, minutes.meeting)
    return _reviewer(user, minutes)


def minutes_visible_to(user: Actor) -> QuerySet[Minutes]:
    """The minutes ``user`` may read, with their meeting: :func:`can_view_minutes` as a
    queryset (one query)."""
    from minka.meetings.minutes.models import Minutes
    from minka.meetings.models import Attendance

    minutes = Minutes.objects.select_related("meeting")
    if is_coordinator(user):
        return minutes
    visibilities = visibilities_for(user)
    published = Q(status=Minutes.Status.PUBLISHED, visibility__in=visibilities)
    shared = Q(status__in=[Minutes.Status.REVIEW, Minutes.Status.APPROVED])
    if not is_member(user):
        if not user.is_authenticated or role_of(user) < Role.REGISTERED:
            shared = Q(pk__in=[])
        else:
            attended = Attendance.objects.filter(meeting=OuterRef("meeting"), person__user=user)
            shared &= Q(Exists(attended))
    return minutes.filter(Q(meeting__visibility__in=visibilities) & (published | shared))


def can_edit_minutes(user: Actor, minutes: Minutes) -> bool:
    """Coordinators edit drafts and minutes in review; approved content needs an erratum."""
    return is_coordinator(user) and not minutes.is_locked


def review_open(minutes: Minutes) -> bool:
    return minutes.status == minutes.Status.REVIEW and (
        minutes.review_deadline is None or minutes.review_deadline > timezone.now()
    )


def can_observe(user: Actor, minutes: Minutes) -> bool:
    """Add an observation: reviewers and coordinators while the review is open."""
    return review_open(minutes) and (is_coordinator(user) or _reviewer(user, minutes))


def can_view_observations(user: Actor, minutes: Minutes) -> bool:
    if is_coordinator(user):
        return True
    return minutes.status != minutes.Status.DRAFT and _reviewer(user, minutes)


def can_run_cycle(user: Actor, minutes: Minutes) -> bool:
    """Open for review, approve, publish, write an erratum: coordinators."""
    return is_coordinator(user)


def can_view_revision(user: Actor, minutes: Minutes, revision: MinutesRevision) -> bool:
    """Coordinators read every revision; others only those shared since the review began."""
    if not can_view_minutes(user, minutes):
        return False
    if is_coordinator(user):
        return True
    return minutes.shared_from is not None and revision.number >= minutes.shared_from
