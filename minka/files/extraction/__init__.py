"""Text, page count and preview of a stored file, extracted in a sandboxed child process.

:func:`extract` runs :mod:`minka.files.extraction.worker` in a new session with a
minimal environment (none of the application's settings or secrets), an address-space,
CPU, file-size and open-files limit, Python-level refusal of network and program launches,
and a wall-clock timeout after which the whole process group is killed. LibreOffice, when
configured, runs inside the worker without network and with the application's folders
hidden (:mod:`minka.files.extraction.sandbox`). A bad or hostile file never raises: it
gives an :class:`Extraction` with ``ok=False`` and a reason from :data:`REASONS`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.functional import lazy

if TYPE_CHECKING:
    from minka.files.extraction.worker import Job


def _gettext(message: str) -> str:
    from django.utils.translation import gettext

    return gettext(message)


# gettext_lazy, built here because the worker imports this package on every start and
# django.utils.translation would add about 90 ms to each one.
_ = lazy(_gettext, str)

# Why a version has no text (shown to uploaders and coordinators). With ``ok=True`` only
# "no_text" and "no_converter" occur; the others mean the extraction failed.
REASONS: dict[str, str] = {
    "timeout": _("Processing took longer than the time allowed and was stopped."),
    "memory": _("Processing needed more memory than allowed and was stopped."),
    "encrypted": _("The file is protected with a password."),
    "corrupt": _("The file is damaged or could not be read."),
    "archive_limits": _(
        "The file contains too many parts, or expands to too much data, to be read safely."
    ),
    "no_converter": _(
        "Without text: reading Word 97–2003 and PowerPoint 97–2003 files needs LibreOffice, "
        "which is not installed on this server."
    ),
    "converter_failed": _("LibreOffice could not convert the file."),
    "no_text": _("The file has no text to extract (for example, a scanned document or an image)."),
    "blocked": _("The file tried to reach the network or run a program, which is not allowed."),
}

PREVIEW_MAX_BYTES = 4 * 1024 * 1024
RESULT_MAX_BYTES = 64 * 1024 * 1024
_MEMORY_SIGNS = ("MemoryError", "bad_alloc", "Cannot allocate memory", "out of memory")
# FileType's values (not imported: the worker imports this package, and filetypes would
# bring Django's models along).
_TYPES = frozenset(
    {"pdf", "pptx", "ppt", "docx", "doc", "odp", "odt", "ods", "xlsx", "csv", "txt", "md"}
    | {"png", "jpeg"}
)


@dataclass
class Extraction:
    """What :func:`extract` found. ``ok=False`` means it failed and ``reason`` says why;
    ``ok=True`` with an empty text has reason "no_text" (or "no_converter")."""

    ok: bool
    pages: list[str] = field(default_factory=list)  # text per page, slide or sheet
    page_count: int | None = None
    preview: bytes | None = None  # PNG, longest side at most 800 px
    reason: str = ""  # "" or a key of REASONS
    detail: str = ""  # for coordinators and logs; never file contents
    seconds: float = 0.0  # wall time, including the worker's start
    peak_rss_mb: float = 0.0  # the worker's (and its converters') peak resident memory
    cpu_seconds: float = 0.0


def extract(
    path: Path,
    file_type: str,
    *,
    timeout: float | None = None,
    memory_mb: int | None = None,
    previews: bool = True,
) -> Extraction:
    """Extract text, page count and preview from the file at ``path`` of ``file_type`` (a
    :class:`~minka.files.filetypes.FileType` value) in a sandboxed child process.

    ``timeout`` (seconds of wall time) and ``memory_mb`` (address space) default to the
    settings ``EXTRACTION_TIMEOUT`` and ``EXTRACTION_MEMORY_MB``; ``LIBREOFFICE`` names the
    converter ("" finds ``soffice`` on PATH, "off" disables it). ``previews=False`` reads
    the text only: no preview image and no LibreOffice run. Never raises for a bad
    file; raises ``ValueError`` for an unknown ``file_type`` (a programming error).
    """
    from django.conf import settings

    if file_type not in _TYPES:
        raise ValueError(f"unknown file type {file_type!r}")
    timeout = float(timeout if timeout is not None else settings.EXTRACTION_TIMEOUT)
    memory_mb = int(memory_mb if memory_mb is not None else settings.EXTRACTION_MEMORY_MB)
    soffice = find_libreoffice(settings.LIBREOFFICE)
    confine = bool(soffice) and confinement_available()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="minka-extraction-") as folder:
        out = Path(folder)
        job: Job = {
            "input": str(Path(path).resolve()),
            "type": file_type,
            "out": str(out),
            "memory_mb": memory_mb,
            "timeout": timeout,
            "deadline": time.monotonic() + timeout,
            "soffice": soffice,
            "confine": confine,
            "hide": _hidden(soffice) if confine else [],
            "probe": os.environ.get("MINKA_EXTRACTION_PROBE", "") if settings.TESTING else "",
            "previews": previews,
        }
        result = _run_worker(job, out, timeout)
    result.seconds = round(time.monotonic() - started, 3)
    return result


def find_libreoffice(setting: str) -> str | None:
    """Return the LibreOffice program for the ``LIBREOFFICE`` setting, or None."""
    if setting.strip().lower() == "off":
        return None
    if not setting:
        return shutil.which("soffice") or shutil.which("libreoffice")
    return shutil.which(setting)


@functools.cache
def confinement_available() -> bool:
    """Whether converters can run confined here (unprivileged user, mount, network and PID
    namespaces); checked once per process by confining ``true`` for real."""
    from minka.files.extraction.sandbox import confined_command, hidden_folders

    if not shutil.which("unshare"):
        return False
    with tempfile.TemporaryDirectory(prefix="minka-confine-") as folder:
        command = confined_command(["true"], hide=hidden_folders([], keep=[]))
        try:
            done = subprocess.run(  # noqa: S603 -- a fixed program and arguments.
                command,
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return False
    return done.returncode == 0


def _hidden(soffice: str | None) -> list[str]:
    from django.conf import settings

    from minka.files.extraction.sandbox import hidden_folders

    application = [
        Path(settings.PACKAGE_DIR).parent,
        settings.DATA_DIR,
        settings.MEDIA_ROOT,
        settings.STATIC_ROOT,
        Path.home(),
    ]
    database = str(settings.DATABASES["default"].get("NAME") or "")
    if database.startswith("/"):
        application.append(Path(database).parent)
    keep = [Path(soffice).resolve().parent] if soffice else []
    return hidden_folders(application, keep=keep)


def _environment(out: Path) -> dict[str, str]:
    """The worker's whole environment: what Python and the parsers need, nothing else."""
    import minka

    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(out),
        "TMPDIR": str(out),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(Path(minka.__file__).resolve().parent.parent),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "OPENPYXL_DEFUSEDXML": "True",
    }


def _run_worker(job: Job, out: Path, timeout: float) -> Extraction:
    command = [sys.executable, "-m", "minka.files.extraction.worker", json.dumps(job)]
    with (out / "stderr.txt").open("wb") as stderr:
        try:
            process = subprocess.Popen(  # noqa: S603 -- this interpreter and a fixed module.
                command,
                cwd=out,
                env=_environment(out),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
                close_fds=True,
            )
        except OSError as error:
            return Extraction(ok=False, reason="corrupt", detail=f"worker did not start: {error}")
        watch = _Watch(process)
        watch.wait(timeout)
    result = _interpret(out, watch, timeout, job["memory_mb"])
    result.peak_rss_mb = round(max(result.peak_rss_mb, watch.peak_rss_mb), 1)
    result.cpu_seconds = watch.cpu_seconds
    return result


class _Watch:
    """Waits for the worker, samples its peak memory, and kills its process group."""

    SAMPLE = 0.05  # seconds between memory samples

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.timed_out = False
        self.status = 0
        self.peak_rss_mb = 0.0
        self.cpu_seconds = 0.0

    def wait(self, timeout: float) -> None:
        """Wait at most ``timeout`` seconds, then kill the worker's process group (the
        worker and any converter) and reap the worker."""
        pid = self.process.pid
        self.timed_out = not self._exited(time.monotonic() + timeout)
        # The exited worker is still a zombie here, so its group id cannot have been reused.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        _, self.status, usage = os.wait4(pid, 0)
        self.process.returncode = os.waitstatus_to_exitcode(self.status)
        self.cpu_seconds = round(usage.ru_utime + usage.ru_stime, 3)

    def _exited(self, deadline: float) -> bool:
        """Wait until the worker exits (without reaping it) or ``deadline``."""
        pid = self.process.pid
        pidfd_open = getattr(os, "pidfd_open", None)
        descriptor = None
        if pidfd_open is not None:
            with contextlib.suppress(OSError):
                descriptor = pidfd_open(pid)
        try:
            while True:
                self._sample(pid)
                left = deadline - time.monotonic()
                if descriptor is not None:
                    if select.select([descriptor], [], [], max(0.0, min(left, self.SAMPLE)))[0]:
                        return True
                else:
                    if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
                        return True
                    time.sleep(max(0.0, min(left, 0.01)))
                if left <= 0:
                    return False
        finally:
            if descriptor is not None:
                os.close(descriptor)

    def _sample(self, pid: int) -> None:
        """Record the worker's high-water resident memory (``VmHWM``), in MiB."""
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_rss_mb = max(self.peak_rss_mb, int(line.split()[1]) / 1024)


def _interpret(out: Path, watch: _Watch, timeout: float, memory_mb: int) -> Extraction:
    status = watch.status
    if watch.timed_out:
        return Extraction(ok=False, reason="timeout", detail=f"killed after {timeout:g} s")
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
        if number == signal.SIGXCPU:
            return Extraction(ok=False, reason="timeout", detail="CPU time limit")
        if number == signal.SIGKILL or _memory_signs(out) or watch.peak_rss_mb >= 0.9 * memory_mb:
            return Extraction(ok=False, reason="memory", detail=f"worker killed by {name}")
        if number == signal.SIGXFSZ:
            return Extraction(ok=False, reason="corrupt", detail="output size limit")
        return Extraction(ok=False, reason="corrupt", detail=f"worker crashed ({name})")
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    result = out / "result.json"
    if code != 0 or not result.is_file():
        if _memory_signs(out):
            return Extraction(ok=False, reason="memory", detail=f"worker exit {code}")
        return Extraction(ok=False, reason="corrupt", detail=f"worker exit {code}, no result")
    return _read_result(out)


def _memory_signs(out: Path) -> bool:
    try:
        with (out / "stderr.txt").open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 16384))
            tail = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return False
    return any(sign in tail for sign in _MEMORY_SIGNS)


def _read_result(out: Path) -> Extraction:
    """Read the worker's result, trusting nothing in it (a parser bug could have given the
    file control of the worker): types, sizes and the preview's format are checked."""
    from minka.files.extraction.readers.base import MAX_CHARS, MAX_PAGES, PREVIEW, PREVIEW_SIZE
    from minka.files.extraction.sniff import PNG_MAGIC

    path = out / "result.json"
    try:
        if path.stat().st_size > RESULT_MAX_BYTES:
            raise ValueError("result too large")
        data = json.loads(path.read_text(encoding="utf-8"))
        ok, pages, page_count = data["ok"], data["pages"], data["page_count"]
        reason, detail, peak = data["reason"], data["detail"], data["peak_rss_mb"]
        if not (
            isinstance(ok, bool)
            and isinstance(pages, list)
            and len(pages) <= MAX_PAGES
            and all(isinstance(page, str) for page in pages)
            and sum(map(len, pages)) <= MAX_CHARS
            and (page_count is None or (isinstance(page_count, int) and 0 <= page_count < 10**7))
            and (reason == "" or reason in REASONS)
            and isinstance(detail, str)
            and isinstance(peak, int | float)
        ):
            raise ValueError("unexpected result")
    except (OSError, ValueError, KeyError, TypeError):
        return Extraction(ok=False, reason="corrupt", detail="unreadable worker result")
    preview = None
    if data.get("preview") is True:
        with contextlib.suppress(OSError):
            image = (out / PREVIEW).read_bytes()
            if (
                len(image) <= PREVIEW_MAX_BYTES
                and image.startswith(PNG_MAGIC)
                and max(int.from_bytes(image[16:20]), int.from_bytes(image[20:24])) <= PREVIEW_SIZE
            ):
                preview = image
    return Extraction(
        ok=ok,
        pages=pages,
        page_count=page_count,
        preview=preview,
        reason=reason,
        detail=detail[:500],
        peak_rss_mb=float(peak),
    )
