"""The kinds of event Minka tells people about, registered by the apps that raise them.

An app above this one registers each kind once, from its ``notifications.py`` imported by
its ``AppConfig.ready``::

    kind_register(EventKind(
        code="meetings.scheduled",
        label=_("A meeting is scheduled"),
        group=_("Meetings"),
        render=render_scheduled,
        announce=True,
    ))

``render(params, context)`` turns the ids a message carries into a :class:`Notice` for one
recipient, in the active language (the outbox worker activates the recipient's). It runs at
delivery time, so it sees the object as it is then, and it returns ``None`` when there is
nothing to say any more: the object is gone, or the recipient may no longer see it. For an
announcement (a group chat, a webhook) the context has no user and ``public`` is true: the
renderer must then say only what the public may read. That one rule is what keeps
members-only content out of groups, webhooks and strangers' inboxes.

Participation will add its kinds (proposals, applications) the same way; the registry
imposes no list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from email.mime.base import MIMEBase

    from django.utils.functional import Promise

    from minka.accounts.models import User


class Channel(models.TextChoices):
    """Where a message goes. Email and Telegram reach a person; Telegram also reaches the
    network's group chats; webhooks reach systems registered by coordinators."""

    EMAIL = "email", _("Email")
    TELEGRAM = "telegram", _("Telegram")
    WEBHOOK = "webhook", _("Webhook")


# The channels a person chooses for themselves.
PERSONAL_CHANNELS = (Channel.EMAIL, Channel.TELEGRAM)


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NEVER = "never", _("Never")


DIGESTS = (Frequency.DAILY, Frequency.WEEKLY)


@dataclass(frozen=True)
class RenderContext:
    """Who a message is rendered for: a person (``user``), a guest known only by the
    message's own ids (no user, not public: an invitee without an account), or the public
    (a group chat or a webhook)."""

    user: User | None
    channel: str
    public: bool = False
    message_id: int | None = None


@dataclass
class Notice:
    """One message rendered for one recipient.

    ``subject`` is one line; ``text`` the plain body, which names what happened, when and
    where (an attachment only repeats it); ``html`` the email's HTML part; ``telegram`` the
    Telegram HTML (defaults to the escaped subject and link); ``url`` the absolute link;
    ``payload`` the JSON data of a webhook; ``to`` the address of a guest.
    """

    subject: str
    text: str
    url: str = ""
    html: str = ""
    telegram: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    attachments: list[MIMEBase] = field(default_factory=list)
    to: str = ""


Renderer = Callable[[dict[str, Any], RenderContext], Notice | None]


@dataclass(frozen=True)
class EventKind:
    """A kind of event. ``defaults`` maps a personal channel to the frequency a person gets
    until they choose; ``announce`` says whether the kind also goes to the network's group
    chats and to webhooks (when its object is public)."""

    code: str
    label: str | Promise
    group: str | Promise
    render: Renderer
    defaults: dict[str, str] = field(
        default_factory=lambda: {
            Channel.EMAIL: Frequency.IMMEDIATE,
            Channel.TELEGRAM: Frequency.IMMEDIATE,
        }
    )
    announce: bool = False
    # True for what the person must get whatever their consent to news (an invitation and its
    # reminders, a review asked of them, a commitment they answer for): see consent.py.
    transactional: bool = False
    # False for what a person does not choose on its own (the digest that carries the rest).
    configurable: bool = True

    def default(self, channel: str) -> str:
        return self.defaults.get(channel, Frequency.NEVER)


_kinds: dict[str, EventKind] = {}


def kind_register(kind: EventKind) -> EventKind:
    """Register ``kind`` (again on a reload: the newest registration wins)."""
    _kinds[kind.code] = kind
    return kind


def kind_get(code: str) -> EventKind:
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(f"No event kind is registered as {code!r}.") from None


def kinds() -> list[EventKind]:
    """Every registered kind, in registration order (the order of the preferences page)."""
    return list(_kinds.values())


def announced_kinds() -> list[EventKind]:
    return [kind for kind in _kinds.values() if kind.announce]
