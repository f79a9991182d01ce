from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.accounts.models import User
from minka.core.admin import AuditedModelAdmin

if TYPE_CHECKING:
    from django.db.models import Model
    from django.forms import ModelForm
    from django.http import HttpRequest


@admin.register(User)
class UserAdmin(AuditedModelAdmin):
    list_display = ["email", "full_name", "role", "is_active", "last_login", "is_demo"]
    list_filter = ["role", "is_active", "is_demo"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "language"]}),
        (_("Role"), {"fields": ["role", "is_active", "role_granted_by", "role_granted_at"]}),
        (_("Record"), {"fields": ["date_joined", "last_login", "notice_version", "is_demo"]}),
    ]
    readonly_fields = [
        "role_granted_by",
        "role_granted_at",
        "date_joined",
        "last_login",
        "notice_version",
        "is_demo",
    ]
    # minka.directory.admin adds the user's memberships as an inline.

    def has_add_permission(self, request: HttpRequest) -> bool:
        # People join by sign-up or invitation, never with a password typed by someone else.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "role", "") == User.Role.ADMIN)

    def save_model(
        self, request: HttpRequest, obj: Model, form: ModelForm[Any], change: bool
    ) -> None:
        if isinstance(obj, User) and "role" in form.changed_data:
            # Ignored type error: the admin's request.user is a signed-in User.
            obj.role_granted_by = request.user  # type: ignore[assignment]
            obj.role_granted_at = timezone.now()
        super().save_model(request, obj, form, change)
