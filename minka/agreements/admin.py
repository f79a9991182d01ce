"""The agreements in the administration site: coordinators read them there; every change is
made on the site's pages, through the services."""

from __future__ import annotations

from django.contrib import admin

from minka.agreements.models import Commitment, Goal
from minka.core.admin import ReadOnlyForCoordinatorsAdmin


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyForCoordinatorsAdmin):
    list_display = ["title", "status", "progress", "due_date", "visibility", "is_demo"]
    list_filter = ["status", "visibility", "is_demo"]
    search_fields = ["title"]


@admin.register(Goal)
class GoalAdmin(ReadOnlyForCoordinatorsAdmin):
    list_display = ["title", "deadline", "mode", "visibility", "is_demo"]
    list_filter = ["mode", "visibility"]
    search_fields = ["title"]
