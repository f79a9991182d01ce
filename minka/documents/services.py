"""Every change to the repository goes through these functions (views, admin, tasks, demo).

Uploads are checked in full before anything is stored (type from the bytes, size, archive
limits); a refused file leaves nothing behind. Stored files are named by their SHA-256, so
identical bytes are kept once; deleting a document removes a file only when no other
version still uses it.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from minka import search
from minka.core import pagecache
from minka.core.integrity import stream_sha256
from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import audit_changes, audit_record, model_snapshot
from minka.core.visibility import Visibility
from minka.documents import notifications, permissions
from minka.documents.models import Document, Version, version_upload_to
from minka.files.filetypes import FileType, UnacceptableFile, detect, display_name

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date

    from django.core.files.uploadedfile import UploadedFile

    from minka.accounts.models import User
    from minka.directory.models import Organization, Person, Topic

logger = logging.getLogger(__name__)

DOCUMENT_FIELDS = (
    "title",
    "description",
    "kind",
    "language",
    "issuing_body",
    "issued_on",
    "license",
    "visibility",
)
RELATED_FIELDS = ("topics", "organizations", "people")


class DocumentData(TypedDict, total=False):
    """The metadata :func:`document_upload` and :func:`document_update` take (the document
    form produces it; meetings' agenda uploads build it)."""

    title: str
    description: str
    kind: str
    language: str
    issuing_body: str
    issued_on: date | None
    license: str
    visibility: str
    topics: Iterable[Topic | int]
    organizations: Iterable[Organization | int]
    people: Iterable[Person | int]


@dataclass
class CheckedFile:
    """An uploaded file that passed every check, ready to be stored."""

    upload: UploadedFile[bytes]
    name: str  # cleaned display name
    file_type: FileType
    sha256: str
    size: int


@dataclass
class UploadOutcome:
    created: list[Document] = field(default_factory=list)
    # (file name, the visible document that already holds the same bytes)
    duplicates: list[tuple[str, Document]] = field(default_factory=list)


def check_file(upload: UploadedFile[bytes]) -> CheckedFile:
    """Check one uploaded file; raise :class:`UnacceptableFile` with a clear message."""
    name = upload.name or ""
    file_type = detect(upload, name, max_bytes=settings.REPOSITORY_MAX_UPLOAD_BYTES)
    return CheckedFile(
        upload=upload,
        name=display_name(name),
        file_type=file_type,
        sha256=stream_sha256(upload),
        size=int(upload.size or 0),
    )


def check_files(uploads: list[UploadedFile[bytes]]) -> tuple[list[CheckedFile], list[str]]:
    """Check every file; return the accepted ones and a message per refused one."""
    accepted: list[CheckedFile] = []
    errors: list[str] = []
    seen: set[str] = set()
    for upload in uploads:
        try:
            checked = check_file(upload)
        except UnacceptableFile as refusal:
            errors.append(str(refusal.message))
            continue
        if checked.sha256 in seen:
            continue  # The same file twice in one upload: keep one.
        seen.add(checked.sha256)
        accepted.append(checked)
    return accepted, errors


def title_from_name(name: str) -> str:
    """A readable title from a file name: no extension, separators as spaces."""
    stem = PurePath(name).stem.replace("_", " ").replace("-", " ")
    return " ".join(stem.split())[:300] or _("Untitled document")


def _check_visibility(actor: User, visibility: str) -> None:
    if visibility not in {value for value, _label in permissions.visibility_choices(actor)}:
        raise PermissionDenied


def _store(checked: CheckedFile) -> str:
    """Store the bytes once under their hash; return the storage name."""
    probe = Version(sha256=checked.sha256, file_type=checked.file_type)
    name = version_upload_to(probe, checked.name)
    if default_storage.exists(name):
        return name
    checked.upload.seek(0)
    try:
        return default_storage.save(name, checked.upload)
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        # The disk is full (fault test F6): remove what was half written, and tell the
        # uploader plainly; the transaction is rolled back, so no row names the file.
        with contextlib.suppress(OSError):
            if default_storage.exists(name) and default_storage.size(name) != checked.size:
                default_storage.delete(name)
        logger.error("upload not stored: no space left on the storage")
        raise ValidationError(
            _(
                "The server has no space left to store %(name)s. Nothing was saved: "
                "try again later, and tell the coordinators."
            )
            % {"name": checked.name}
        ) from None


def _schedule(version: Version) -> None:
    from minka.documents.tasks import process_version

    version_id = version.pk
    transaction.on_commit(lambda: process_version.enqueue(version_id))


def _new_version(
    *, actor: User, document: Document, checked: CheckedFile, number: int, note: str = ""
) -> Version:
    version = Version(
        document=document,
        number=number,
        original_name=checked.name[:255],
        sha256=checked.sha256,
        size=checked.size,
        file_type=checked.file_type,
        note=note,
        uploaded_by=actor,
    )
    version.file.name = _store(checked)
    version.save()
    document.latest_version = version
    document.save(update_fields=["latest_version", "updated_at"])
    _schedule(version)
    return version


def _visible_duplicate(actor: User, sha256: str) -> Document | None:
    for version in Version.objects.filter(sha256=sha256).select_related("document"):
        if permissions.can_view_document(actor, version.document):
            return version.document
    return None


def _set_related(document: Document, data: DocumentData) -> None:
    for name, value in data.items():
        if name in RELATED_FIELDS:
            getattr(document, name).set(value)


@transaction.atomic
def document_upload(*, actor: User, files: list[CheckedFile], data: DocumentData) -> UploadOutcome:
    """Create one document per checked file with the shared metadata in ``data``.

    With one file, ``data["title"]`` (when given) names the document; otherwise each title
    comes from its file name. A file whose bytes are already in a document the actor may
    see is not stored again: it is reported as a duplicate of that document.
    """
    require(permissions.can_upload(actor))
    visibility = data.get("visibility", Document._meta.get_field("visibility").default)
    _check_visibility(actor, visibility)
    with _unseen_unless_public(visibility):
        return _upload_each(actor=actor, files=files, data=data)


def _unseen_unless_public(visibility: str) -> contextlib.AbstractContextManager[None]:
    """A document no visitor may see changes no visitor's page: its writes need not replace
    the rendered-page cache's content version (:func:`pagecache.unseen_by_visitors`)."""
    if visibility == Visibility.PUBLIC:
        return contextlib.nullcontext()
    return pagecache.unseen_by_visitors()


def _upload_each(*, actor: User, files: list[CheckedFile], data: DocumentData) -> UploadOutcome:
    outcome = UploadOutcome()
    for checked in files:
        existing = _visible_duplicate(actor, checked.sha256)
        if existing is not None:
            outcome.duplicates.append((checked.name, existing))
            continue
        document = Document(
            **{k: v for k, v in data.items() if k in DOCUMENT_FIELDS}, uploaded_by=actor
        )
        if len(files) > 1 or not data.get("title"):
            document.title = title_from_name(checked.name)
        document.full_clean(exclude=["latest_version"])
        document.save()
        _set_related(document, data)
        _new_version(actor=actor, document=document, checked=checked, number=1)
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=document)
        search.index_object(document)
        outcome.created.append(document)
    notifications.documents_added(documents=outcome.created, actor=actor)
    return outcome


@transaction.atomic
def version_add(*, actor: User, document: Document, checked: CheckedFile, note: str) -> Version:
    """Add a new version; older ones stay. The same bytes as an existing version of this
    document are refused (``ValidationError``)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    require(permissions.can_edit_document(actor, document))
    same = document.versions.filter(sha256=checked.sha256).first()
    if same is not None:
        raise ValidationError(
            _("%(name)s is identical to version %(number)s of this document.")
            % {"name": checked.name, "number": same.number}
        )
    number = (document.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = _new_version(
        actor=actor, document=document, checked=checked, number=number, note=note
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        target=version,
        target_repr=f"{document.title} (v{number})",
    )
    search.index_object(document)
    return version


@transaction.atomic
def document_update(*, actor: User, document: Document, data: DocumentData) -> Document:
    """Change a document's metadata; the index follows (visibility included)."""
    require(permissions.can_edit_document(actor, document))
    if "visibility" in data and data["visibility"] != document.visibility:
        _check_visibility(actor, data["visibility"])
    before = model_snapshot(document)
    for name, value in data.items():
        if name in DOCUMENT_FIELDS:
            setattr(document, name, value)
    document.full_clean(exclude=["latest_version"])
    document.save()
    _set_related(document, data)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=document,
        changes=audit_changes(before, model_snapshot(document)),
    )
    search.index_object(document)
    return document


def _delete_unused_files(names: set[str]) -> None:
    for name in names:
        if not name:
            continue
        still_used = Version.objects.filter(file=name).exists() or (
            Version.objects.filter(preview=name).exists()
        )
        if not still_used:
            try:
                default_storage.delete(name)
            except OSError:  # pragma: no cover - storage errors are logged, not fatal
                logger.warning("Could not delete a stored file", exc_info=True)


@transaction.atomic
def document_delete(*, actor: User, document: Document) -> None:
    """Delete a document with its versions (coordinators); files go when no longer used."""
    require(permissions.can_delete_document(actor, document))
    names: set[str] = set()
    for version in document.versions.all():
        names.update({version.file.name or "", version.preview.name or ""})
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, target=document)
    search.remove_object(document)
    Document.objects.filter(pk=document.pk).update(latest_version=None)
    document.delete()
    transaction.on_commit(lambda: _delete_unused_files(names))


@transaction.atomic
def version_retry(*, actor: User, version: Version) -> Version:
    """Queue a failed (or stuck) version again."""
    require(permissions.can_retry(actor, version))
    version = Version.objects.select_for_update().get(pk=version.pk)
    stuck_since = timezone.now() - datetime.timedelta(seconds=settings.EXTRACTION_TIMEOUT * 3)
    stuck = version.status == Version.Status.PROCESSING and (
        version.processed_at is None or version.processed_at < stuck_since
    )
    if version.status != Version.Status.FAILED and not stuck:
        raise ValidationError(_("Only a version whose processing failed can be retried."))
    version.status = Version.Status.PENDING
    version.reason = ""
    version.detail = ""
    version.save(update_fields=["status", "reason", "detail"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=version,
        target_repr=f"{version.document.title} (v{version.number})",
        changes={"status": ["failed", "pending"]},
    )
    _schedule(version)
    return version


def _claim(version_id: int, *, resumed: bool = False) -> Version | None:
    """Mark the version "processing"; ``resumed`` also takes one left "processing" by an
    earlier run of the same task whose process died."""
    claimable = {Version.Status.PENDING} | ({Version.Status.PROCESSING} if resumed else set())
    with transaction.atomic():
        version = Version.objects.select_for_update().filter(pk=version_id).select_related().first()
        if version is None or version.status not in claimable:
            return None  # Already taken by another worker, or deleted.
        version.status = Version.Status.PROCESSING
        version.attempts += 1
        version.processed_at = timezone.now()
        # The document's row is locked with the version's (select_related above): its
        # visibility cannot change before this commits.
        with _unseen_unless_public(version.document.visibility):
            version.save(update_fields=["status", "attempts", "processed_at"])
        return version


def version_process(*, version_id: int, resumed: bool = False) -> None:
    """Extract text, page count and preview of one version (run by the task worker);
    ``resumed`` when an earlier run of the same task died half-way (see :func:`_claim`)."""
    from minka.files.extraction import extract

    version = _claim(version_id, resumed=resumed)
    if version is None:
        return
    with tempfile.TemporaryDirectory(prefix="minka-extract-") as folder:
        path = Path(folder) / f"input.{version.file_type}"
        try:
            with (
                default_storage.open(version.file.name or "", "rb") as source,
                path.open("wb") as out,
            ):
                shutil.copyfileobj(source, out, 1024 * 1024)
        except OSError as error:
            _finish(version, ok=False, reason="corrupt", detail=f"storage: {error}"[:500])
            return
        result = extract(path, version.file_type)
    preview_name = ""
    if result.preview:
        preview_name = f"previews/{version.sha256[:2]}/{version.sha256}.png"
        if not default_storage.exists(preview_name):
            preview_name = default_storage.save(preview_name, ContentFile(result.preview))
    _finish(
        version,
        ok=result.ok,
        reason=result.reason,
        detail=result.detail,
        text="\f".join(result.pages),
        page_count=result.page_count,
        preview=preview_name,
    )


def _finish(
    version: Version,
    *,
    ok: bool,
    reason: str,
    detail: str,
    text: str = "",
    page_count: int | None = None,
    preview: str = "",
) -> None:
    with transaction.atomic():
        # Locked first, so that its visibility cannot change before this commits.
        document = Document.objects.select_for_update().filter(pk=version.document_id).first()
        visibility = document.visibility if document is not None else Visibility.PUBLIC
        with _unseen_unless_public(visibility):
            version.status = Version.Status.DONE if ok else Version.Status.FAILED
            version.reason = reason[:30]
            version.detail = detail[:500]
            version.text = text.replace("\x00", "")
            version.page_count = page_count
            version.preview.name = preview
            version.processed_at = timezone.now()
            version.save()
            if document is not None and document.latest_version_id == version.pk:
                search.index_object(document)
