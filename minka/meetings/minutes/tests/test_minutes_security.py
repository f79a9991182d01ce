"""Hostile text in every field of the minutes is inert on every page that shows it: the
minutes page, the revisions list, the comparison of revisions, the editor and the edit
conflict screen (XSS on version diffs and on conflict resolution is a known class of bugs)."""

from __future__ import annotations

import re

from django.test import override_settings
from django.urls import reverse

from minka.core.tests.base import RoleTestCase
from minka.meetings.minutes import services
from minka.meetings.minutes.content import (
    Agreement,
    Intervention,
    MinutesContent,
    NextMeeting,
    Presentation,
)
from minka.meetings.minutes.tests.factories import minutes_in
from minka.meetings.minutes.tests.test_minutes_views import editor_data

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '"><svg onload=alert(3)>',
    "[clic](javascript:alert(4))",
    "</td></tr><script>alert(5)</script>",
    "<ins>falso</ins><del>x</del><iframe src=//evil.example>",
]
RAW = ["<script", "<img", "<svg", "<iframe", 'href="javascript:']


def hostile(n: int) -> MinutesContent:
    p = " ".join(PAYLOADS) + f" v{n}"
    return MinutesContent(
        summary=p,
        presentations=[Presentation(title=p, presenter=p, organization=p, points=p)],
        interventions=[Intervention(topic=p, speaker=p, text=p)],
        agreements=[Agreement(text=p, responsible=p, due_date="2030-01-01")],
        next_meeting=NextMeeting(text=p),
        notes=p,
    )


@override_settings(LANGUAGE_CODE="en")
class XssTests(RoleTestCase):
    def assert_inert(self, body: str) -> None:
        lowered = body.lower()
        for raw in RAW:
            found = raw.lower() in lowered
            context = lowered[max(lowered.find(raw.lower()) - 80, 0) :][:200] if found else ""
            self.assertFalse(found, f"{raw} unescaped: {context}")

    def test_payloads_are_inert_everywhere(self) -> None:
        minutes = minutes_in("review", actor=self.coord, content=hostile(1))
        services.observation_add(
            actor=self.mem_a, minutes=minutes, section="summary", text=" ".join(PAYLOADS)
        )
        services.minutes_approve(actor=self.coord, minutes=minutes)
        services.minutes_publish(actor=self.coord, minutes=minutes, visibility="public")
        services.minutes_erratum(
            actor=self.coord,
            minutes=minutes,
            content=hostile(2),
            reason=" ".join(PAYLOADS),
            base_revision=2,
        )
        public_id = minutes.meeting.public_id
        pages = {
            "detail": reverse("meetings:minutes-detail", args=[public_id]),
            "revisions": reverse("meetings:minutes-revisions", args=[public_id]),
            "compare": reverse("meetings:minutes-compare", args=[public_id]) + "?a=2&b=3",
            "compare-from-empty": reverse("meetings:minutes-compare", args=[public_id])
            + "?a=1&b=3",
            "erratum": reverse("meetings:minutes-erratum", args=[public_id]),
        }
        for name, page in pages.items():
            for persona in ("anon", "mem_a", "coord"):
                response = self.as_(persona).get(page)
                if response.status_code != 200:
                    continue
                with self.subTest(page=name, persona=persona):
                    self.assert_inert(self._main(response.content.decode()))
        compare = self.as_("coord").get(pages["compare"]).content.decode()
        self.assertIn("&lt;script&gt;", compare)
        self.assertIn("<ins>v2</ins>", compare)
        detail = self.as_("mem_a").get(pages["detail"]).content.decode()
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", detail)

    def test_the_conflict_screen_escapes_both_texts(self) -> None:
        minutes = minutes_in("draft", actor=self.coord, content=hostile(1))
        services.minutes_save(
            actor=self.coord, minutes=minutes, content=hostile(2), base_revision=2
        )
        response = self.as_("admin").post(
            reverse("meetings:minutes-edit", args=[minutes.meeting.public_id]),
            editor_data(hostile(3), 2),
        )
        self.assertEqual(response.status_code, 409)
        self.assert_inert(self._main(response.content.decode()))
        self.assertIn("<ins>v3</ins>", response.content.decode())

    @staticmethod
    def _main(body: str) -> str:
        """The page's main content (the layout's own script tag is not user content), less
        the external scripts of its widgets (the picker's filter box)."""
        main = body[body.index('<main id="main"') : body.index("</main>")]
        return re.sub(r'<script src="/static/minka/\w+\.js" defer></script>', "", main)
