"""Database against storage: do the rows that name a stored file and the files agree?

Each app that stores files registers a :class:`FileSource` (from its ``AppConfig.ready``,
as the other registries here are filled): the storage folders it owns and the names its
rows point to, with the SHA-256 a file must have when the row records one. :func:`check`
then reports

* **missing** files: a row names a file the storage does not have;
* **corrupt** files: a stored file whose SHA-256 differs from the one its row records
  (hashed in chunks: a version may be 50 MB);
* **orphan** files: under a registered folder, but named by no row.

:func:`check` with ``repair=True`` does only what is safe: it deletes orphan files older
than the grace period (a younger one may be an upload whose row is not committed yet).
Missing and corrupt files are reported, never "fixed": only a person can restore them
from a backup. Only the Storage API is used, so local folders and S3 behave alike.
``minka check_integrity`` is the command in front of it.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO, TYPE_CHECKING

from django.core.files.storage import Storage, default_storage
from django.utils import timezone

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

logger = logging.getLogger(__name__)

GRACE = timedelta(hours=1)
CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class Reference:
    """One stored file a row points to; ``sha256`` empty when the row records none."""

    name: str
    owner: str
    sha256: str = ""


@dataclass(frozen=True)
class FileSource:
    """What one app keeps in storage.

    ``folders`` are the top-level storage folders the app owns (every file below them is
    expected to be referenced); ``references`` yields the names its rows point to;
    ``kept_folders`` optionally yields folders whose files are all legitimately kept
    without a row each (a cache such as the minutes PDFs of an existing meeting).
    """

    label: str
    folders: tuple[str, ...]
    references: Callable[[], Iterable[Reference]]
    kept_folders: Callable[[], Iterable[str]] | None = None


_sources: dict[str, FileSource] = {}


def register(source: FileSource) -> None:
    """Register (or replace, by label) the files of one app."""
    _sources[source.label] = source


def sources() -> list[FileSource]:
    return list(_sources.values())


@dataclass
class Problem:
    name: str
    owner: str = ""
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "owner": self.owner, "detail": self.detail}


@dataclass
class Report:
    checked_files: int = 0
    missing: list[Problem] = field(default_factory=list)
    corrupt: list[Problem] = field(default_factory=list)
    orphans: list[Problem] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def remaining_orphans(self) -> list[Problem]:
        removed = set(self.removed)
        return [orphan for orphan in self.orphans if orphan.name not in removed]

    @property
    def clean(self) -> bool:
        """True when no problem remains (orphans removed by the repair do not count)."""
        return not (self.missing or self.corrupt or self.remaining_orphans)

    def as_dict(self) -> dict[str, object]:
        return {
            "clean": self.clean,
            "checked_files": self.checked_files,
            "missing": {
                "count": len(self.missing),
                "files": [p.as_dict() for p in self.missing],
            },
            "corrupt": {
                "count": len(self.corrupt),
                "files": [p.as_dict() for p in self.corrupt],
            },
            "orphans": {
                "count": len(self.orphans),
                "files": [p.as_dict() for p in self.orphans],
            },
            "removed": {"count": len(self.removed), "files": list(self.removed)},
        }


def stream_sha256(handle: IO[bytes]) -> str:
    """The SHA-256 of an open file from its start, read in chunks; the position is put back
    at the start (an upload is hashed, then saved)."""
    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(CHUNK_SIZE), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def file_sha256(name: str, storage: Storage | None = None) -> str:
    """The SHA-256 of a stored file, read in chunks."""
    with (storage or default_storage).open(name, "rb") as handle:
        return stream_sha256(handle)


def walk(folder: str, storage: Storage | None = None) -> Iterator[str]:
    """Every file name below ``folder``, recursively (an absent folder has none)."""
    storage = storage or default_storage
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in sorted(files):
        yield posixpath.join(folder, file)
    for directory in sorted(directories):
        yield from walk(posixpath.join(folder, directory), storage)


def _old_enough(name: str, storage: Storage, grace: timedelta) -> bool:
    try:
        modified = storage.get_modified_time(name)
    except (NotImplementedError, OSError):  # pragma: no cover - unknown age: keep it
        return False
    return modified <= timezone.now() - grace


def check(
    *, repair: bool = False, grace: timedelta = GRACE, storage: Storage | None = None
) -> Report:
    """Compare every registered source with the storage; see the module docstring."""
    storage = storage or default_storage
    report = Report()
    referenced: set[str] = set()
    kept: set[str] = set()
    folders: list[str] = []
    present: dict[str, bool] = {}
    digests: dict[str, str] = {}
    for source in sources():
        folders.extend(source.folders)
        if source.kept_folders is not None:
            kept.update(folder.rstrip("/") for folder in source.kept_folders())
        for reference in source.references():
            name = reference.name
            if not name:
                continue
            referenced.add(name)
            if name not in present:
                present[name] = storage.exists(name)
                if present[name]:
                    report.checked_files += 1
                else:
                    report.missing.append(Problem(name, reference.owner))
            if not present[name] or not reference.sha256:
                continue
            if name not in digests:
                digests[name] = file_sha256(name, storage)
            if digests[name] != reference.sha256:
                detail = f"expected SHA-256 {reference.sha256}, found {digests[name]}"
                report.corrupt.append(Problem(name, reference.owner, detail))
    for folder in sorted(set(folders)):
        for name in walk(folder, storage):
            if name in referenced or posixpath.dirname(name) in kept:
                continue
            report.orphans.append(Problem(name))
            if repair and _old_enough(name, storage, grace):
                storage.delete(name)
                report.removed.append(name)
                logger.info("Deleted orphan file %s", name)
    return report
