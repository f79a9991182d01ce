"""Access-matrix entries of the repository: lists, upload, documents, versions, downloads.

Objects: a public document uploaded by ``mem_a`` (with a preview), a members-only one and a
coordinators-only one (uploaded by ``coord``), and a members-only document whose version
failed to process (uploaded by ``mem_a``). ``mem_b`` is a member who uploaded none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from minka.core.tests.access_matrix import Access, everyone, form_view, row
from minka.core.visibility import Visibility
from minka.directory.tests.matrix_media import png
from minka.documents.models import Version
from minka.documents.tests.factories import DocumentFactory, add_version

if TYPE_CHECKING:
    from collections.abc import Callable

MEMBERS = row(404, 404, 200, 200, 200, 200)
COORDINATORS = row(404, 404, 404, 404, 200, 200)
# Member pages: visitors sign in, registered users are refused.
UPLOAD_GET = row(302, 403, 200, 200, 200, 200)
# An empty form is refused with its message (400).
UPLOAD_POST = row(302, 403, 400, 400, 400, 400)
# The uploader (mem_a) and coordinators edit; another member may not (403).
EDIT_GET = row(302, 403, 200, 403, 200, 200)
EDIT_POST = row(302, 403, 400, 403, 400, 400)
COORDINATOR_ACTION = row(302, 403, 403, 403, 200, 200)

MATRIX: dict[str, Access] = {
    "documents:document-list": Access({"GET": everyone(200)}),
    "documents:upload": Access(form_view(UPLOAD_GET, UPLOAD_POST)),
    "documents:document-detail": Access({"GET": everyone(200)}, kwargs="doc_public"),
    "documents:document-detail[members]": Access({"GET": MEMBERS}, kwargs="doc_members"),
    "documents:document-detail[coordinators]": Access(
        {"GET": COORDINATORS}, kwargs="doc_coordinators"
    ),
    "documents:document-detail[unknown]": Access({"GET": everyone(404)}, kwargs="doc_unknown"),
    "documents:document-edit": Access(form_view(EDIT_GET, EDIT_POST), kwargs="doc_public"),
    # A coordinators-only document stays hidden (404) from members, even its edit page.
    "documents:document-edit[coordinators]": Access(
        form_view(row(302, 403, 404, 404, 200, 200), row(302, 403, 404, 404, 400, 400)),
        kwargs="doc_coordinators",
    ),
    "documents:version-add": Access(form_view(EDIT_GET, EDIT_POST), kwargs="doc_public"),
    "documents:version-add[coordinators]": Access(
        form_view(row(302, 403, 404, 404, 200, 200), row(302, 403, 404, 404, 400, 400)),
        kwargs="doc_coordinators",
    ),
    "documents:document-delete": Access(
        form_view(COORDINATOR_ACTION, row(302, 403, 403, 403, 302, 302)), kwargs="doc_public"
    ),
    "documents:version-download": Access({"GET": everyone(200)}, kwargs="v_public"),
    "documents:version-download[members]": Access({"GET": MEMBERS}, kwargs="v_members"),
    "documents:version-download[coordinators]": Access(
        {"GET": COORDINATORS}, kwargs="v_coordinators"
    ),
    "documents:version-download[unknown]": Access({"GET": everyone(404)}, kwargs="v_unknown"),
    "documents:version-preview": Access({"GET": everyone(200)}, kwargs="v_public"),
    "documents:version-preview[members]": Access({"GET": MEMBERS}, kwargs="v_members"),
    "documents:version-preview[coordinators]": Access(
        {"GET": COORDINATORS}, kwargs="v_coordinators"
    ),
    # A version without a preview: nothing to show.
    "documents:version-preview[none]": Access({"GET": everyone(404)}, kwargs="v_failed"),
    # Retrying: the uploader (mem_a) and coordinators; then back to the document (302).
    "documents:version-retry": Access(
        {"POST": row(302, 403, 302, 403, 302, 302)}, kwargs="v_failed"
    ),
    "documents:version-retry[coordinators]": Access(
        {"POST": row(302, 403, 404, 404, 302, 302)}, kwargs="v_coordinators"
    ),
    "search:search": Access({"GET": everyone(200)}),
}


def _version(attribute: str) -> Callable[[Any], dict[str, Any]]:
    def build(objects: Any) -> dict[str, Any]:
        version = getattr(objects, attribute)
        return {"public_id": version.document.public_id, "number": version.number}

    return build


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "doc_public": lambda o: {"public_id": o.doc_public.public_id},
    "doc_members": lambda o: {"public_id": o.doc_members.public_id},
    "doc_coordinators": lambda o: {"public_id": o.doc_coordinators.public_id},
    "doc_unknown": lambda o: {"public_id": "00000000-0000-4000-8000-000000000000"},
    "v_public": _version("v_public"),
    "v_members": _version("v_members"),
    "v_coordinators": _version("v_coordinators"),
    "v_failed": _version("v_failed"),
    "v_unknown": lambda o: {"public_id": o.doc_public.public_id, "number": 99},
}


def _with_preview(version: Version) -> Version:
    version.preview.name = default_storage.save(
        f"previews/matrix-{version.pk}.png", ContentFile(png().read())
    )
    version.save(update_fields=["preview"])
    return version


def setup_objects(case: Any, objects: Any) -> None:
    objects.doc_public = DocumentFactory.create(
        title="Matriz pública", visibility=Visibility.PUBLIC, uploaded_by=case.mem_a
    )
    objects.v_public = _with_preview(
        add_version(objects.doc_public, text="Texto público", uploaded_by=case.mem_a)
    )
    objects.doc_members = DocumentFactory.create(
        title="Matriz miembros", visibility=Visibility.MEMBERS, uploaded_by=case.coord
    )
    objects.v_members = _with_preview(
        add_version(objects.doc_members, text="Texto miembros", uploaded_by=case.coord)
    )
    objects.doc_coordinators = DocumentFactory.create(
        title="Matriz coordinación", visibility=Visibility.COORDINATORS, uploaded_by=case.coord
    )
    objects.v_coordinators = _with_preview(
        add_version(
            objects.doc_coordinators,
            text="Texto coordinación",
            uploaded_by=case.coord,
            status=Version.Status.FAILED,
            reason="corrupt",
        )
    )
    objects.doc_failed = DocumentFactory.create(
        title="Matriz fallida", visibility=Visibility.MEMBERS, uploaded_by=case.mem_a
    )
    objects.v_failed = add_version(
        objects.doc_failed,
        text="Texto fallido",
        uploaded_by=case.mem_a,
        status=Version.Status.FAILED,
        reason="corrupt",
    )
