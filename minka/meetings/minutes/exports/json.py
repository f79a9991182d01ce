"""JSON: the meeting, the minutes' state and content, and the errata (no contact data),
times in the site's time zone."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.utils import timezone

from minka.meetings.minutes.exports.data import export_data

if TYPE_CHECKING:
    from datetime import datetime

    from minka.meetings.minutes.exports.data import Erratum, ExportData
    from minka.meetings.minutes.models import Minutes, MinutesRevision


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def to_json(
    minutes: Minutes, revision: MinutesRevision, *, errata: list[Erratum] | None = None
) -> str:
    """The meeting, the minutes' state and content, and the errata (no contact data)."""
    return from_data(export_data(minutes, revision, errata=errata))


def from_data(data: ExportData) -> str:
    """The JSON of ``data`` (see :func:`to_json`)."""
    meeting, minutes = data.meeting, data.minutes
    document = {
        "meeting": {
            "id": str(meeting.public_id),
            "series": data.series,
            "number": meeting.number,
            "title": meeting.title,
            "starts_at": _iso(meeting.starts_at),
            "ends_at": _iso(meeting.ends_at),
            "time_zone": str(timezone.get_current_timezone()),
            "modality": meeting.modality,
            "place": meeting.place,
            "status": meeting.status,
        },
        "minutes": {
            "status": minutes.status,
            "approved_at": _iso(minutes.approved_at),
            "approved_by": str(minutes.approved_by) if minutes.approved_by else None,
            "published_at": _iso(minutes.published_at),
            "revision": data.revision.number,
            "revision_saved_at": _iso(data.revision.created_at),
            "content": data.content.to_json(),
        },
        "errata": [
            {"revision": e.revision, "reason": e.reason, "date": _iso(e.created_at)}
            for e in data.errata
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
