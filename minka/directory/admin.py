from django.contrib import admin

from minka.core.admin import AuditedModelAdmin
from minka.directory.models import Organization


@admin.register(Organization)
class OrganizationAdmin(AuditedModelAdmin):
    list_display = ["name", "acronym", "membership_status", "is_demo"]
    list_filter = ["membership_status"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}
