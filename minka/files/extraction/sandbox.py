"""Limits and confinement for the extraction worker and the converters it runs (no Django).

The worker limits itself (:func:`apply_limits`) and refuses network and program launches
from Python (:func:`install_guard`). LibreOffice, a native program, runs through
:func:`confined_command` when Linux namespaces are available: no network at all (a new
network namespace has only a loopback that is down), its own process tree (everything dies
with it) and the application's folders (data, media, source, home folders, ``/tmp``, ``/run``)
hidden behind empty in-memory file systems, so a document linking to a local file cannot
pull it into a preview or the extracted text.
"""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

OUTPUT_FILE_LIMIT = 256 * 1024 * 1024  # largest file the worker or a converter may write
OPEN_FILES_LIMIT = 256

# Folders hidden from converters besides the application's own (see ``hidden_folders``).
SYSTEM_FOLDERS_HIDDEN = (
    "/home",
    "/root",
    "/srv",
    "/opt",
    "/mnt",
    "/media",
    "/run",
    "/tmp",  # noqa: S108 -- hidden, not used.
    "/var/tmp",  # noqa: S108 -- hidden, not used.
    "/var/lib",
    "/var/log",
    "/var/backups",
    "/var/mail",
    "/var/spool",
    "/var/www",
    "/dev/shm",  # noqa: S108 -- hidden, not used.
)

# Runs inside the new namespaces: mount an empty tmpfs over each folder named before "--",
# then bring back the work folder (the shell's current directory, which still refers to the
# original folder after a parent is covered) and run the command after "--".
_CONFINE_SCRIPT = """
work=$(pwd -P) || exit 97
while [ "$1" != "--" ]; do
  if [ -d "$1" ]; then mount -t tmpfs -o size=64k,mode=0755 none "$1" || exit 98; fi
  shift
done
shift
mkdir -p "$work" && mount -c --bind . "$work" && cd "$work" || exit 99
exec "$@"
"""
CONFINE_FAILED = (97, 98, 99)

# Audit events refused in the worker: any socket, name lookup or URL opening, and starting a
# program other than the configured converter.
_NETWORK_EVENTS = frozenset(
    {
        "socket.__new__",
        "socket.bind",
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyaddr",
        "socket.gethostbyname",
        "socket.getnameinfo",
        "socket.sendmsg",
        "socket.sendto",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
        "poplib.connect",
        "imaplib.open",
        "nntplib.connect",
        "telnetlib.Telnet.open",
        "webbrowser.open",
    }
)
_PROCESS_EVENTS = frozenset(
    {"os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "pty.spawn"}
)


class BlockedError(RuntimeError):
    """Raised by the audit hook; ``violations`` keeps every attempt, caught or not."""

    violations: list[str] = []  # one list per worker process, on purpose


def apply_limits(*, memory_mb: int, cpu_seconds: int) -> None:
    """Limit this process and its children: address space, CPU time, written file size,
    open files, and no core dumps."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 2))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_FILE_LIMIT, OUTPUT_FILE_LIMIT))
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES_LIMIT, OPEN_FILES_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def install_guard(allowed_programs: Iterable[str]) -> None:
    """Refuse network use and program launches (except ``allowed_programs``) from Python.

    An audit hook cannot be removed: it holds for the rest of the worker's life, including
    inside every parser it imports afterwards.
    """
    allowed = frozenset(allowed_programs)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in _NETWORK_EVENTS or event in _PROCESS_EVENTS:
            BlockedError.violations.append(event)
            raise BlockedError(event)
        if event == "subprocess.Popen":
            executable, arguments = args[0], args[1]
            if executable is None:
                executable = arguments if isinstance(arguments, str | bytes) else arguments[0]
            program = os.fsdecode(executable)
            if program not in allowed:
                BlockedError.violations.append(f"{event} {Path(program).name}")
                raise BlockedError(event)

    sys.addaudithook(hook)


def confined_command(
    command: Sequence[str], *, hide: Iterable[str], unshare: str = "unshare"
) -> list[str]:
    """Return ``command`` wrapped to run without network, in its own process tree and with
    the folders ``hide`` covered by empty file systems (the current directory stays visible).

    Needs unprivileged user namespaces (``unshare -r``); the caller checks once that they
    work (:func:`minka.files.extraction.confinement_available`).
    """
    return [
        unshare,
        "--user",
        "--map-root-user",
        "--mount",
        "--net",
        "--pid",
        "--fork",
        "--mount-proc",
        "--kill-child",
        "--",
        "/bin/sh",
        "-c",
        _CONFINE_SCRIPT,
        "confine",
        *hide,
        "--",
        *command,
    ]


def hidden_folders(extra: Iterable[str | Path], *, keep: Iterable[str | Path]) -> list[str]:
    """Return the folders to hide from a converter: ``extra`` (the application's) and the
    system's (:data:`SYSTEM_FOLDERS_HIDDEN`), resolved, existing, outermost first, leaving
    out any folder that holds one of ``keep`` (the converter's own installation)."""
    kept = [Path(path).resolve() for path in keep]
    folders: list[Path] = []
    for candidate in [*SYSTEM_FOLDERS_HIDDEN, *extra]:
        path = Path(candidate).resolve()
        if not path.is_dir() or path == Path(path.anchor):
            continue
        if any(path == kept_path or path in kept_path.parents for kept_path in kept):
            continue
        folders.append(path)
    folders.sort(key=lambda path: len(path.parts))
    outermost: list[str] = []
    for path in folders:
        if not any(Path(hidden) in path.parents or Path(hidden) == path for hidden in outermost):
            outermost.append(str(path))
    return outermost
