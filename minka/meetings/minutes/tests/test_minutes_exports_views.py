"""The minutes download view: permissions per role and state, headers, the rate limit,
the stored PDF and missing Pango."""

from __future__ import annotations

import json
import sys
from unittest import mock

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.meetings.minutes import export_views, exports, pdf_store
from minka.meetings.minutes.exports import pdf as pdf_export
from minka.meetings.minutes.models import Minutes
from minka.meetings.minutes.tests.factories import minutes_with


class ExportViewTests(RoleTestCase):
    """``meetings:minutes-export``: who may download what, and how."""

    drafted: Minutes
    reviewed: Minutes
    public: Minutes
    members: Minutes

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.drafted = minutes_with(status=Minutes.Status.DRAFT, number=3)
        cls.reviewed = minutes_with(status=Minutes.Status.REVIEW, number=4)
        cls.public = minutes_with(status=Minutes.Status.PUBLISHED, approved_by=cls.coord, number=5)
        cls.members = minutes_with(
            status=Minutes.Status.PUBLISHED,
            visibility=Visibility.MEMBERS,
            approved_by=cls.coord,
            number=6,
        )

    def setUp(self) -> None:
        cache.clear()

    @staticmethod
    def url(minutes: Minutes, fmt: str) -> str:
        return reverse("meetings:minutes-export", args=[minutes.meeting.public_id, fmt])

    def _statuses(self, minutes: Minutes, fmt: str = "md") -> dict[str, int]:
        personas = ("anon", "reg", "mem_a", "mem_b", "coord", "admin")
        return {p: self.as_(p).get(self.url(minutes, fmt)).status_code for p in personas}

    def test_draft_minutes_are_for_coordinators_only(self) -> None:
        self.assertEqual(
            self._statuses(self.drafted),
            {"anon": 404, "reg": 404, "mem_a": 404, "mem_b": 404, "coord": 200, "admin": 200},
        )

    def test_minutes_in_review_are_for_members(self) -> None:
        self.assertEqual(
            self._statuses(self.reviewed, "json"),
            {"anon": 404, "reg": 404, "mem_a": 200, "mem_b": 200, "coord": 200, "admin": 200},
        )

    def test_published_public_minutes_are_for_everyone(self) -> None:
        self.assertEqual(set(self._statuses(self.public, "docx").values()), {200})

    def test_published_members_minutes_are_for_members(self) -> None:
        self.assertEqual(
            self._statuses(self.members),
            {"anon": 404, "reg": 404, "mem_a": 200, "mem_b": 200, "coord": 200, "admin": 200},
        )

    def test_members_only_meeting_hides_its_public_minutes_from_visitors(self) -> None:
        minutes = minutes_with(
            status=Minutes.Status.PUBLISHED, number=7, visibility=Visibility.PUBLIC
        )
        minutes.meeting.visibility = Visibility.MEMBERS
        minutes.meeting.save(update_fields=["visibility"])
        self.assertEqual(self.as_("anon").get(self.url(minutes, "md")).status_code, 404)
        response = self.as_("mem_a").get(self.url(minutes, "md"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_unknown_format_meeting_or_missing_revision_answer_404(self) -> None:
        coord = self.as_("coord")
        for fmt in ("html", "PDF", "pdf.exe", "txt"):
            self.assertEqual(coord.get(self.url(self.public, fmt)).status_code, 404)
        unknown = "/reuniones/00000000-0000-4000-8000-000000000000/acta.pdf"
        self.assertEqual(coord.get(unknown).status_code, 404)
        Minutes.objects.filter(pk=self.drafted.pk).update(current_revision=None)
        self.assertEqual(coord.get(self.url(self.drafted, "md")).status_code, 404)

    def test_only_get_is_allowed(self) -> None:
        coord = self.as_("coord")
        self.assertEqual(coord.post(self.url(self.public, "pdf")).status_code, 405)
        self.assertEqual(coord.delete(self.url(self.public, "md")).status_code, 405)

    def test_pdf_download_headers(self) -> None:
        response = self.as_("anon").get(self.url(self.public, "pdf"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.getvalue().startswith(b"%PDF"))
        self.assertEqual(
            response["Content-Disposition"],
            'attachment; filename="acta-reunion-5-2026-11-28.pdf"; '
            "filename*=UTF-8''acta-reunion-5-2026-11-28.pdf",
        )
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("sandbox", response["Content-Security-Policy"])
        self.assertEqual(response["Cache-Control"], "private, max-age=300")

    def test_text_formats_carry_a_charset_and_private_answers_are_not_stored(self) -> None:
        member = self.as_("mem_a")
        md = member.get(self.url(self.members, "md"))
        self.assertEqual(md["Content-Type"], "text/markdown; charset=utf-8")
        self.assertEqual(md["Cache-Control"], "private, no-store")
        self.assertIn("attachment;", md["Content-Disposition"])
        js = member.get(self.url(self.reviewed, "json"))
        self.assertEqual(js["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(js["Cache-Control"], "private, no-store")
        self.assertEqual(json.loads(js.content)["minutes"]["status"], "review")
        docx_answer = member.get(self.url(self.reviewed, "docx"))
        self.assertEqual(docx_answer["Content-Type"], exports.CONTENT_TYPES["docx"])
        self.assertTrue(docx_answer["Content-Disposition"].endswith(".docx"))

    @override_settings(LANGUAGE_CODE="en")
    def test_without_pango_the_pdf_link_names_the_packages_to_install(self) -> None:
        """Importing WeasyPrint fails where Pango is missing: a 503 page, not a 500."""
        with mock.patch.dict(sys.modules, {"weasyprint": None}):
            response = self.as_("anon").get(self.url(self.public, "pdf"))
            other = self.as_("anon").get(self.url(self.public, "md"))
        self.assertEqual(response.status_code, 503)
        self.assertContains(response, "libpango-1.0-0 libpangoft2-1.0-0", status_code=503)
        self.assertContains(response, self.url(self.public, "docx"), status_code=503)
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertEqual(other.status_code, 200)

    def test_loader_turns_a_missing_library_into_pdf_unavailable(self) -> None:
        with (
            mock.patch.dict(sys.modules, {"weasyprint": None}),
            self.assertRaises(exports.PdfUnavailable),
        ):
            pdf_export._weasyprint()

    def test_pdf_generation_is_rate_limited_per_client(self) -> None:
        url = self.url(self.public, "pdf")
        anon = self.as_("anon")
        with (
            mock.patch.object(export_views, "PDF_RATE_LIMIT", 2),
            mock.patch.object(exports, "html_to_pdf", return_value=b"%PDF-1.7 test"),
            mock.patch.object(pdf_store, "exists", return_value=False),  # every answer renders
        ):
            statuses = [anon.get(url).status_code for _ in range(3)]
            member = self.as_("mem_a").get(url).status_code
            markdown = [anon.get(self.url(self.public, "md")).status_code for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        self.assertEqual(member, 200)  # another client
        self.assertEqual(markdown, [200, 200, 200])  # cheap formats are not limited

    def test_a_stored_pdf_is_served_without_rendering_or_counting(self) -> None:
        url = self.url(self.public, "pdf")
        anon = self.as_("anon")
        with (
            mock.patch.object(export_views, "PDF_RATE_LIMIT", 2),
            mock.patch.object(exports, "html_to_pdf", return_value=b"%PDF-1.7 stored") as layout,
        ):
            answers = [anon.get(url) for _ in range(5)]
        self.assertEqual([a.status_code for a in answers], [200] * 5)
        self.assertEqual(layout.call_count, 1)
        self.assertEqual({a.getvalue() for a in answers}, {b"%PDF-1.7 stored"})

    def test_query_count_is_fixed(self) -> None:
        """Session, user, the minutes with meeting/series/revision/approver, the errata.
        (The first request of a session also records its activity: not counted here.)"""
        client = self.as_("mem_a")
        client.get(self.url(self.members, "json"))
        with self.assertNumQueries(4):
            response = client.get(self.url(self.members, "md"))
        self.assertEqual(response.status_code, 200)
        anon = self.as_("anon")
        with self.assertNumQueries(2):
            response = anon.get(self.url(self.public, "json"))
        self.assertEqual(response.status_code, 200)
