"""The directory in the Django admin, for coordinators and admins.

Coordinators hold no Django permissions (roles are Minka's own): each ModelAdmin answers
from the role. Coordinators view, add and change organizations, topics, people and
affiliations; only admins delete, and nobody deletes a person here (cancellation
anonymizes, through the data-rights requests). Consent events are the legal record: read
only, for everyone. Data-rights requests are viewed and moved along here, but closed on
their own page, which sends the answer and anonymizes on cancellation. Every save goes
through :class:`~minka.core.admin.AuditedModelAdmin`; uploaded images are re-encoded as
on the site.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from minka import search
from minka.accounts.admin import UserAdmin
from minka.core.admin import AuditedModelAdmin
from minka.core.roles import Role, role_of
from minka.directory import search_index, services
from minka.directory.models import (
    Affiliation,
    ConsentEvent,
    DataRequest,
    Invitation,
    Membership,
    Organization,
    Person,
    Topic,
)

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django.forms import ModelForm
    from django.http import HttpRequest


def _coordinator(request: HttpRequest) -> bool:
    return role_of(request.user) >= Role.COORDINATOR


def _admin(request: HttpRequest) -> bool:
    return role_of(request.user) >= Role.ADMIN


class CoordinatorModelAdmin(AuditedModelAdmin):
    """Coordinators view, add and change; admins also delete."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _coordinator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _coordinator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _coordinator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _coordinator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _admin(request)

    # The search index follows the admin's changes, as it follows the services'.

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)  # topics, after the row
        search_index.index_after_admin_change(form.instance)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        with transaction.atomic():
            related = search_index.related_entries(obj)
            if isinstance(obj, Organization | Person):
                search.remove_object(obj)
            super().delete_model(request, obj)
            for other in related:
                search.index_object(other)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            related = [other for obj in queryset for other in search_index.related_entries(obj)]
            for obj in queryset:
                if isinstance(obj, Organization | Person):
                    search.remove_object(obj)
            super().delete_queryset(request, queryset)
            for other in related:
                search.index_object(other)


@admin.register(Topic)
class TopicAdmin(CoordinatorModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class OrganizationAdminForm(forms.ModelForm[Organization]):
    class Meta:
        model = Organization
        fields = [
            "name",
            "acronym",
            "slug",
            "sector",
            "region",
            "description",
            "website",
            "public_email",
            "logo",
            "topics",
            "membership_status",
            "member_since",
            "member_until",
        ]

    def clean_logo(self) -> Any:
        """Re-encode a new logo, as the site's form does (a refusal is a form error)."""
        logo = self.cleaned_data.get("logo")
        if logo and "logo" in self.changed_data:
            return services.image_resize(
                logo, size=services.LOGO_SIZE, name=self.cleaned_data.get("slug") or "logo"
            )
        return logo


@admin.register(Organization)
class OrganizationAdmin(CoordinatorModelAdmin):
    form = OrganizationAdminForm
    list_display = ["name", "acronym", "sector", "region", "membership_status", "is_demo"]
    list_filter = ["membership_status", "sector", "region", "is_demo"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["topics"]
    readonly_fields = ["is_demo"]


class PersonAdminForm(forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = ["full_name", "email", "phone", "telegram", "bio", "photo"]

    def clean_photo(self) -> Any:
        """Re-encode a new photo, as "Mis datos" does (a refusal is a form error)."""
        photo = self.cleaned_data.get("photo")
        if photo and "photo" in self.changed_data:
            return services.image_resize(
                photo, size=services.PHOTO_SIZE, name=str(self.instance.public_id)
            )
        return photo


@admin.register(Person)
class PersonAdmin(CoordinatorModelAdmin):
    """People: consent and status change only through the person (or a paper form)."""

    form = PersonAdminForm
    list_display = ["full_name", "status", "source", "members_listing", "public_listing"]
    list_filter = ["status", "source", "is_demo"]
    search_fields = ["full_name", "email"]
    fieldsets = [
        (None, {"fields": ["full_name", "email", "phone", "telegram", "bio", "photo"]}),
        (
            _("Record"),
            {
                "fields": [
                    "public_id",
                    "status",
                    "source",
                    "source_detail",
                    "created_by",
                    "user",
                    "anonymized_at",
                    "is_demo",
                ]
            },
        ),
        (
            _("Consent (changed only by the person, or from a signed paper form)"),
            {
                "fields": [
                    "public_listing",
                    "members_listing",
                    "email_members",
                    "phone_members",
                    "telegram_members",
                    "photo_consent",
                    "email_notifications",
                    "telegram_notifications",
                ]
            },
        ),
    ]
    readonly_fields = [
        "public_id",
        "status",
        "source",
        "source_detail",
        "created_by",
        "user",
        "anonymized_at",
        "is_demo",
        "public_listing",
        "members_listing",
        "email_members",
        "phone_members",
        "telegram_members",
        "photo_consent",
        "email_notifications",
        "telegram_notifications",
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("user", "created_by")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status == Person.Status.ANONYMIZED:
            return False
        return _coordinator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cancellation anonymizes, through a data-rights request

    def save_model(
        self, request: HttpRequest, obj: Model, form: ModelForm[Any], change: bool
    ) -> None:
        if isinstance(obj, Person) and not change:
            # Added by someone else: pending until the person consents (R4).
            # Ignored type error: the admin's request.user is a signed-in User.
            obj.created_by = request.user  # type: ignore[assignment]
            obj.status = Person.Status.PENDING
            obj.source = Person.Source.COORDINATOR
        super().save_model(request, obj, form, change)


@admin.register(Affiliation)
class AffiliationAdmin(CoordinatorModelAdmin):
    list_display = ["person", "organization", "title", "start_date", "end_date", "is_focal_point"]
    list_filter = ["is_focal_point"]
    search_fields = ["person__full_name", "organization__name", "title"]
    autocomplete_fields = ["person", "organization"]
    list_select_related = ["person", "organization"]


@admin.register(ConsentEvent)
class ConsentEventAdmin(AuditedModelAdmin):
    """The consent record: never added, changed or deleted by hand."""

    list_display = ["created_at", "person", "purpose", "granted", "channel", "notice_version"]
    list_filter = ["purpose", "granted", "channel"]
    search_fields = ["person__full_name"]
    list_select_related = ["person"]
    date_hierarchy = "created_at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _coordinator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _coordinator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DataRequestAdminForm(forms.ModelForm[DataRequest]):
    """Only the handling steps before the answer: closing happens on the request's page."""

    status = forms.ChoiceField(
        label=_("status"),
        choices=[
            (DataRequest.Status.RECEIVED, DataRequest.Status.RECEIVED.label),
            (DataRequest.Status.IN_PROGRESS, DataRequest.Status.IN_PROGRESS.label),
        ],
        help_text=_("Close the request on its page in the directory: it sends the answer."),
    )

    class Meta:
        model = DataRequest
        fields = ["status", "identity_verified"]


@admin.register(DataRequest)
class DataRequestAdmin(AuditedModelAdmin):
    form = DataRequestAdminForm
    list_display = ["public_id", "kind", "status", "received_at", "due_date", "person"]
    list_filter = ["kind", "status"]
    search_fields = ["person__full_name"]
    list_select_related = ["person"]
    fields = [
        "public_id",
        "person",
        "kind",
        "details",
        "received_at",
        "due_date",
        "status",
        "identity_verified",
        "answer",
        "handled_by",
        "closed_at",
    ]
    readonly_fields = [
        "public_id",
        "person",
        "kind",
        "details",
        "received_at",
        "due_date",
        "answer",
        "handled_by",
        "closed_at",
    ]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _coordinator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _coordinator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests come from "Mis datos", with their due date computed

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.is_open:
            return False
        return _coordinator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline[Membership, Any]):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


# The memberships of a user, on the user's page of the accounts admin.
UserAdmin.inlines = [*UserAdmin.inlines, MembershipInline]


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
