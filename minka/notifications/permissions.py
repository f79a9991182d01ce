"""Who may do what with notifications.

Everyone signed in manages their own preferences, follows and Telegram link. Coordinators
see the outbox (queue and failures) and retry messages, register webhooks and choose the
network's Telegram groups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minka.core.roles import Role, role_of

if TYPE_CHECKING:
    from minka.core.types import Actor


def can_manage_own_notifications(user: Actor) -> bool:
    """Preferences, follows and the Telegram link are for any signed-in person."""
    return role_of(user) >= Role.REGISTERED


def can_manage_outbox(user: Actor) -> bool:
    """See the queue and the failures of every channel, and retry a message."""
    return role_of(user) >= Role.COORDINATOR


def can_manage_webhooks(user: Actor) -> bool:
    return role_of(user) >= Role.COORDINATOR


def can_manage_telegram_chats(user: Actor) -> bool:
    return role_of(user) >= Role.COORDINATOR
