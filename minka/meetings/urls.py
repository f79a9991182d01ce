"""Routes under ``/reuniones/``; each area's views module lists its own routes."""

from __future__ import annotations

from minka.meetings.minutes import export_views as minutes_exports
from minka.meetings.minutes import views as minutes
from minka.meetings.views import attendance, calendar, importer, meetings

app_name = "meetings"

urlpatterns = [
    *calendar.urlpatterns,
    *importer.urlpatterns,
    *meetings.urlpatterns,
    *attendance.urlpatterns,
    *minutes.urlpatterns,
    *minutes_exports.urlpatterns,
]
