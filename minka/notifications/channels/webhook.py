"""Outgoing webhooks: one signed JSON POST per message (issue 18; SECURITY.md §1.8).

The body is compact JSON, the Standard Webhooks payload shape::

    {"type": "<kind>", "timestamp": "<when the event happened, ISO 8601 UTC>", "data": {...}}

where ``data`` is the renderer's public ``Notice.payload`` (ids as public ids and URLs, never
an email or a phone number). The headers are Standard Webhooks' (:mod:`..webhooks.signing`):
``webhook-id`` is the message's public id, the same on every retry so that a receiver can drop
a second copy; ``webhook-timestamp`` is the time of this attempt; ``webhook-signature`` holds
one signature per valid secret (the endpoint's, and during a rotation the previous one too).

The request goes through :func:`minka.core.outbound.post`, which checks the address again on
every delivery (what a name resolves to can change), connects only to the checked address,
refuses redirects and gives up after 10 s.

Outcomes: 2xx is delivered; 408, 429, 5xx, time-outs and network errors are transient
(retried by the outbox); any other answer (410 Gone and the other 4xx, an unexpected 1xx/3xx)
and an address the policy refuses are permanent. The HTTP status is recorded on the message.

Endpoint health: a delivery resets the endpoint's count of failures in a row; each failure
adds one; at ``MINKA_WEBHOOK_MAX_FAILURES`` the endpoint is disabled, its waiting messages are
skipped, and coordinators see it (the list of webhooks, the audit log). A message for an
endpoint that is disabled or gone fails at once, sending nothing.

Error texts are fixed English sentences (the outbound module's, in English): no secret, no
address, no text of the receiver's answer.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation

from minka.core import outbound
from minka.notifications.channels import PermanentError, TransientError
from minka.notifications.models import Message, WebhookEndpoint
from minka.notifications.webhooks import services, signing
from minka.notifications.webhooks.services import ENDPOINT_DISABLED

if TYPE_CHECKING:
    from minka.notifications.kinds import Notice

USER_AGENT = "Minka-Webhooks/1"
# Answers worth another try besides every 5xx: the receiver timed out or asks to slow down.
RETRY_STATUSES = frozenset({408, 429})


def iso_utc(moment: datetime) -> str:
    """``2026-12-07T15:00:00.123456Z``: ISO 8601 in UTC, as Standard Webhooks' examples."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def payload_body(message: Message, notice: Notice) -> bytes:
    """The exact bytes POSTed: compact JSON, UTF-8."""
    payload = {
        "type": message.kind,
        "timestamp": iso_utc(message.created_at),
        "data": notice.payload,
    }
    text = json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets that sign a delivery now: the current one, and the previous one while it
    is still valid after a rotation (newest first)."""
    found = [endpoint.secret]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret and until is not None and until > now:
        found.append(endpoint.previous_secret)
    return found


def _english(error: outbound.OutboundRefused | outbound.OutboundError) -> str:
    # The outbound messages are translatable sentences that name no address: kept in
    # English, like every channel's error text.
    with translation.override("en"):
        return str(error.message)


def _retry_after(headers: dict[str, str]) -> float | None:
    """A ``Retry-After`` given in seconds (an HTTP date is ignored), capped by the outbox's
    longest wait."""
    value = headers.get("retry-after", "").strip()
    if not value.isdigit():
        return None
    return float(min(int(value), settings.OUTBOX_RETRY_MAX))


class WebhookChannel:
    def send(self, message: Message, notice: Notice) -> None:
        # Read again, not taken from the message: a rotation or a disabling may have happened
        # since the worker picked the message up.
        endpoint = (
            WebhookEndpoint.objects.filter(pk=message.endpoint_id).first()
            if message.endpoint_id is not None
            else None
        )
        if endpoint is None or not endpoint.active:
            raise PermanentError(ENDPOINT_DISABLED)
        now = timezone.now()
        body = payload_body(message, notice)
        headers = signing.headers(
            signing_secrets(endpoint, now), str(message.public_id), int(now.timestamp()), body
        )
        headers["Content-Type"] = "application/json"
        headers["User-Agent"] = USER_AGENT
        try:
            answer = outbound.post(endpoint.url, body=body, headers=headers)
        except outbound.OutboundRefused as error:
            _record_status(message, None)
            raise PermanentError(_failed(endpoint, _english(error))[0]) from None
        except outbound.OutboundError as error:
            _record_status(message, None)
            reason, disabled = _failed(endpoint, _english(error))
            raise (PermanentError(reason) if disabled else TransientError(reason)) from None
        _record_status(message, answer.status)
        status = answer.status
        if 200 <= status < 300:
            services.endpoint_delivery_succeeded(endpoint=endpoint)
            return
        reason, disabled = _failed(endpoint, f"HTTP {status}")
        if disabled or not (status in RETRY_STATUSES or status >= 500):
            raise PermanentError(reason)
        raise TransientError(reason, retry_after=_retry_after(answer.headers))


def _record_status(message: Message, status: int | None) -> None:
    """The HTTP status of the latest attempt (none when no answer came)."""
    Message.objects.filter(pk=message.pk).update(response_status=status)


def _failed(endpoint: WebhookEndpoint, reason: str) -> tuple[str, bool]:
    """Count the failure on the endpoint; returns the message's error text (noting when this
    failure disabled the endpoint) and whether it did."""
    if services.endpoint_delivery_failed(endpoint=endpoint):
        return f"{reason}; {ENDPOINT_DISABLED}", True
    return reason, False
