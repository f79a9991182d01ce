"""What a person may follow: a registry filled by the apps that own the targets.

Notifications sits below the apps whose objects people follow (meeting series, topics,
organizations), so each of them registers its type once, from a ``follows.py`` imported by
its ``AppConfig.ready``::

    follow_target_register(FollowTarget(
        type="meetings.series",
        label=_("Meeting series"),
        lookup=series_lookup,
        follow_text=_("Follow this meeting series"),
        following_text=_("You follow this meeting series."),
    ))

``lookup(ids, user)`` returns ``{id: (title, url)}`` for the ids among ``ids`` that exist
and that ``user`` may see, in one query whatever the number of ids. It is the only way this
app learns a target's title, so an object the person may no longer see is never named on
their page, and a follow button cannot be used to probe for hidden objects.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from minka.core.types import Actor

# (title, url) of a target, by id.
Lookup = Callable[[Collection[int], "Actor"], dict[int, tuple[str, str]]]


@dataclass(frozen=True)
class FollowTarget:
    """A type of object people may follow. ``type`` is the ``target_type`` stored in
    :class:`~minka.notifications.models.Follow`; ``label`` names the type on pages;
    ``follow_text`` and ``following_text`` are the button's and the state's full sentences
    (whole sentences, so that each language can agree them with the type's gender)."""

    type: str
    label: str | Promise
    lookup: Lookup
    follow_text: str | Promise
    following_text: str | Promise


_targets: dict[str, FollowTarget] = {}


def follow_target_register(target: FollowTarget) -> FollowTarget:
    """Register ``target`` (again on a reload: the newest registration wins)."""
    _targets[target.type] = target
    return target


def follow_target_get(target_type: str) -> FollowTarget:
    """The registered type ``target_type`` (``LookupError`` when there is none)."""
    try:
        return _targets[target_type]
    except KeyError:
        raise LookupError(f"No follow target is registered as {target_type!r}.") from None


def follow_targets() -> list[FollowTarget]:
    """Every registered type, in registration order."""
    return list(_targets.values())


def follow_target_find(target_type: str, target_id: int, user: Actor) -> tuple[str, str] | None:
    """The ``(title, url)`` of one target if its type is registered, it exists and ``user``
    may see it; ``None`` otherwise (the caller answers 404 without saying which)."""
    try:
        target = follow_target_get(target_type)
    except LookupError:
        return None
    return target.lookup([target_id], user).get(target_id)
