"""Writes about outgoing webhooks: coordinators register, change, rotate, enable, test and
delete endpoints; the webhook channel records each delivery's effect on its endpoint's health.

The URL is checked with :func:`minka.core.outbound.check_url` (https, a public address after
DNS resolution) **before** the transaction opens: the lookup may take seconds, and SQLite's
write lock must not wait on it. The channel checks it again on every delivery.

A secret is returned once, by the service that made it (creation, rotation), for the page
that shows it once; the audit log records that it changed, never its value, and names an
endpoint by id and host (a URL's path often carries the receiver's own token).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.core import outbound
from minka.core.permissions import require
from minka.core.services import audit_record
from minka.notifications import permissions
from minka.notifications.kinds import Channel, announced_kinds
from minka.notifications.models import Message, WebhookEndpoint
from minka.notifications.webhooks import signing
from minka.notifications.webhooks.ping import TEST_KIND

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from minka.core.types import Actor

# After a rotation the previous secret still signs deliveries this long, so receivers can be
# given the new one without losing events.
ROTATION_OVERLAP = timedelta(hours=24)
URL_MAX_LENGTH = 500  # WebhookEndpoint.url
DESCRIPTION_MAX_LENGTH = 200
ENDPOINT_DISABLED = "endpoint disabled"


def endpoint_label(endpoint: WebhookEndpoint) -> str:
    """How the audit log names an endpoint: ``webhook <id> (<host>)``."""
    host = urlsplit(endpoint.url).hostname or "?"
    return f"webhook {endpoint.pk} ({host})"


def _clean_url(url: str) -> str:
    """The URL, stripped, if Minka may send requests to it now; ``ValidationError`` (on the
    ``url`` field) with the outbound guard's sentence otherwise."""
    url = url.strip()
    if len(url) > URL_MAX_LENGTH:
        raise ValidationError(
            {
                "url": _("A web address has at most %(count)d characters.")
                % {"count": URL_MAX_LENGTH}
            },
            code="max_length",
        )
    try:
        outbound.check_url(url)
    except outbound.OutboundRefused as error:
        raise ValidationError({"url": str(error.message)}, code=error.code) from None
    return url


def _clean_kinds(kinds: Iterable[str]) -> list[str]:
    """The chosen kinds, in registration order, if each one is announced (public)."""
    chosen = set(kinds)
    if not chosen:
        raise ValidationError({"kinds": _("Choose at least one event.")}, code="required")
    known = [kind.code for kind in announced_kinds()]
    unknown = sorted(chosen - set(known))
    if unknown:
        raise ValidationError(
            {
                "kinds": _("These events cannot be sent to webhooks: %(kinds)s.")
                % {"kinds": ", ".join(unknown)}
            },
            code="invalid_choice",
        )
    return [code for code in known if code in chosen]


def _clean_description(description: str) -> str:
    description = " ".join(description.split())
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            {
                "description": _("A description has at most %(count)d characters.")
                % {"count": DESCRIPTION_MAX_LENGTH}
            },
            code="max_length",
        )
    return description


def endpoint_create(
    *, actor: Actor, url: str, description: str, kinds: Iterable[str]
) -> tuple[WebhookEndpoint, str]:
    """Register a webhook for announced ``kinds`` and return it with its new secret (shown
    once to the coordinator; Minka keeps it to sign, and never shows it again)."""
    require(permissions.can_manage_webhooks(actor))
    description = _clean_description(description)
    kinds = _clean_kinds(kinds)
    url = _clean_url(url)
    secret = signing.secret_generate()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            url=url, description=description, kinds=kinds, secret=secret
        )
        audit_record(
            actor=actor,
            action="create",
            target=endpoint,
            target_repr=endpoint_label(endpoint),
            changes={"kinds": [None, kinds], "secret": ["***", "***"]},
        )
    return endpoint, secret


def endpoint_update(
    *,
    actor: Actor,
    endpoint: WebhookEndpoint,
    url: str,
    description: str,
    kinds: Iterable[str],
) -> WebhookEndpoint:
    """Change a webhook's address, description or events (a new address is checked)."""
    require(permissions.can_manage_webhooks(actor))
    description = _clean_description(description)
    kinds = _clean_kinds(kinds)
    url = url.strip()
    if url != endpoint.url:
        url = _clean_url(url)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        changes: dict[str, list[object]] = {}
        if url != endpoint.url:
            changes["url"] = [urlsplit(endpoint.url).hostname, urlsplit(url).hostname]
        if description != endpoint.description:
            changes["description"] = [endpoint.description, description]
        if kinds != endpoint.kinds:
            changes["kinds"] = [endpoint.kinds, kinds]
        if changes:
            endpoint.url, endpoint.description, endpoint.kinds = url, description, kinds
            endpoint.save(update_fields=["url", "description", "kinds", "updated_at"])
            audit_record(
                actor=actor,
                action="update",
                target=endpoint,
                target_repr=endpoint_label(endpoint),
                changes=changes,
            )
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(
    *, actor: Actor, endpoint: WebhookEndpoint, now: datetime | None = None
) -> tuple[WebhookEndpoint, str]:
    """Give a webhook a new secret and return it (shown once). The current secret becomes
    the previous one and still signs deliveries for 24 hours (both signatures are sent), so
    the receiver can switch without losing an event. A second rotation within those hours
    drops the oldest secret."""
    require(permissions.can_manage_webhooks(actor))
    now = now or timezone.now()
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = signing.secret_generate()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = now + ROTATION_OVERLAP
    endpoint.secret = secret
    endpoint.save(
        update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="update",
        target=endpoint,
        target_repr=endpoint_label(endpoint),
        changes={"secret": ["***", "***"]},
    )
    return endpoint, secret


@transaction.atomic
def endpoint_enable(*, actor: Actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Enable a webhook again (after it was disabled for its failures), with a fresh count.
    The messages skipped while it was disabled stay skipped."""
    require(permissions.can_manage_webhooks(actor))
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.active and not endpoint.failures:
        return endpoint
    before = {"active": endpoint.active, "failures": endpoint.failures}
    endpoint.active, endpoint.failures, endpoint.disabled_at = True, 0, None
    endpoint.save(update_fields=["active", "failures", "disabled_at", "updated_at"])
    audit_record(
        actor=actor,
        action="update",
        target=endpoint,
        target_repr=endpoint_label(endpoint),
        changes={
            "active": [before["active"], True],
            "failures": [before["failures"], 0],
        },
    )
    return endpoint


@transaction.atomic
def endpoint_delete(*, actor: Actor, endpoint: WebhookEndpoint) -> None:
    """Delete a webhook, with its messages (its delivery log)."""
    require(permissions.can_manage_webhooks(actor))
    audit_record(
        actor=actor,
        action="delete",
        target=endpoint,
        target_repr=endpoint_label(endpoint),
    )
    endpoint.delete()


@transaction.atomic
def endpoint_test(
    *, actor: Actor, endpoint: WebhookEndpoint, now: datetime | None = None
) -> Message:
    """Queue a test event (``{"test": true}``) for this webhook alone, through the outbox
    like any event; the delivery log shows how it went. A disabled webhook is refused: enable
    it first."""
    require(permissions.can_manage_webhooks(actor))
    if not WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).exists():
        raise ValidationError(_("Enable the webhook before sending it a test event."))
    now = now or timezone.now()
    return Message.objects.create(
        kind=TEST_KIND,
        channel=Channel.WEBHOOK,
        endpoint=endpoint,
        params={},
        language=settings.LANGUAGE_CODE,
        key=f"webhook-test:{endpoint.pk}:{uuid.uuid4().hex}",
        created_at=now,
        next_attempt_at=now,
    )


# --- Delivery outcomes (called by the webhook channel; no actor) ------------------------------


def endpoint_delivery_succeeded(*, endpoint: WebhookEndpoint) -> None:
    """A delivery went through: the count of failures in a row starts again."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).exclude(failures=0).update(failures=0)


def endpoint_delivery_failed(*, endpoint: WebhookEndpoint) -> bool:
    """Count one more failure in a row; at ``MINKA_WEBHOOK_MAX_FAILURES`` disable the webhook,
    skip its waiting messages and write it to the audit log. Returns whether this failure
    disabled it."""
    limit = settings.WEBHOOK_MAX_FAILURES
    with transaction.atomic():
        # The row lock makes concurrent failures (several threads or workers) count one each
        # and disable the endpoint once.
        locked = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint.pk).first()
        if locked is None:
            return False
        locked.failures += 1
        if not (locked.active and locked.failures >= limit):
            locked.save(update_fields=["failures"])
            return False
        locked.active = False
        locked.disabled_at = timezone.now()
        locked.save(update_fields=["failures", "active", "disabled_at", "updated_at"])
        skipped = Message.objects.filter(endpoint=locked, status=Message.Status.PENDING).update(
            status=Message.Status.SKIPPED, last_error=ENDPOINT_DISABLED, lease_until=None
        )
        audit_record(
            actor=None,
            action="update",
            target=locked,
            target_repr=endpoint_label(locked),
            changes={
                "active": [True, False],
                "failures": [locked.failures - 1, locked.failures],
                "skipped_messages": [0, skipped],
            },
        )
    return True
