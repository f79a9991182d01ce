"""Who may see, answer and manage date polls.

Everyone sees public polls read-only; members also see members-only ones (a registered
user gets 404 on them). Any signed-in user who may see a poll may answer it (a public poll
is open to every registered account); visitors are asked to sign in. Who answered what is
shown to members and above; coordinators create, choose and cancel polls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.core.roles import Role, role_of
from minka.core.visibility import can_see

if TYPE_CHECKING:
    from minka.core.types import Actor
    from minka.participation.polls.models import DatePoll


def can_manage_polls(user: Actor) -> bool:
    """Create, choose a date of and cancel date polls."""
    return role_of(user) >= Role.COORDINATOR


def can_view_poll(user: Actor, poll: DatePoll) -> bool:
    return can_see(user, poll.visibility)


def can_answer_poll(user: Actor, poll: DatePoll) -> bool:
    """A signed-in user who may see the poll (whether it is still open is the service's)."""
    return role_of(user) >= Role.REGISTERED and can_view_poll(user, poll)


def can_see_respondents(user: Actor) -> bool:
    """Respondents' names are for the network's members and above."""
    return role_of(user) >= Role.MEMBER


def can_view_online_link(user: Actor) -> bool:
    """The meeting's link is for members only, whatever the poll's visibility."""
    return role_of(user) >= Role.MEMBER
