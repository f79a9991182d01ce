"""A document's pages for every role: the document page, edit, new versions, delete,
downloads and retries; what each role may do, and what must be refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse

from minka import search
from minka.core.models import AuditEntry
from minka.core.visibility import Visibility
from minka.directory.tests.factories import PersonFactory
from minka.documents.models import Document, Version
from minka.documents.tests.factories import DocumentFactory, add_version
from minka.documents.tests.views_base import RepositoryTestCase, upload

if TYPE_CHECKING:
    from django.test import Client
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


@override_settings(LANGUAGE_CODE="en")
class DocumentPageTests(RepositoryTestCase):
    document: Document
    v1: Version
    v2: Version
    public_person: Any
    private_person: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.document = DocumentFactory.create(
            title="Informe", visibility=Visibility.PUBLIC, uploaded_by=cls.mem_a
        )
        cls.v1 = add_version(cls.document, text="uno", uploaded_by=cls.mem_a)
        cls.v2 = add_version(
            cls.document,
            text="dos",
            uploaded_by=cls.mem_a,
            status=Version.Status.FAILED,
            reason="corrupt",
            note="Cifras corregidas",
        )
        cls.public_person = PersonFactory.create(full_name="Autora Pública", public_listing=True)
        cls.private_person = PersonFactory.create(full_name="Autor Reservado")
        cls.document.people.add(cls.public_person, cls.private_person)

    def page(self, persona: str) -> Response:
        response: Response = self.as_(persona).get(self.document.get_absolute_url())
        return response

    def test_every_version_is_listed_and_downloadable(self) -> None:
        page = self.page("anon")
        self.assertContains(page, "Cifras corregidas")
        for version in (self.v1, self.v2):
            url = version.get_download_url()
            self.assertContains(page, url)
            response = self.as_("anon").get(url)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(
                b"".join(response.streaming_content),  # type: ignore[attr-defined]
                (["uno", "dos"][version.number - 1]).encode(),
            )

    def test_processing_status_only_for_the_uploader_and_coordinators(self) -> None:
        reason = "damaged"
        for persona, shown in (
            ("anon", False),
            ("reg", False),
            ("mem_b", False),
            ("mem_a", True),
            ("coord", True),
            ("admin", True),
        ):
            with self.subTest(persona=persona):
                page = self.page(persona).content.decode()
                self.assertEqual("Try again" in page, shown)
                self.assertEqual("Failed" in page, shown)
                self.assertEqual(reason in page.lower(), shown)

    def test_authors_shown_by_their_consent(self) -> None:
        self.assertContains(self.page("anon"), "Autora Pública")
        self.assertNotContains(self.page("anon"), "Autor Reservado")
        self.assertContains(self.page("coord"), "Autor Reservado")

    def test_query_count(self) -> None:
        for persona, queries in (("anon", 5), ("mem_a", 10), ("coord", 11)):
            client = self.as_(persona)
            with self.subTest(persona=persona), self.assertNumQueries(queries):
                client.get(self.document.get_absolute_url())


@override_settings(LANGUAGE_CODE="en")
class EditAndVersionTests(RepositoryTestCase):
    document: Document

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.document = DocumentFactory.create(
            title="Propuesta", visibility=Visibility.PUBLIC, uploaded_by=cls.mem_a
        )
        add_version(cls.document, content=b"version uno", uploaded_by=cls.mem_a)
        search.index_object(cls.document)

    def edit(self, persona: str, **data: Any) -> Response:
        payload = {
            "title": "Propuesta revisada",
            "kind": "proposal",
            "language": "es",
            "license": "cc-by-sa-4.0",
            "visibility": "public",
            **data,
        }
        response: Response = self.as_(persona).post(
            reverse("documents:document-edit", args=[self.document.public_id]), payload
        )
        return response

    def test_uploader_and_coordinators_edit_others_are_refused(self) -> None:
        self.assertEqual(self.edit("mem_b").status_code, 403)
        self.assertEqual(self.edit("reg").status_code, 403)
        self.document.refresh_from_db()
        self.assertEqual(self.document.title, "Propuesta")
        self.assertRedirects(self.edit("mem_a"), self.document.get_absolute_url())
        self.document.refresh_from_db()
        self.assertEqual(self.document.title, "Propuesta revisada")
        self.assertEqual(self.document.license, "cc-by-sa-4.0")
        entry = AuditEntry.objects.filter(action="update", target_id=str(self.document.pk)).get()
        self.assertEqual(entry.changes["title"], ["Propuesta", "Propuesta revisada"])

    def test_a_visibility_change_updates_the_search_index(self) -> None:
        self.assertEqual(search.search("propuesta", user=AnonymousUser()).total, 1)
        self.edit("coord", visibility="coordinators")
        self.assertEqual(search.search("propuesta", user=AnonymousUser()).total, 0)
        self.assertEqual(search.search("propuesta", user=self.mem_a).total, 0)
        self.assertEqual(search.search("revisada", user=self.coord).total, 1)

    def test_bad_input_changes_nothing(self) -> None:
        response = self.edit("coord", title="", kind="nope", issued_on="31/31/2024")
        self.assertEqual(response.status_code, 400)
        self.document.refresh_from_db()
        self.assertEqual(self.document.title, "Propuesta")

    def add_version(self, persona: str, content: bytes, name: str = "v.txt") -> Response:
        client = self.as_(persona)
        with self.captureOnCommitCallbacks(execute=True):
            response: Response = client.post(
                reverse("documents:version-add", args=[self.document.public_id]),
                {"file": upload(name, content), "note": "Segunda"},
            )
        return response

    def test_a_new_version_keeps_the_old_one(self) -> None:
        response = self.add_version("mem_a", b"version dos con datos nuevos")
        self.assertRedirects(response, self.document.get_absolute_url())
        self.document.refresh_from_db()
        versions = list(self.document.versions.order_by("number"))
        self.assertEqual([v.number for v in versions], [1, 2])
        self.assertEqual(self.document.latest_version, versions[1])
        self.assertEqual(versions[1].note, "Segunda")
        self.assertTrue(default_storage.exists(str(versions[0].file.name)))
        # The index follows the latest version.
        self.assertEqual(search.search("nuevos", user=AnonymousUser()).total, 1)

    def test_identical_bytes_are_refused_as_a_new_version(self) -> None:
        response = self.add_version("coord", b"version uno")
        self.assertContains(response, "identical to version 1", status_code=400)
        self.assertEqual(self.document.versions.count(), 1)

    def test_other_members_cannot_add_versions(self) -> None:
        self.assertEqual(self.add_version("mem_b", b"intruso").status_code, 403)
        self.assertEqual(self.document.versions.count(), 1)

    def test_delete_removes_the_document_its_index_entry_and_unused_files(self) -> None:
        name = self.document.latest_version.file.name  # type: ignore[union-attr]
        self.assertEqual(
            self.as_("mem_a")
            .post(reverse("documents:document-delete", args=[self.document.public_id]))
            .status_code,
            403,
        )
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("coord").post(
                reverse("documents:document-delete", args=[self.document.public_id])
            )
        self.assertRedirects(response, reverse("documents:document-list"))
        self.assertFalse(Document.objects.exists())
        self.assertEqual(search.search("propuesta", user=self.coord).total, 0)
        self.assertFalse(default_storage.exists(str(name)))
        self.assertTrue(AuditEntry.objects.filter(action="delete").exists())

    def test_a_file_shared_with_another_document_survives_a_delete(self) -> None:
        other = DocumentFactory.create(title="Otro")
        add_version(other, content=b"version uno")
        name = other.latest_version.file.name  # type: ignore[union-attr]
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("coord").post(
                reverse("documents:document-delete", args=[self.document.public_id])
            )
        self.assertTrue(default_storage.exists(str(name)))
        self.assertEqual(
            self.as_("anon").get(other.versions.get().get_download_url()).status_code, 200
        )


@override_settings(LANGUAGE_CODE="en")
class DownloadTests(RepositoryTestCase):
    def test_headers_inline_for_pdf_and_images_attachment_otherwise(self) -> None:
        for file_type, inline in (("pdf", True), ("png", True), ("docx", False), ("csv", False)):
            with self.subTest(file_type=file_type):
                document = DocumentFactory.create(title=f"Archivo {file_type}")
                version = add_version(
                    document,
                    content=f"bytes {file_type}".encode(),
                    file_type=file_type,
                    name=f"Informe final ñ.{file_type}",
                )
                response = self.as_("anon").get(version.get_download_url())
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertIn("sandbox", response["Content-Security-Policy"])
                disposition = response["Content-Disposition"]
                self.assertTrue(disposition.startswith("inline" if inline else "attachment"))
                self.assertIn("filename*=UTF-8''Informe%20final%20%C3%B1", disposition)
                self.assertNotIn("html", response["Content-Type"])

    def test_non_public_files_answer_404_to_those_who_may_not_see_them(self) -> None:
        members = DocumentFactory.create(visibility=Visibility.MEMBERS)
        coordinators = DocumentFactory.create(visibility=Visibility.COORDINATORS)
        members_url = add_version(members, content=b"m").get_download_url()
        coordinators_url = add_version(coordinators, content=b"c").get_download_url()
        for persona, members_status, coordinators_status in (
            ("anon", 404, 404),
            ("reg", 404, 404),
            ("mem_b", 200, 404),
            ("coord", 200, 200),
        ):
            with self.subTest(persona=persona):
                client: Client = self.as_(persona)
                self.assertEqual(client.get(members_url).status_code, members_status)
                self.assertEqual(client.get(coordinators_url).status_code, coordinators_status)

    def test_guessed_urls_answer_404(self) -> None:
        document = DocumentFactory.create(visibility=Visibility.COORDINATORS)
        version = add_version(document, content=b"secreto")
        for url in (
            f"/repositorio/{document.public_id}/versiones/2/descargar/",
            f"/repositorio/{document.public_id}/versiones/1/descargar/",
            "/media/" + str(version.file.name),
            "/repositorio/00000000-0000-4000-8000-000000000000/versiones/1/descargar/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.as_("mem_a").get(url).status_code, 404)


@override_settings(LANGUAGE_CODE="en")
class RetryTests(RepositoryTestCase):
    def test_a_failed_version_can_be_retried_by_the_uploader(self) -> None:
        document = DocumentFactory.create(uploaded_by=self.mem_a, visibility=Visibility.MEMBERS)
        version = add_version(
            document,
            content=b"Texto recuperado",
            uploaded_by=self.mem_a,
            status=Version.Status.FAILED,
            reason="timeout",
        )
        url = reverse("documents:version-retry", args=[document.public_id, version.number])
        self.assertEqual(self.as_("mem_b").post(url).status_code, 403)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("mem_a").post(url)
        self.assertRedirects(response, document.get_absolute_url())
        version.refresh_from_db()
        self.assertEqual(version.status, Version.Status.DONE)
        self.assertEqual(version.attempts, 1)
        self.assertIn("Texto recuperado", version.text)
        # A processed version is not retried again.
        response = self.as_("mem_a").post(url, follow=True)
        self.assertContains(response, "Only a version whose processing failed can be retried.")
