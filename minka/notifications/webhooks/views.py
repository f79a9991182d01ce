"""The coordinators' webhook pages: the list, create, edit, rotate the secret, enable, send a
test event, delete, and the delivery log of one webhook.

Coordinators and admins only (``can_manage_webhooks``): visitors are sent to sign in, other
roles get 403. A secret is shown once, in the answer to the POST that made it (never stored
in the session nor put in a URL), with ``Cache-Control: no-store``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minka.core.decorators import permission_required
from minka.notifications import permissions
from minka.notifications.kinds import kind_get
from minka.notifications.webhooks import forms, selectors, services
from minka.notifications.webhooks.services import ROTATION_OVERLAP

if TYPE_CHECKING:
    from django.http import HttpResponse

    from minka.core.http import AuthenticatedHttpRequest
    from minka.notifications.models import WebhookEndpoint

manage_webhooks = permission_required(permissions.can_manage_webhooks)


def kind_label(code: str) -> str:
    """A kind's label, or its code when no app registers it any more."""
    try:
        return str(kind_get(code).label)
    except LookupError:
        return code


@require_GET
@manage_webhooks
def webhook_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every webhook: address, events, active or disabled (when and why), failures."""
    endpoints = [
        (endpoint, [kind_label(code) for code in endpoint.kinds])
        for endpoint in selectors.endpoint_list()
    ]
    context = {"endpoints": endpoints, "max_failures": settings.WEBHOOK_MAX_FAILURES}
    return render(request, "notifications/webhookendpoint_list.html", context)


def _secret_page(
    request: AuthenticatedHttpRequest, endpoint: WebhookEndpoint, secret: str, *, created: bool
) -> HttpResponse:
    context = {
        "endpoint": endpoint,
        "secret": secret,
        "created": created,
        "overlap_hours": int(ROTATION_OVERLAP.total_seconds() // 3600),
    }
    response = render(request, "notifications/webhookendpoint_secret.html", context)
    add_never_cache_headers(response)
    return response


def _form_page(
    request: AuthenticatedHttpRequest,
    form: forms.WebhookEndpointForm,
    endpoint: WebhookEndpoint | None = None,
) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "endpoint": endpoint}
    return render(request, "notifications/webhookendpoint_form.html", context, status=status)


def _posted(request: AuthenticatedHttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
@manage_webhooks
def webhook_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a webhook; the answer shows its secret, once."""
    form = forms.WebhookEndpointForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(
                actor=request.user, **form.data_for_service()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _secret_page(request, endpoint, secret, created=True)
    return _form_page(request, form)


@require_http_methods(["GET", "POST"])
@manage_webhooks
def webhook_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    endpoint = selectors.endpoint_get(pk)
    form = forms.WebhookEndpointForm(
        _posted(request), initial=forms.WebhookEndpointForm.initial_for(endpoint)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(
                actor=request.user, endpoint=endpoint, **form.data_for_service()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The webhook was updated."))
            return redirect("notifications:webhook-list")
    return _form_page(request, form, endpoint)


@require_http_methods(["GET", "POST"])
@manage_webhooks
def webhook_rotate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET explains and asks to confirm; POST makes a new secret and shows it, once."""
    endpoint = selectors.endpoint_get(pk)
    if request.method == "POST":
        endpoint, secret = services.endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
        return _secret_page(request, endpoint, secret, created=False)
    context = {
        "endpoint": endpoint,
        "overlap_hours": int(ROTATION_OVERLAP.total_seconds() // 3600),
    }
    return render(request, "notifications/webhookendpoint_rotate.html", context)


@require_POST
@manage_webhooks
def webhook_enable(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    endpoint = selectors.endpoint_get(pk)
    services.endpoint_enable(actor=request.user, endpoint=endpoint)
    messages.success(request, _("The webhook is active again."))
    return redirect("notifications:webhook-list")


@require_POST
@manage_webhooks
def webhook_test(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Queue a test event for this webhook; its delivery log shows how it went."""
    endpoint = selectors.endpoint_get(pk)
    try:
        services.endpoint_test(actor=request.user, endpoint=endpoint)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("A test event was queued. Reload this page in a few seconds to see how it went."),
        )
    return redirect("notifications:webhook-deliveries", pk=endpoint.pk)


@require_http_methods(["GET", "POST"])
@manage_webhooks
def webhook_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deletes the webhook and its delivery log."""
    endpoint = selectors.endpoint_get(pk)
    if request.method == "POST":
        services.endpoint_delete(actor=request.user, endpoint=endpoint)
        messages.success(request, _("The webhook was deleted."))
        return redirect("notifications:webhook-list")
    return render(
        request, "notifications/webhookendpoint_confirm_delete.html", {"endpoint": endpoint}
    )


@require_GET
@manage_webhooks
def webhook_deliveries(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The latest 50 messages of a webhook: when, event, status, HTTP status, attempts, the
    last error."""
    endpoint = selectors.endpoint_get(pk)
    deliveries = [
        (message, kind_label(message.kind)) for message in selectors.delivery_list(endpoint)
    ]
    context = {
        "endpoint": endpoint,
        "deliveries": deliveries,
        "log_size": selectors.DELIVERY_LOG_SIZE,
        "max_failures": settings.WEBHOOK_MAX_FAILURES,
    }
    return render(request, "notifications/webhookendpoint_deliveries.html", context)
