"""The test event a coordinator sends to one webhook ("Send a test event"): a kind that is
never announced (no endpoint can choose it, nobody gets it otherwise) and a tiny payload.

It goes through the outbox like any event, so the test proves the whole path: the address
check, the signature, the receiver's answer, and the delivery log that records it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from minka.notifications.kinds import EventKind, Notice, RenderContext, kind_register

TEST_KIND = "notifications.webhook_test"


def render_test(params: dict[str, Any], context: RenderContext) -> Notice:
    """The same for every endpoint: ``{"test": true}`` (public, says nothing)."""
    return Notice(subject="Test", text="Test", payload={"test": True})


kind_register(
    EventKind(
        code=TEST_KIND,
        label=_("Test event of a webhook"),
        group=_("Webhooks"),
        render=render_test,
        defaults={},  # no person gets it
        announce=False,
        configurable=False,
    )
)
