"""Stored minutes PDFs: rendered once per output, never stale, prepared in the background."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from unittest import mock

from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone, translation

from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.meetings import tasks
from minka.meetings.minutes import exports, pdf_store, services
from minka.meetings.minutes.tests.factories import minutes_in, sample_content

if TYPE_CHECKING:
    from minka.meetings.minutes.models import Minutes

FAKE_PDF = b"%PDF-1.7 fake"


def stored(minutes: Minutes) -> list[str]:
    try:
        return sorted(default_storage.listdir(pdf_store.folder(minutes))[1])
    except FileNotFoundError:
        return []


class PdfStoreTests(RoleTestCase):
    def setUp(self) -> None:
        layout = mock.patch.object(exports, "html_to_pdf", return_value=FAKE_PDF)
        self.layout = layout.start()
        self.addCleanup(layout.stop)

    def name(self, minutes: Minutes) -> str:
        minutes.refresh_from_db()
        assert minutes.current_revision is not None
        return pdf_store.lookup(minutes, minutes.current_revision)[0]

    def test_rendered_once_then_read_back(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        assert minutes.current_revision is not None
        first = pdf_store.get_or_render(minutes, minutes.current_revision)
        second = pdf_store.get_or_render(minutes, minutes.current_revision)
        self.assertEqual(first, second)
        self.assertEqual(self.layout.call_count, 1)
        with default_storage.open(first) as file:
            self.assertEqual(file.read(), FAKE_PDF)
        self.assertTrue(first.startswith(f"minutes-pdf/{minutes.meeting.public_id}/"))

    def test_every_change_of_the_output_changes_the_name(self) -> None:
        minutes = minutes_in("approved", actor=self.coord)
        approved = self.name(minutes)
        with translation.override("en"):
            english = self.name(minutes)
        services.minutes_publish(actor=self.coord, minutes=minutes, visibility=Visibility.PUBLIC)
        published = self.name(minutes)
        services.minutes_erratum(
            actor=self.coord,
            minutes=minutes,
            content=sample_content("corrected"),
            reason="A name was misspelt.",
            base_revision=minutes.current_revision.number,  # type: ignore[union-attr]
        )
        corrected = self.name(minutes)
        minutes.meeting.title = "Another title"
        minutes.meeting.save(update_fields=["title"])
        retitled = self.name(minutes)
        # Publication changes nothing printed: the approved PDF is served as it is.
        self.assertEqual(published, approved)
        names = [approved, english, corrected, retitled]
        self.assertEqual(len(set(names)), len(names), names)
        self.assertEqual(self.name(minutes), retitled)  # and nothing else moves it

    def test_approval_publication_and_errata_prepare_the_pdf_in_every_language(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        self.assertEqual(stored(minutes), [])
        with self.captureOnCommitCallbacks(execute=True):
            services.minutes_approve(actor=self.coord, minutes=minutes)
        self.assertEqual(len(stored(minutes)), 2)  # Spanish and English
        with self.captureOnCommitCallbacks(execute=True):
            services.minutes_publish(
                actor=self.coord, minutes=minutes, visibility=Visibility.MEMBERS
            )
        minutes.refresh_from_db()
        with self.captureOnCommitCallbacks(execute=True):
            services.minutes_erratum(
                actor=self.coord,
                minutes=minutes,
                content=sample_content("erratum"),
                reason="Wrong date.",
                base_revision=minutes.current_revision.number,  # type: ignore[union-attr]
            )
        self.assertEqual(len(stored(minutes)), 4)  # publication printed nothing new
        self.assertEqual(self.layout.call_count, 4)
        # The download after publication reads the stored file: no new layout.
        self.assertTrue(default_storage.exists(self.name(minutes)))

    def test_drafts_and_reviews_are_not_prepared(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            minutes = minutes_in("review", actor=self.coord)
        self.assertEqual(stored(minutes), [])
        self.assertEqual(self.layout.call_count, 0)

    def test_the_task_renders_only_what_is_missing(self) -> None:
        minutes = minutes_in("published-public", actor=self.coord)
        self.assertEqual(tasks.render_minutes_pdf.call(minutes.pk), 2)
        self.assertEqual(tasks.render_minutes_pdf.call(minutes.pk), 0)
        self.assertEqual(tasks.render_minutes_pdf.call(10**9), 0)  # minutes gone

    def test_without_weasyprint_the_task_gives_up_quietly(self) -> None:
        minutes = minutes_in("approved", actor=self.coord)
        self.layout.side_effect = exports.PdfUnavailable("no Pango")
        with self.assertLogs("minka.meetings.tasks", "WARNING"):
            self.assertEqual(tasks.render_minutes_pdf.call(minutes.pk), 0)
        self.assertEqual(stored(minutes), [])

    def test_each_minutes_keeps_only_its_newest_files(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        assert minutes.current_revision is not None
        for n in range(pdf_store.KEEP + 3):
            pdf_store.store(minutes, f"{pdf_store.folder(minutes)}/{n:02}.pdf", f"<p>{n}")
        self.assertEqual(len(stored(minutes)), pdf_store.KEEP)

    def test_deleting_the_meeting_deletes_its_pdfs(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        assert minutes.current_revision is not None
        pdf_store.get_or_render(minutes, minutes.current_revision)
        self.assertEqual(len(stored(minutes)), 1)
        with self.captureOnCommitCallbacks(execute=True):
            minutes.meeting.delete()
        self.assertEqual(stored(minutes), [])


@override_settings(LANGUAGE_CODE="en")
class RealPdfTests(RoleTestCase):
    def test_the_stored_file_is_the_rendered_pdf(self) -> None:
        minutes = minutes_in("published-public", actor=self.coord)
        assert minutes.current_revision is not None
        name = pdf_store.get_or_render(minutes, minutes.current_revision)
        with default_storage.open(name) as file:
            body = file.read()
        self.assertTrue(body.startswith(b"%PDF"))
        self.assertLess(
            timezone.now() - default_storage.get_modified_time(name), timedelta(minutes=1)
        )
