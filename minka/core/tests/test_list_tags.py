"""The list-row helpers print what Django's own filters and get_FOO_display print."""

from __future__ import annotations

import datetime

from django.template import engines
from django.test import SimpleTestCase
from django.utils import translation

from minka.documents.models import Document, Kind
from minka.meetings.models import Meeting

START = datetime.datetime(2026, 3, 2, 15, 30, tzinfo=datetime.UTC)  # 10:30 in Lima
END = datetime.datetime(2026, 3, 3, 4, 5, tzinfo=datetime.UTC)  # 23:05 the day before


def _render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


class ListTagTests(SimpleTestCase):
    def test_time_span_matches_the_date_filters(self) -> None:
        django = (
            '<time datetime="{{ s|date:\'c\' }}">{{ s|date:"l" }}, {{ s|date:"DATE_FORMAT" }}, '
            '{{ s|time:"H:i" }}–{{ e|time:"H:i" }}</time>'
        )
        for language in ("es", "en"):
            with self.subTest(language=language), translation.override(language):
                ours = _render("{% load minka_time %}{% time_span s e %}", s=START, e=END)
                self.assertEqual(ours, _render(django, s=START, e=END))
                self.assertIn("10:30–23:05", ours)

    def test_local_date_matches_the_date_filter(self) -> None:
        for value in (START, END, START.date(), None):
            for language in ("es", "en"):
                with self.subTest(value=value, language=language), translation.override(language):
                    self.assertEqual(
                        _render("{% load minka_time %}{{ v|local_date }}", v=value),
                        _render('{{ v|date:"DATE_FORMAT" }}', v=value),
                    )

    def test_choice_label_matches_get_display(self) -> None:
        meeting = Meeting(status=Meeting.Status.HELD, modality="online", visibility="members")
        document = Document(kind=Kind.REPORT, visibility="public")
        for language in ("es", "en"):
            with translation.override(language):
                for obj, name in (
                    (meeting, "status"),
                    (meeting, "modality"),
                    (meeting, "visibility"),
                    (document, "kind"),
                ):
                    with self.subTest(name=name, language=language):
                        self.assertEqual(
                            _render("{% load minka_lists %}{{ o|choice_label:n }}", o=obj, n=name),
                            str(getattr(obj, f"get_{name}_display")()),
                        )
        meeting.status = "unknown<b>"
        self.assertEqual(
            _render('{% load minka_lists %}{{ o|choice_label:"status" }}', o=meeting),
            "unknown&lt;b&gt;",
        )
