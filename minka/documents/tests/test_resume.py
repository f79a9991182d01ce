"""A version left "processing" by a worker that died is taken over by the same task run again
(``minka db_worker`` queues it again; fault test FW in ``bench/faults.py``), and only then."""

from __future__ import annotations

import shutil
import tempfile

from django.test import TestCase, override_settings

from minka.documents import services
from minka.documents.models import Version
from minka.documents.tests.factories import DocumentFactory, add_version


class ResumeTests(TestCase):
    def setUp(self) -> None:
        folder = tempfile.mkdtemp(prefix="minka-media-")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        media = override_settings(MEDIA_ROOT=folder)
        media.enable()
        self.addCleanup(media.disable)
        document = DocumentFactory.create()
        self.version = add_version(
            document, text="Acta de la reunión de la red", status=Version.Status.PROCESSING
        )

    def test_a_first_run_leaves_a_version_another_run_is_processing(self) -> None:
        services.version_process(version_id=self.version.pk)
        self.version.refresh_from_db()
        self.assertEqual(self.version.status, Version.Status.PROCESSING)

    def test_a_resumed_run_finishes_the_version_its_dead_run_left(self) -> None:
        services.version_process(version_id=self.version.pk, resumed=True)
        self.version.refresh_from_db()
        self.assertEqual(self.version.status, Version.Status.DONE, self.version.detail)
        self.assertIn("Acta de la reunión", self.version.text)
        self.assertEqual(self.version.attempts, 1)

    def test_a_finished_version_is_not_redone_by_a_resumed_run(self) -> None:
        Version.objects.filter(pk=self.version.pk).update(status=Version.Status.DONE, text="x")
        services.version_process(version_id=self.version.pk, resumed=True)
        self.version.refresh_from_db()
        self.assertEqual(self.version.text, "x")
