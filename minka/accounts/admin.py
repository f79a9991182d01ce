from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.accounts.models import Invitation, Membership, User
from minka.core.admin import AuditedModelAdmin

if TYPE_CHECKING:
    from django.db.models import Model
    from django.forms import ModelForm
    from django.http import HttpRequest


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


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
    inlines = [MembershipInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # People join by sign-up or invitation, never with a password typed by someone else.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "role", "") == User.Role.ADMIN)

    def save_model(
        self, request: HttpRequest, obj: Model, form: ModelForm[Any], change: bool
    ) -> None:
        if isinstance(obj, User) and "role" in form.changed_data:
            obj.role_granted_by = request.user  # type: ignore[assignment]
            obj.role_granted_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Invitation)
class InvitationAdmin(AuditedModelAdmin):
    list_display = ["email", "organization", "invited_by", "created_at", "expires_at"]
    search_fields = ["email", "organization__name"]
    readonly_fields = [
        "email",
        "organization",
        "person",
        "invited_by",
        "accepted_at",
        "accepted_by",
    ]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invitations are sent from /invitaciones/, which emails the link


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "organization", "title", "created_at"]
    search_fields = ["user__email", "user__full_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]
