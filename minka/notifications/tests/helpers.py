"""Test helpers: a kind of event registered for one test, with a renderer that says what it
was given (and nothing when told the object is gone)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from unittest import mock

from django.utils.html import format_html

from minka.notifications import kinds
from minka.notifications.kinds import EventKind, Notice, RenderContext

if TYPE_CHECKING:
    from collections.abc import Iterator

PING = "tests.ping"


def render_ping(params: dict[str, Any], context: RenderContext) -> Notice | None:
    if params.get("gone"):
        return None
    if params.get("broken"):
        raise RuntimeError("a renderer's bug")
    who = context.user.email if context.user is not None else "public"
    return Notice(
        subject=f"Ping {params.get('n', 0)}",
        text=f"Ping {params.get('n', 0)} for {who}",
        html=format_html("<p>Ping {}</p>", params.get("n", 0)),
        url="http://testserver/ping/",
        payload={"n": params.get("n", 0)},
        to=str(params.get("to") or ""),
    )


@contextmanager
def ping_kind(**overrides: Any) -> Iterator[EventKind]:
    """Register the ``tests.ping`` kind for the block's duration (transactional unless
    told otherwise, so that consent to news does not decide who gets it)."""
    options: dict[str, Any] = {"announce": True, "transactional": True, **overrides}
    kind = EventKind(code=PING, label="Ping", group="Tests", render=render_ping, **options)
    with mock.patch.dict(kinds._kinds, {PING: kind}):
        yield kind


def consent_to_news(*users: Any) -> None:
    """Record that each of ``users`` consented to news by email and Telegram (as on their
    Notificaciones page), so that non-transactional kinds reach them."""
    from minka.notifications.consent import consent_record
    from minka.notifications.kinds import PERSONAL_CHANNELS

    for user in users:
        for channel in PERSONAL_CHANNELS:
            consent_record(actor=user, user=user, channel=channel, granted=True)
