"""Linking a person's account to their private Telegram chat.

1. On their "Notificaciones" page the person asks for a link: :func:`link_start` makes a
   one-time token (32 random bytes; only its SHA-256 is stored; valid 15 minutes; their
   older unused tokens are deleted) and returns ``https://t.me/<bot>?start=<token>``.
2. Telegram opens the bot, which receives ``/start <token>`` from that chat and calls
   :func:`link_confirm`: a valid, unexpired, unused token links the chat to the person
   (a chat linked to someone else before is moved) and is spent.
3. Either side unlinks: the person from their page (:func:`unlink`), or the bot when the
   chat asks to stop or blocks it (:func:`unlink_chat`).

Each link and unlink is written to the audit log, without the chat id or the username.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from minka.core.models import AuditEntry
from minka.core.services import audit_record
from minka.notifications.models import TelegramAccount, TelegramLinkToken

if TYPE_CHECKING:
    from minka.accounts.models import User

TOKEN_BYTES = 32
TOKEN_LIFETIME = timedelta(minutes=15)
# Telegram's deep-link parameter: at most 64 characters of A-Z, a-z, 0-9, _ and -.
_MAX_TOKEN_LENGTH = 64


def bot_username() -> str:
    """The bot's username without ``@`` (empty when the bot is not configured)."""
    return str(getattr(settings, "TELEGRAM_BOT_USERNAME", "") or "").lstrip("@")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def link_start(user: User) -> str:
    """A fresh one-time deep link for ``user`` (the caller checks that the bot is
    configured: without a username the link would lead nowhere)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    TelegramLinkToken.objects.filter(user=user, used_at__isnull=True).delete()
    TelegramLinkToken.objects.create(
        user=user, token_hash=_token_hash(token), expires_at=timezone.now() + TOKEN_LIFETIME
    )
    return f"https://t.me/{quote(bot_username())}?start={token}"


@transaction.atomic
def link_confirm(token: str, *, chat_id: int, username: str) -> User | None:
    """Link the private chat ``chat_id`` to the owner of ``token`` and return them; ``None``
    when the token is unknown, expired or spent, or its owner's account is closed.

    The token is spent by a conditional update, so two ``/start`` with the same token (a
    double tap, a replay) link once. A chat linked to another person before is moved: a
    chat reaches one person only. The person's previous chat, if any, is replaced.
    """
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    now = timezone.now()
    link = (
        TelegramLinkToken.objects.select_related("user")
        .filter(token_hash=_token_hash(token), used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if link is None or not link.user.is_active:
        return None
    spent = TelegramLinkToken.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now)
    if not spent:
        return None
    user = link.user
    moved = TelegramAccount.objects.select_related("user").filter(chat_id=chat_id)
    for previous in moved.exclude(user=user):
        _forget(previous, actor=user)
    account, _created = TelegramAccount.objects.update_or_create(
        user=user,
        defaults={"chat_id": chat_id, "username": username[:64], "linked_at": now},
    )
    audit_record(
        actor=user,
        action=AuditEntry.Action.UPDATE,
        target=account,
        target_repr=f"Telegram · {user.public_id}",
        changes={"telegram": "linked"},
    )
    return user


def _forget(account: TelegramAccount, *, actor: User | None) -> None:
    audit_record(
        actor=actor,
        action=AuditEntry.Action.DELETE,
        target=account,
        target_repr=f"Telegram · {account.user.public_id}",
        changes={"telegram": "unlinked"},
    )
    account.delete()


@transaction.atomic
def unlink(user: User) -> bool:
    """Unlink ``user``'s Telegram chat (from their page); whether there was one."""
    account = TelegramAccount.objects.select_related("user").filter(user=user).first()
    if account is None:
        return False
    _forget(account, actor=user)
    return True


@transaction.atomic
def unlink_chat(chat_id: int) -> User | None:
    """Unlink the chat ``chat_id`` (from the bot's side: ``/stop``, or the person blocked
    the bot); the person it was linked to, or ``None``."""
    account = TelegramAccount.objects.select_related("user").filter(chat_id=chat_id).first()
    if account is None:
        return None
    _forget(account, actor=None)
    return account.user
