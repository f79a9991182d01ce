"""Objects of the meetings app that the admin's generated matrix entries need."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.meetings.minutes.models import Minutes
from minka.meetings.tests.factories import MeetingFactory, SeriesFactory

if TYPE_CHECKING:
    from minka.core.tests.access_matrix import Access

MATRIX: dict[str, Access] = {}


def setup_objects(case: Any, objects: Any) -> None:
    objects.admin_series = SeriesFactory.create(slug="serie-admin")
    objects.admin_meeting = MeetingFactory.create(series=objects.admin_series)
    objects.admin_minutes = Minutes.objects.create(meeting=objects.admin_meeting)
