"""Reads for the coordinators' webhook pages, each in a fixed number of queries. The callers
(views decorated with ``can_manage_webhooks``) have checked the permission."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404

from minka.notifications.models import Message, WebhookEndpoint
from minka.notifications.webhooks.services import ENDPOINT_DISABLED

if TYPE_CHECKING:
    from django.db.models import QuerySet

DELIVERY_LOG_SIZE = 50
DELIVERY_FIELDS = (
    "pk",
    "public_id",
    "created_at",
    "kind",
    "status",
    "attempts",
    "sent_at",
    "last_error",
    "response_status",
    "next_attempt_at",
)


def endpoint_list() -> QuerySet[WebhookEndpoint]:
    """Every webhook, by address, with the error of its latest failed delivery
    (``last_error``: why a disabled one was disabled; the messages skipped or refused
    because it was disabled do not count). One query."""
    latest_error = (
        Message.objects.filter(endpoint=OuterRef("pk"))
        .exclude(last_error__in=["", ENDPOINT_DISABLED])
        .order_by("-created_at", "-id")
        .values("last_error")[:1]
    )
    return (
        WebhookEndpoint.objects.defer("secret", "previous_secret")
        .annotate(last_error=Subquery(latest_error))
        .order_by("url", "pk")
    )


def endpoint_get(pk: int) -> WebhookEndpoint:
    """One webhook (404 when unknown), without its secrets: no page shows them."""
    return get_object_or_404(WebhookEndpoint.objects.defer("secret", "previous_secret"), pk=pk)


def delivery_list(endpoint: WebhookEndpoint) -> list[Message]:
    """The latest ``DELIVERY_LOG_SIZE`` messages of a webhook, newest first. One query."""
    return list(
        Message.objects.filter(endpoint=endpoint)
        .only(*DELIVERY_FIELDS)
        .order_by("-created_at", "-id")[:DELIVERY_LOG_SIZE]
    )
