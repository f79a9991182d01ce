"""Consent to notifications (Ley 29733, SECURITY.md R9): whether a person agreed to receive
news by email or by Telegram.

The directory keeps consent (a purpose per channel, with its record of grants and
withdrawals) and registers itself here as the :class:`ConsentProvider`, because it sits
above this app. :func:`~minka.notifications.services.notify` asks it before writing a
non-transactional message: news, digests and announcements reach only those who consented,
and a withdrawal applies to the next event at once. Transactional messages (an invitation
and its reminders, a review one is asked to do, a commitment one is responsible for) do not
depend on it, as the directory's invitation rules already said.

Without a provider (this app's own tests) everyone counts as having consented.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Collection

    from minka.accounts.models import User


class ConsentProvider(Protocol):
    def allowed(self, user_ids: Collection[int], channel: str) -> set[int]:
        """The ids among ``user_ids`` that consented to news on ``channel``."""
        ...

    def granted(self, user: User, channel: str) -> bool: ...

    def record(self, *, actor: User, user: User, channel: str, granted: bool) -> None:
        """Record ``user``'s choice for ``channel`` (with the directory's consent record)."""
        ...


_provider: list[ConsentProvider] = []


def consent_provider_register(provider: ConsentProvider) -> ConsentProvider:
    _provider[:] = [provider]
    return provider


def consent_allowed(user_ids: Collection[int], channel: str) -> set[int]:
    if not _provider:
        return set(user_ids)
    return _provider[0].allowed(user_ids, channel)


def consent_granted(user: User, channel: str) -> bool:
    return _provider[0].granted(user, channel) if _provider else True


def consent_record(*, actor: User, user: User, channel: str, granted: bool) -> None:
    if _provider:
        _provider[0].record(actor=actor, user=user, channel=channel, granted=granted)
