"""Canaries of the minutes exports: the text of draft minutes and of minutes in review (both
of public meetings) must reach neither the visitor nor a registered non-member through any
export (Markdown and JSON are crawled as text; PDF and DOCX are compressed, so their text
is checked in ``test_minutes_exports``)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from minka.meetings.minutes.exports import FORMATS
from minka.meetings.minutes.models import Minutes
from minka.meetings.minutes.tests.factories import export_content, minutes_with
from minka.meetings.tests.factories import MeetingFactory, SeriesFactory

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]
DRAFT_AGREEMENT = f"acuerdoborrador{_TAG}"
REVIEW_AGREEMENT = f"acuerdorevision{_TAG}"

# Minutes in review are read by every member (``mem_b`` included), so only the draft's
# text is a global canary; test_minutes_exports checks that anon and reg get 404 for
# every export of minutes in review.
CANARIES = [DRAFT_AGREEMENT]


def plant(case: Any) -> None:
    series = SeriesFactory.create(slug="canario-actas", title="Serie canaria de actas")
    case.canary_export_draft = minutes_with(
        meeting=MeetingFactory.create(series=series),
        status=Minutes.Status.DRAFT,
        content=export_content(agreements=[DRAFT_AGREEMENT]),
    )
    case.canary_export_review = minutes_with(
        meeting=MeetingFactory.create(series=series),
        status=Minutes.Status.REVIEW,
        content=export_content(agreements=[REVIEW_AGREEMENT]),
    )


def _urls(minutes: Minutes) -> list[str]:
    return [
        reverse("meetings:minutes-export", args=[minutes.meeting.public_id, fmt]) for fmt in FORMATS
    ]


def start_urls(case: Any) -> list[str]:
    return _urls(case.canary_export_draft) + _urls(case.canary_export_review)


def check_shown(test: RoleTestCase) -> None:
    """Coordinators export the draft; members export the minutes in review."""
    draft: Minutes = test.canary_export_draft  # type: ignore[attr-defined]
    review: Minutes = test.canary_export_review  # type: ignore[attr-defined]
    md, js = _urls(draft)[2:]
    test.assertContains(test.as_("coord").get(md), DRAFT_AGREEMENT)
    test.assertContains(test.as_("coord").get(js), DRAFT_AGREEMENT)
    test.assertContains(test.as_("mem_b").get(_urls(review)[2]), REVIEW_AGREEMENT)
