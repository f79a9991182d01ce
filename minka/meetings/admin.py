"""Meetings in the Django admin: series are managed here; meetings and minutes are only
listed, since they are run from the site's pages (invitations, calendars, the minutes cycle)."""

from __future__ import annotations

from django.contrib import admin

from minka.core.admin import ReadOnlyForCoordinatorsAdmin
from minka.directory.admin import CoordinatorModelAdmin
from minka.meetings.minutes.models import Minutes
from minka.meetings.models import Meeting, Series


@admin.register(Series)
class SeriesAdmin(CoordinatorModelAdmin):
    list_display = ("title", "cadence", "interval_weeks", "visibility")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyForCoordinatorsAdmin):
    list_display = ("title", "series", "number", "starts_at", "status", "visibility")
    list_filter = ("status", "visibility", "series")
    search_fields = ("title",)
    exclude = ("checkin_code", "online_url")


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyForCoordinatorsAdmin):
    list_display = ("meeting", "status", "visibility", "approved_at", "published_at")
    list_filter = ("status", "visibility")
    exclude = ("current_revision",)
