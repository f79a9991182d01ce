"""Uploading to the repository: several files at once, limits, refused and hostile files,
duplicates, who may upload, and the form with and without JavaScript."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse

from minka import search
from minka.core.models import AuditEntry
from minka.core.visibility import Visibility
from minka.directory.models import Topic
from minka.documents.models import Document, Version
from minka.documents.tests.factories import DocumentFactory, add_version
from minka.documents.tests.views_base import METADATA, RepositoryTestCase, png_bytes, upload


@override_settings(LANGUAGE_CODE="en")
class UploadTests(RepositoryTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Files outlive the rolled-back rows of the previous test: start each test empty.
        self.addCleanup(shutil.rmtree, Path(default_storage.path("documents")), True)

    def test_a_member_uploads_several_files_at_once(self) -> None:
        response = self.post_upload(
            "mem_a",
            [
                upload("Red_dorsal-selva.txt", b"La Red Dorsal Nacional llega a la selva."),
                upload("datos.csv", "región,conexiones\nLoreto,12\n".encode()),
            ],
            topics=[Topic.objects.create(name="Conectividad", slug="conectividad").pk],
            organizations=[self.org_a.pk],
        )
        self.assertRedirects(response, reverse("documents:document-list") + "?mine=1")
        documents = sorted(Document.objects.all(), key=lambda d: d.title.lower())
        self.assertEqual([d.title for d in documents], ["datos", "Red dorsal selva"])
        for document in documents:
            version = document.versions.get()
            self.assertEqual(document.latest_version, version)
            self.assertEqual(version.uploaded_by, self.mem_a)
            self.assertEqual(version.status, Version.Status.DONE, version.detail)
            self.assertEqual(len(version.sha256), 64)
            self.assertEqual(document.visibility, Visibility.MEMBERS)
            self.assertEqual(list(document.organizations.all()), [self.org_a])
            self.assertEqual(
                AuditEntry.objects.filter(target_id=str(document.pk), action="create").count(), 1
            )
        txt = Document.objects.get(title="Red dorsal selva").latest_version
        assert txt is not None
        self.assertEqual(txt.file_type, "txt")
        self.assertIn("Red Dorsal Nacional", txt.text)
        self.assertTrue(str(txt.file.name).startswith("documents/"))
        self.assertNotIn("Red_dorsal", str(txt.file.name))  # generated name, not the upload's
        # Searchable at once, without accents, by members only.
        results = search.search("region selva", user=self.mem_b)
        self.assertEqual(results.total, 0)  # two words in two documents: none has both
        self.assertEqual(search.search("selva", user=self.mem_b).total, 1)
        self.assertEqual(search.search("selva", user=AnonymousUser()).total, 0)

    def test_one_file_takes_the_title_given(self) -> None:
        response = self.post_upload(
            "coord", [upload("x.txt", b"contenido")], title="Acta de la primera reunion"
        )
        document = Document.objects.get()
        self.assertRedirects(response, document.get_absolute_url())
        self.assertEqual(document.title, "Acta de la primera reunion")

    def test_refused_files_leave_nothing_behind(self) -> None:
        cases = {
            "page.pdf": b"<!doctype html><html><script>alert(1)</script></html>",
            "empty.txt": b"",
            "virus.exe": b"MZ\x90\x00",
            "image.svg": b"<svg xmlns='http://www.w3.org/2000/svg'><script>x</script></svg>",
            "photo.docx": png_bytes(),
        }
        for name, content in cases.items():
            with self.subTest(name=name):
                response = self.post_upload("coord", [upload(name, content)])
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "There is a problem", status_code=400)
                self.assertContains(response, name, status_code=400)
        self.assertEqual(Document.objects.count(), 0)
        self.assertEqual(Version.objects.count(), 0)
        self.assertEqual(self.stored_files(), set())

    def test_one_bad_file_refuses_the_whole_upload_and_keeps_the_metadata(self) -> None:
        response = self.post_upload(
            "coord",
            [upload("bien.txt", b"texto"), upload("mal.pdf", b"no es un pdf")],
            description="Descripcion conservada",
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "mal.pdf", status_code=400)
        self.assertContains(response, "Descripcion conservada", status_code=400)
        self.assertEqual(Document.objects.count(), 0)
        self.assertEqual(self.stored_files(), set())

    def test_size_limit_exactly_and_one_byte_over(self) -> None:
        with override_settings(REPOSITORY_MAX_UPLOAD_BYTES=100):
            over = self.post_upload("coord", [upload("grande.txt", b"a" * 101)])
            self.assertEqual(over.status_code, 400)
            self.assertContains(over, "grande.txt is larger than 100", status_code=400)
            self.assertEqual(Document.objects.count(), 0)
            exact = self.post_upload("coord", [upload("justo.txt", b"a" * 100)])
            self.assertEqual(exact.status_code, 302)
        self.assertEqual(Document.objects.get().title, "justo")

    def test_too_many_files(self) -> None:
        with override_settings(REPOSITORY_MAX_FILES_PER_UPLOAD=2):
            response = self.post_upload(
                "coord", [upload(f"f{i}.txt", f"texto {i}".encode()) for i in range(3)]
            )
        self.assertContains(response, "at most 2 files", status_code=400)
        self.assertEqual(Document.objects.count(), 0)

    def test_more_files_than_django_accepts_is_a_clear_400(self) -> None:
        files = [upload(f"f{i}.txt", b"x") for i in range(101)]
        response = self.as_("coord").post(
            reverse("documents:upload"), {**METADATA, "uploads": files}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Document.objects.count(), 0)

    def test_hostile_file_names_are_cleaned_and_never_used_for_storage(self) -> None:
        for name in (
            "../../settings.txt",
            "a\\..\\b.txt",
            "x" * 300 + ".txt",
            "evil\u202etxt.exe.txt",
        ):
            with self.subTest(name=name[:20]):
                response = self.post_upload("coord", [upload(name, name.encode()[:50] + b" ok")])
                self.assertEqual(response.status_code, 302)
        for version in Version.objects.all():
            self.assertNotIn("..", version.original_name)
            self.assertNotIn("/", version.original_name)
            self.assertNotIn("\u202e", version.original_name)
            self.assertLessEqual(len(version.original_name), 120)
            self.assertRegex(str(version.file.name), r"^documents/[0-9a-f]{2}/[0-9a-f]{64}\.txt$")

    def test_a_duplicate_is_flagged_and_linked_not_stored_twice(self) -> None:
        self.post_upload("mem_a", [upload("original.txt", b"mismo contenido")])
        first = Document.objects.get()
        response = self.post_upload("mem_b", [upload("copia.txt", b"mismo contenido")])
        self.assertRedirects(response, first.get_absolute_url())
        self.assertEqual(Document.objects.count(), 1)
        messages = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
        self.assertTrue(any("copia.txt was already in the repository" in m for m in messages))
        self.assertEqual(len(self.stored_files()), 1)

    def test_a_duplicate_of_a_hidden_document_reveals_nothing(self) -> None:
        hidden = DocumentFactory.create(title="Oculto", visibility=Visibility.COORDINATORS)
        add_version(hidden, content=b"contenido reservado")
        response = self.post_upload("mem_a", [upload("mio.txt", b"contenido reservado")])
        created = Document.objects.exclude(pk=hidden.pk).get()
        self.assertRedirects(response, created.get_absolute_url())
        page = self.as_("mem_a").get(created.get_absolute_url())
        self.assertNotContains(page, "Oculto")
        # Stored once, used by both.
        self.assertEqual(created.latest_version.file.name, hidden.latest_version.file.name)  # type: ignore[union-attr]

    def test_members_cannot_choose_coordinators_only_and_extra_fields_are_ignored(self) -> None:
        response = self.post_upload("mem_a", [upload("a.txt", b"uno")], visibility="coordinators")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Document.objects.count(), 0)
        self.post_upload(
            "mem_a",
            [upload("b.txt", b"dos")],
            uploaded_by=str(self.coord.pk),
            latest_version="1",
            status="done",
            public_id="00000000-0000-4000-8000-000000000000",
        )
        document = Document.objects.get()
        self.assertEqual(document.uploaded_by, self.mem_a)
        self.assertNotEqual(str(document.public_id), "00000000-0000-4000-8000-000000000000")

    def test_registered_users_and_visitors_cannot_upload(self) -> None:
        files = [upload("a.txt", b"uno")]
        self.assertEqual(self.post_upload("reg", files).status_code, 403)
        self.assertEqual(self.post_upload("anon", [upload("a.txt", b"uno")]).status_code, 302)
        self.assertEqual(Document.objects.count(), 0)

    def test_htmx_upload_answers_with_a_client_redirect(self) -> None:
        client = self.as_("coord")
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(
                reverse("documents:upload"),
                {**METADATA, "uploads": [upload("a.txt", b"uno")]},
                headers={"HX-Request": "true"},
            )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["HX-Redirect"], Document.objects.get().get_absolute_url())

    def test_the_form_works_without_javascript_and_offers_a_progress_bar(self) -> None:
        page = self.as_("mem_a").get(reverse("documents:upload"))
        self.assertContains(page, 'enctype="multipart/form-data"')
        self.assertContains(page, 'method="post"')
        self.assertContains(page, "<progress")
        self.assertContains(page, "upload.js")
        self.assertContains(page, 'data-max-bytes="52428800"')
