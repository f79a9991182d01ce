"""Site-wide pages: home, health, privacy notice, accessibility statement, audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from minka.core.decorators import permission_required
from minka.core.models import AuditEntry
from minka.core.permissions import can_view_audit_log
from minka.core.privacy import NOTICE_VERSION
from minka.core.roles import Role, role_of

if TYPE_CHECKING:
    from minka.core.http import HtmxHttpRequest


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Whether Minka is up: ``{"status": "ok"}``, or 503 naming the failing component.

    Admins also see the number of tasks waiting in the queue; nobody else learns it.
    """
    from django_tasks_db.models import DBTaskResult

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        details = {}
        if role_of(request.user) >= Role.ADMIN:
            details = {"database": "ok", "pending_tasks": DBTaskResult.objects.ready().count()}
    except Exception:  # any database failure means "down", never a 500
        return JsonResponse({"status": "down", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", **details})


@require_GET
def privacy(request: HtmxHttpRequest) -> HttpResponse:
    return render(
        request,
        "core/privacy.html",
        {
            "controller": settings.CONTROLLER,
            "notice_version": NOTICE_VERSION,
            "task_retention_days": settings.TASK_RETENTION_DAYS,
            "task_failed_retention_days": settings.TASK_FAILED_RETENTION_DAYS,
            "application_unverified_days": settings.APPLICATION_UNVERIFIED_DAYS,
            "application_rejected_days": settings.APPLICATION_REJECTED_DAYS,
        },
    )


@require_GET
def accessibility(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@require_GET
@permission_required(can_view_audit_log)
def audit_list(request: HtmxHttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.select_related("actor")
    action = request.GET.get("action", "")
    if action in AuditEntry.Action.values:
        entries = entries.filter(action=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/auditentry_list.html",
        {"page": page, "actions": AuditEntry.Action.choices, "action": action},
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
