"""ModelAdmin bases (audited; read-only for coordinators) and the audit log's admin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db import models, transaction

from minka.core.models import AuditEntry
from minka.core.roles import Role, role_of
from minka.core.services import audit_changes, audit_record, model_snapshot

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.forms import ModelForm
    from django.http import HttpRequest


class AuditedModelAdmin(admin.ModelAdmin[Any]):
    """Record every create, update and delete made through the admin."""

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: ModelForm[Any], change: bool
    ) -> None:
        with transaction.atomic():
            before: dict[str, Any] = {}
            if change and obj.pk is not None:
                previous = type(obj)._default_manager.filter(pk=obj.pk).first()
                before = model_snapshot(previous) if previous is not None else {}
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
                target=obj,
                changes=audit_changes(
                    before,
                    model_snapshot(obj),
                    redact=getattr(type(obj), "AUDIT_REDACT_VALUES", False),
                ),
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit_record(actor=request.user, action=AuditEntry.Action.DELETE, target=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(actor=request.user, action=AuditEntry.Action.DELETE, target=obj)
            super().delete_queryset(request, queryset)


class ReadOnlyForCoordinatorsAdmin(admin.ModelAdmin[Any]):
    """Lists and shows to coordinators; changes happen on the site's pages, through services."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) >= Role.COORDINATOR

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return role_of(request.user) >= Role.COORDINATOR

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """Admins only, read-only: the audit log is append-only, from the admin as from the ORM.
    Coordinators get 403 here as on /auditoria/: it holds every sign-in, export and
    second-factor change, with addresses and request ids."""

    list_display = ["created_at", "actor", "action", "target_type", "target_repr", "ip_address"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_repr", "actor__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return role_of(request.user) >= Role.ADMIN

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) >= Role.ADMIN


def audit_every_admin() -> None:
    """Give every registered ModelAdmin, including third-party ones, the audit behaviour.

    Called once the admin has discovered all ``admin.py`` modules. Django's groups are
    removed: roles are Minka's own (``User.role``), and groups would be a second source.
    """
    from django.contrib.auth.models import Group

    if admin.site.is_registered(Group):
        admin.site.unregister(Group)
    for model, model_admin in list(admin.site._registry.items()):
        if isinstance(model_admin, AuditedModelAdmin) or model is AuditEntry:
            continue
        audited = type(
            f"Audited{type(model_admin).__name__}", (AuditedModelAdmin, type(model_admin)), {}
        )
        admin.site.unregister(model)
        admin.site.register(model, audited)
