"""Writes of the network's Telegram group chats and channels (:class:`TelegramChat`): the
coordinators register them, choose what each announces, deactivate or remove them.

A chat is checked with Telegram (``getChat``) when the bot is configured: it must exist, the
bot must be in it, and it must be a group or a channel (never a person's private chat). Its
title comes from Telegram unless a coordinator gives one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minka.core.permissions import require
from minka.core.services import audit_record
from minka.notifications import permissions
from minka.notifications.channels import PermanentError, TransientError
from minka.notifications.channels import telegram as transport
from minka.notifications.kinds import announced_kinds
from minka.notifications.models import TelegramChat

if TYPE_CHECKING:
    from minka.core.types import Actor


@dataclass(frozen=True)
class TelegramChatData:
    """What a coordinator sets on a chat (the form's data)."""

    title: str = ""
    kinds: list[str] = field(default_factory=list)
    active: bool = True


def _chosen_kinds(kinds: list[str]) -> list[str]:
    """The announced kinds among ``kinds``, in registration order."""
    wanted = set(kinds)
    return [kind.code for kind in announced_kinds() if kind.code in wanted]


def _chat_reference(text: str) -> int | str:
    """A chat id (``-1001234567890``) or a channel's ``@username`` as typed."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    if not text.startswith("@"):
        raise ValidationError(
            _("Give the chat's number, such as -1001234567890, or a channel's @name."),
            code="chat",
        )
    if not transport.telegram_enabled():
        raise ValidationError(
            _("The bot is not configured: give the chat's number, not a channel's @name."),
            code="chat",
        )
    return text


def telegram_chat_check(text: str) -> tuple[int, str]:
    """The chat id and title of the chat ``text`` names, asked of Telegram when the bot is
    configured (without a bot, the number as given and no title). Raises
    ``ValidationError`` when the chat is unknown, the bot is not in it, or it is a person's
    private chat. Makes a network call: call it outside a transaction."""
    reference = _chat_reference(text)
    if isinstance(reference, int) and not transport.telegram_enabled():
        return reference, ""
    try:
        chat = transport.get_chat(reference)
    except PermanentError:
        raise ValidationError(
            _(
                "The bot cannot see this chat. Add the bot to the group (in a channel, as an "
                "administrator), check the number and try again."
            ),
            code="unreachable",
        ) from None
    except TransientError:
        raise ValidationError(
            _("Telegram could not be reached. Please try again in a few minutes."),
            code="unavailable",
        ) from None
    if chat.type == "private":
        raise ValidationError(
            _("This is a person's private chat. Give a group or a channel."), code="private"
        )
    return chat.id, chat.title or ""


def telegram_chat_create(*, actor: Actor, chat: str, data: TelegramChatData) -> TelegramChat:
    """Register the group or channel ``chat`` (a number or a channel's @name), checked with
    Telegram first (:func:`telegram_chat_check`)."""
    require(permissions.can_manage_telegram_chats(actor))
    chat_id, title = telegram_chat_check(chat)
    title = data.title.strip() or title
    if not title:
        raise ValidationError(_("Give the chat a name."), code="title")
    try:
        with transaction.atomic():
            created = TelegramChat.objects.create(
                chat_id=chat_id, title=title, kinds=_chosen_kinds(data.kinds), active=data.active
            )
            audit_record(
                actor=actor,
                action="create",
                target=created,
                changes={"kinds": created.kinds, "active": created.active},
            )
    except IntegrityError:
        raise ValidationError(_("This chat is registered already."), code="duplicate") from None
    return created


@transaction.atomic
def telegram_chat_update(
    *, actor: Actor, telegram_chat: TelegramChat, data: TelegramChatData
) -> TelegramChat:
    """Change a chat's name, announced kinds or whether it is active (a deactivated chat
    gets no new announcements, and its waiting ones are not sent)."""
    require(permissions.can_manage_telegram_chats(actor))
    title = data.title.strip()
    if not title:
        raise ValidationError(_("Give the chat a name."), code="title")
    changes = {
        name: value
        for name, value in (
            ("title", title),
            ("kinds", _chosen_kinds(data.kinds)),
            ("active", data.active),
        )
        if getattr(telegram_chat, name) != value
    }
    if changes:
        for name, value in changes.items():
            setattr(telegram_chat, name, value)
        telegram_chat.save(update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, action="update", target=telegram_chat, changes=changes)
    return telegram_chat


@transaction.atomic
def telegram_chat_delete(*, actor: Actor, telegram_chat: TelegramChat) -> None:
    """Forget a chat, with its messages in the outbox."""
    require(permissions.can_manage_telegram_chats(actor))
    audit_record(actor=actor, action="delete", target=telegram_chat)
    telegram_chat.delete()
