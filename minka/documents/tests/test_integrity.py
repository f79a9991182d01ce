"""``minka check_integrity``: database against storage (minka/core/integrity.py)."""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import timedelta
from io import StringIO
from typing import TYPE_CHECKING

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from minka.core import integrity
from minka.core.tests.base import use_temporary_media
from minka.directory.tests.factories import OrganizationFactory
from minka.documents.tests.factories import DocumentFactory, add_version
from minka.meetings.tests.factories import MeetingFactory

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings

    from minka.core.tests.s3server import S3Server


class CheckIntegrityTests(TestCase):
    def setUp(self) -> None:
        self.media = use_temporary_media(self)
        self.version = add_version(DocumentFactory.create(), text="Acta de la reunión")
        self.name = self.version.file.name or ""

    def run_command(self, *args: str) -> tuple[int, str]:
        out = StringIO()
        try:
            call_command("check_integrity", *args, stdout=out, stderr=StringIO())
        except CommandError as error:
            return error.returncode, out.getvalue()
        return 0, out.getvalue()

    def age(self, name: str, seconds: int) -> None:
        past = time.time() - seconds
        os.utime(self.media / name, (past, past))

    def test_clean_store_exits_zero(self) -> None:
        code, out = self.run_command()
        self.assertEqual(code, 0)
        self.assertIn("clean", out)
        self.assertIn("Stored files checked: 1.", out)

    def test_deleted_version_file_is_missing(self) -> None:
        default_storage.delete(self.name)
        code, out = self.run_command()
        self.assertEqual(code, 1)
        self.assertIn("Missing files (a row names a file the storage does not have): 1", out)
        self.assertIn(self.name, out)
        self.assertIn(f"document version {self.version.pk}", out)

    def test_changed_bytes_are_corrupt(self) -> None:
        (self.media / self.name).write_bytes(b"otro contenido")
        code, out = self.run_command("--repair", "--grace-minutes", "0")
        self.assertEqual(code, 1)
        self.assertIn("Corrupt files (SHA-256 differs from the recorded one): 1", out)
        self.assertIn(f"expected SHA-256 {self.version.sha256}", out)
        # Never "fixed": the file is left as it is for a person to restore.
        self.assertTrue(default_storage.exists(self.name))

    def test_missing_preview_and_logo_are_reported(self) -> None:
        self.version.preview.name = f"previews/{self.version.sha256[:2]}/x.png"
        self.version.save(update_fields=["preview"])
        organization = OrganizationFactory.create()
        organization.logo.name = "logos/gone.png"
        organization.save(update_fields=["logo"])
        code, out = self.run_command()
        self.assertEqual(code, 1)
        self.assertIn("Missing files (a row names a file the storage does not have): 2", out)
        self.assertIn(f"preview of document version {self.version.pk}", out)
        self.assertIn(f"logo of organization {organization.pk}", out)

    def test_orphan_is_reported_and_kept_without_repair(self) -> None:
        name = default_storage.save("documents/ab/huerfano.txt", ContentFile(b"x"))
        self.age(name, 2 * 3600)
        code, out = self.run_command()
        self.assertEqual(code, 1)
        self.assertIn("Orphan files (referenced by no row): 1", out)
        self.assertIn(name, out)
        self.assertTrue(default_storage.exists(name))

    def test_repair_removes_only_orphans_older_than_grace(self) -> None:
        old = default_storage.save("logos/viejo.png", ContentFile(b"x"))
        self.age(old, 2 * 3600)
        fresh = default_storage.save("consent/subiendo.pdf", ContentFile(b"y"))
        code, out = self.run_command("--repair")
        self.assertEqual(code, 1)  # the fresh orphan remains
        self.assertFalse(default_storage.exists(old))
        self.assertTrue(default_storage.exists(fresh))
        self.assertIn(f"{old} [deleted]", out)
        self.assertIn("Orphan files deleted: 1.", out)
        self.assertIn("Orphan files kept: 1", out)
        self.assertTrue(default_storage.exists(self.name))

        code, out = self.run_command("--repair", "--grace-minutes", "0")
        self.assertEqual(code, 0)
        self.assertFalse(default_storage.exists(fresh))

    def test_minutes_pdf_of_existing_meeting_is_kept(self) -> None:
        meeting = MeetingFactory.create()
        kept = default_storage.save(f"minutes-pdf/{meeting.public_id}/a.pdf", ContentFile(b"p"))
        stale = default_storage.save(
            "minutes-pdf/00000000-0000-0000-0000-000000000000/a.pdf", ContentFile(b"p")
        )
        code, out = self.run_command()
        self.assertEqual(code, 1)
        self.assertNotIn(kept, out)
        self.assertIn(stale, out)

    def test_json_shape(self) -> None:
        default_storage.delete(self.name)
        code, out = self.run_command("--json")
        self.assertEqual(code, 1)
        data = json.loads(out)
        self.assertEqual(
            set(data), {"clean", "checked_files", "missing", "corrupt", "orphans", "removed"}
        )
        self.assertFalse(data["clean"])
        self.assertEqual(data["missing"]["count"], 1)
        self.assertEqual(
            data["missing"]["files"][0],
            {
                "name": self.name,
                "owner": f"document version {self.version.pk}",
                "detail": "",
            },
        )
        self.assertEqual(data["corrupt"], {"count": 0, "files": []})


@pytest.mark.slow
@pytest.mark.django_db
def test_same_report_on_s3(s3_server: S3Server, settings: Settings) -> None:
    """Only the Storage API is used: on S3 the same problems are found, and repaired."""
    from minka.core.tests.s3server import s3_storages

    settings.STORAGES = s3_storages(s3_server, location=f"t-{uuid.uuid4().hex}")
    good = add_version(DocumentFactory.create(), text="bien")
    gone = add_version(DocumentFactory.create(), text="perdido")
    changed = add_version(DocumentFactory.create(), text="cambiado")
    default_storage.delete(gone.file.name or "")
    default_storage.delete(changed.file.name or "")
    default_storage.save(changed.file.name or "", ContentFile(b"otros bytes"))
    orphan = default_storage.save("previews/ab/huerfano.png", ContentFile(b"x"))

    report = integrity.check()
    assert [p.name for p in report.missing] == [gone.file.name]
    assert [p.name for p in report.corrupt] == [changed.file.name]
    assert [p.name for p in report.orphans] == [orphan]
    assert report.checked_files == 2

    report = integrity.check(repair=True, grace=timedelta(0))
    assert report.removed == [orphan]
    assert not default_storage.exists(orphan)
    assert default_storage.exists(good.file.name or "")
