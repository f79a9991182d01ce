"""The repository's pages for every role: list, upload, document, edit, versions, delete,
downloads, previews and retries; what each role may do, and what must be refused."""

from __future__ import annotations

import datetime
import io
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from minka import search
from minka.core.models import AuditEntry
from minka.core.testing import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.models import Topic
from minka.directory.tests.factories import PersonFactory
from minka.documents.models import Document, Kind, Version
from minka.documents.tests.factories import DocumentFactory, add_version

if TYPE_CHECKING:
    from django.test import Client
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


METADATA = {"kind": "report", "language": "es", "license": "cc-by-4.0", "visibility": "members"}


class RepositoryTestCase(RoleTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        # A storage of its own for each class, so that counting stored files is exact.
        folder = tempfile.mkdtemp(prefix="minka-media-")
        cls.addClassCleanup(shutil.rmtree, folder, ignore_errors=True)
        media = override_settings(MEDIA_ROOT=folder)
        media.enable()
        cls.addClassCleanup(media.disable)
        super().setUpClass()

    def post_upload(self, persona: str, files: list[SimpleUploadedFile], **data: Any) -> Response:
        client = self.as_(persona)
        with self.captureOnCommitCallbacks(execute=True):
            response: Response = client.post(
                reverse("documents:upload"), {**METADATA, **data, "uploads": files}
            )
        return response

    def stored_files(self) -> set[str]:
        try:
            _dirs, names = default_storage.listdir("documents")
        except FileNotFoundError:
            return set()
        found = set()
        for folder in _dirs:
            found.update(default_storage.listdir(f"documents/{folder}")[1])
        return found | set(names)


@override_settings(LANGUAGE_CODE="en")
class ListTests(RepositoryTestCase):
    topic: Topic
    public: Document
    members: Document
    coordinators: Document

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.topic = Topic.objects.create(name="Conectividad", slug="conectividad")
        cls.public = DocumentFactory.create(
            title="Informe público", kind=Kind.REPORT, issued_on=datetime.date(2024, 3, 1)
        )
        cls.public.topics.add(cls.topic)
        cls.public.organizations.add(cls.org_a)
        add_version(cls.public)
        cls.members = DocumentFactory.create(
            title="Presentación de miembros", visibility=Visibility.MEMBERS, language="en"
        )
        add_version(cls.members)
        cls.coordinators = DocumentFactory.create(
            title="Borrador de coordinación", visibility=Visibility.COORDINATORS
        )

    def titles(self, persona: str, **params: str) -> list[str]:
        response = self.as_(persona).get(reverse("documents:document-list"), params)
        self.assertEqual(response.status_code, 200)
        page = response.context["page"]
        return [document.title for document in page.object_list]

    def test_each_role_sees_what_its_visibility_allows(self) -> None:
        self.assertEqual(self.titles("anon"), ["Informe público"])
        self.assertEqual(self.titles("reg"), ["Informe público"])
        for persona in ("mem_a", "mem_b"):
            self.assertEqual(
                sorted(self.titles(persona)), ["Informe público", "Presentación de miembros"]
            )
        for persona in ("coord", "admin"):
            self.assertEqual(len(self.titles(persona)), 3)

    def test_filters(self) -> None:
        self.assertEqual(self.titles("coord", kind="report"), ["Informe público"])
        self.assertEqual(self.titles("coord", topic="conectividad"), ["Informe público"])
        self.assertEqual(self.titles("coord", organization=self.org_a.slug), ["Informe público"])
        self.assertEqual(self.titles("coord", year="2024"), ["Informe público"])
        self.assertEqual(self.titles("coord", language="en"), ["Presentación de miembros"])
        # A filter value that does not validate is ignored, never an error page.
        self.assertEqual(len(self.titles("coord", kind="<script>", year="abc")), 3)

    def test_sorting(self) -> None:
        self.assertEqual(
            self.titles("coord", sort="title"),
            ["Borrador de coordinación", "Informe público", "Presentación de miembros"],
        )
        self.assertEqual(self.titles("coord", sort="oldest")[0], "Informe público")

    def test_forbidden_ordering_and_lookups_are_ignored(self) -> None:
        """SECURITY 1.4: no ordering or lookup outside the allowlist."""
        baseline = self.titles("mem_a")
        for params in (
            {"sort": "uploaded_by__password"},
            {"uploaded_by__email__startswith": "a"},
            {"ordering": "-uploaded_by__email"},
        ):
            self.assertEqual(self.titles("mem_a", **params), baseline)

    def test_htmx_gets_only_the_results(self) -> None:
        response = self.as_("anon").get(
            reverse("documents:document-list"), {"kind": "report"}, headers={"HX-Request": "true"}
        )
        self.assertNotContains(response, "<html")
        self.assertContains(response, "Informe público")

    def test_query_count_does_not_grow_with_the_documents(self) -> None:
        for index in range(5):
            document = DocumentFactory.create(title=f"Extra {index}")
            document.topics.add(self.topic)
            document.organizations.add(self.org_a)
            add_version(document)
        # anon: count, documents, topics, organizations, years, organizations for the filter,
        # topics for the filter.
        for persona, queries in (("anon", 7), ("mem_a", 12), ("coord", 13)):
            client = self.as_(persona)
            with self.subTest(persona=persona), self.assertNumQueries(queries):
                client.get(reverse("documents:document-list"))

    def test_organization_page_lists_its_visible_documents(self) -> None:
        url = reverse("directory:organization-detail", args=[self.org_a.slug])
        self.assertContains(self.as_("anon").get(url), "Informe público")
        self.members.organizations.add(self.org_a)
        self.assertNotContains(self.as_("anon").get(url), "Presentación de miembros")
        self.assertContains(self.as_("mem_b").get(url), "Presentación de miembros")


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
        self.assertEqual(search.search("selva", user=None).total, 0)

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
        self.assertEqual(search.search("propuesta", user=None).total, 1)
        self.edit("coord", visibility="coordinators")
        self.assertEqual(search.search("propuesta", user=None).total, 0)
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
        self.assertEqual(search.search("nuevos", user=None).total, 1)

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
