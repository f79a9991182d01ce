"""Canaries of the minutes that only coordinators may read: the text of a draft, and the
text of an early revision of minutes later published for everyone (revisions written before
the review opened stay with coordinators, even once the minutes are public). Members-only
canaries (minutes in review, observations) are crawled as ``anon`` and ``reg`` in
``test_minutes_canaries`` (members, ``mem_b`` included, may see them).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from minka.meetings.minutes import services
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.tests.factories import minutes_in, sample_content

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]
DRAFT_TEXT = f"borradorcanario{_TAG}"
EARLY_TEXT = f"primerborradorcanario{_TAG}"

CANARIES = [DRAFT_TEXT, EARLY_TEXT]


def plant(case: Any) -> None:
    draft = sample_content()
    draft.summary = f"Resumen con {DRAFT_TEXT}"
    draft.agreements[0].responsible = DRAFT_TEXT
    case.canary_draft_minutes = minutes_in("draft", actor=case.coord, content=draft)
    # Published minutes whose revision 2 (before the review) held a canary.
    early = MinutesContent(summary=f"Primera versión: {EARLY_TEXT}")
    published = minutes_in("draft", actor=case.coord, content=early)
    services.minutes_save(
        actor=case.coord, minutes=published, content=sample_content(), base_revision=2
    )
    services.minutes_open_review(
        actor=case.coord, minutes=published, deadline=timezone.now() + timedelta(days=3)
    )
    services.minutes_approve(actor=case.coord, minutes=published)
    services.minutes_publish(actor=case.coord, minutes=published, visibility="public")
    case.canary_published_minutes = published


def _compare(minutes: Any, a: int, b: int) -> str:
    url = reverse("meetings:minutes-compare", args=[minutes.meeting.public_id])
    return f"{url}?a={a}&b={b}"


def start_urls(case: Any) -> list[str]:
    """The comparisons that reach the early revision, which no page links for them."""
    published = case.canary_published_minutes
    return [_compare(published, 2, 3), _compare(published, 1, 2), _compare(published, 2, 4)]


def check_shown(test: RoleTestCase) -> None:
    """Coordinators read the draft and compare the early revision."""
    coord = test.as_("coord")
    draft = test.canary_draft_minutes  # type: ignore[attr-defined]
    test.assertContains(coord.get(draft.get_absolute_url()), DRAFT_TEXT)
    published = test.canary_published_minutes  # type: ignore[attr-defined]
    test.assertContains(coord.get(_compare(published, 2, 3)), EARLY_TEXT)
    # Everyone reads the published minutes themselves (without the early text).
    page = test.as_("anon").get(published.get_absolute_url())
    test.assertContains(page, "Enviar el informe")
    test.assertNotContains(page, EARLY_TEXT)
