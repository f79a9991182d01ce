"""Rendered minutes PDFs, kept so that a download does not lay the PDF out again.

WeasyPrint lays out about 85 ms per A4 page: the minutes of a large meeting take one to two
seconds, too long for every download. A PDF depends only on the HTML it is rendered from, so
each one is stored under the SHA-256 of that HTML and of WeasyPrint's version. Whatever
changes the output (an edit, an erratum, approval, publication, the meeting's title or
place, the reader's language) changes the name: nothing is ever invalidated, and a stale
PDF cannot be served. Rendering the HTML costs a few tens of milliseconds.

Files live in the default storage (``MEDIA_ROOT`` or the private S3 bucket) under
``minutes-pdf/<meeting public id>/`` (a UUID: never reused, unlike a row id). Nothing
serves that folder by URL: the export view streams a file after its permission check.
Each folder keeps the :data:`KEEP` newest files. When minutes are approved, published or
corrected, :func:`minka.meetings.tasks.render_minutes_pdf` renders their PDF in every
interface language before anyone asks for it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from minka.meetings.minutes import exports

if TYPE_CHECKING:
    from minka.meetings.minutes.models import Minutes, MinutesRevision
    from minka.meetings.models import Meeting

logger = logging.getLogger(__name__)

FOLDER = "minutes-pdf"
# Per minutes: the current revision in two languages, with room for the previous state.
KEEP = 6


def _engine_version() -> str:
    try:
        return importlib.metadata.version("weasyprint")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - installed with minka
        return ""


def folder(minutes: Minutes) -> str:
    return f"{FOLDER}/{minutes.meeting.public_id}"


def stored_name(minutes: Minutes, html: str) -> str:
    digest = hashlib.sha256(f"{_engine_version()}\n{html}".encode()).hexdigest()
    return f"{folder(minutes)}/{digest}.pdf"


def lookup(
    minutes: Minutes, revision: MinutesRevision, *, errata: list[exports.Erratum] | None = None
) -> tuple[str, str]:
    """The stored name the PDF of ``revision`` has (or will have) in the active language,
    and the HTML it is rendered from (``errata`` as in :func:`exports.export_data`)."""
    html = exports.to_html(minutes, revision, errata=errata)
    return stored_name(minutes, html), html


def exists(name: str) -> bool:
    return default_storage.exists(name)


def store(minutes: Minutes, name: str, html: str) -> str:
    """Render ``html`` to PDF and keep it as ``name``. Raises
    :class:`~minka.meetings.minutes.exports.PdfUnavailable` without Pango."""
    pdf = exports.html_to_pdf(html)
    if default_storage.exists(name):  # rendered meanwhile by another request or the task
        return name
    saved = default_storage.save(name, ContentFile(pdf))
    if saved != name:  # lost a race: the same bytes are already there under ``name``
        default_storage.delete(saved)
    prune(minutes)
    return name


def get_or_render(minutes: Minutes, revision: MinutesRevision) -> str:
    """The stored name of the PDF of ``revision`` in the active language, rendered now if
    it is not stored yet."""
    name, html = lookup(minutes, revision)
    if exists(name):
        return name
    return store(minutes, name, html)


def prune(minutes: Minutes, keep: int = KEEP) -> int:
    """Delete all but the ``keep`` newest PDFs of ``minutes``; returns how many went."""
    path = folder(minutes)
    try:
        _, files = default_storage.listdir(path)
    except FileNotFoundError:
        return 0
    names = [f"{path}/{file}" for file in files if file.endswith(".pdf")]
    if len(names) <= keep:
        return 0
    names.sort(key=default_storage.get_modified_time, reverse=True)
    for name in names[keep:]:
        default_storage.delete(name)
    return len(names) - keep


def forget_deleted_meeting(sender: type, instance: Meeting, **kwargs: object) -> None:
    """``post_delete`` receiver: a deleted meeting leaves no minutes PDF behind. (Minutes
    deleted on their own leave theirs to the meeting's folder, pruned as usual.)"""
    from django.db import transaction

    path = f"{FOLDER}/{instance.public_id}"
    transaction.on_commit(lambda: _delete_folder(path))


def _delete_folder(path: str) -> None:
    try:
        _, files = default_storage.listdir(path)
    except FileNotFoundError:
        return
    for file in files:
        default_storage.delete(f"{path}/{file}")
