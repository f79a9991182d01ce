"""The extraction worker: ``python -m minka.files.extraction.worker JOB``.

Started by :func:`minka.files.extraction.extract` in a new session with a minimal
environment; ``JOB`` is a JSON object (input path, file type, output folder, limits, the
LibreOffice program and whether to confine it). The worker limits itself, installs the
network guard, and only then imports a parser and reads the file. It writes
``result.json`` (and ``preview.png``) in the output folder and exits 0; a crash, a signal
or a missing result is interpreted by the parent.

Django's settings are never loaded here: the worker must start fast and must not see the
application's configuration or secrets.

This module is the harness: the job, the limits, the run that turns every failure into an
:class:`~minka.files.extraction.readers.base.Outcome`, the probes for the tests and the
result file. The readers, one module per format, are in
:mod:`minka.files.extraction.readers`; :data:`EXTRACTORS` picks one per file type.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import math
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, cast

from minka.files.extraction import sandbox
from minka.files.extraction.readers.base import Context, Failure, Outcome
from minka.files.extraction.readers.images import extract_image
from minka.files.extraction.readers.libreoffice import extract_legacy
from minka.files.extraction.readers.office import extract_docx, extract_pptx, extract_xlsx
from minka.files.extraction.readers.opendocument import extract_odf
from minka.files.extraction.readers.pdf import extract_pdf
from minka.files.extraction.readers.text import extract_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


RESULT = "result.json"


class Job(TypedDict):
    input: str
    type: str
    out: str
    memory_mb: int
    timeout: float  # seconds, for the CPU limit
    deadline: float  # time.monotonic() at which the parent kills the worker
    soffice: str | None
    confine: bool
    hide: list[str]
    probe: str
    previews: bool  # False: text only (no preview image, no LibreOffice run)


# --- Probes for the tests -------------------------------------------------------------


def run_probe(probe: str, ctx: Context) -> Outcome:
    """Misbehave on purpose (tests only; the parent passes a probe only under tests)."""
    import socket

    name, _, argument = probe.partition(":")
    if name == "sleep":
        time.sleep(3600)
    elif name == "spin":
        while True:
            pass
    elif name == "allocate":
        hoard = []
        while True:
            hoard.append(bytearray(64 * 1024 * 1024))
    elif name == "connect":
        socket.create_connection(("127.0.0.1", int(argument)), timeout=2).close()
    elif name == "resolve":
        socket.getaddrinfo("localhost", 80)
    elif name == "spawn":
        subprocess.run(["/bin/true"], check=False)
    elif name == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif name == "environment":
        return Outcome(ok=True, reason="no_text", detail="environment: " + ",".join(os.environ))
    return Outcome(ok=True, reason="no_text", detail=f"probe {name} finished")


# --------------------------------------------------------------------------------------

EXTRACTORS: dict[str, Callable[[Path, Context], Outcome]] = {
    "pdf": extract_pdf,
    "pptx": extract_pptx,
    "docx": extract_docx,
    "xlsx": extract_xlsx,
    "odt": extract_odf,
    "odp": extract_odf,
    "ods": extract_odf,
    "ppt": extract_legacy,
    "doc": extract_legacy,
    "csv": extract_text,
    "txt": extract_text,
    "md": extract_text,
    "png": extract_image,
    "jpeg": extract_image,
}


def run(job: Job) -> Outcome:
    """Extract as ``job`` says, turning every failure into an :class:`Outcome`."""
    ctx = Context(job)
    try:
        if job["probe"]:
            outcome = run_probe(job["probe"], ctx)
        else:
            outcome = EXTRACTORS[job["type"]](Path(job["input"]), ctx)
    except Failure as failure:
        outcome = Outcome(ok=False, reason=failure.reason, detail=failure.detail)
    except MemoryError:
        outcome = Outcome(ok=False, reason="memory", detail="MemoryError")
    except sandbox.BlockedError as blocked:
        outcome = Outcome(ok=False, reason="blocked", detail=f"refused: {blocked}")
    except RecursionError:
        outcome = Outcome(ok=False, reason="corrupt", detail="nesting too deep")
    except Exception as error:  # any parser error means an unreadable file
        outcome = Outcome(ok=False, reason="corrupt", detail=f"{type(error).__name__}")
    if sandbox.BlockedError.violations and outcome.reason != "blocked":
        # A parser caught the refusal and carried on: still report the attempt.
        outcome = Outcome(
            ok=False,
            reason="blocked",
            detail="refused: " + ", ".join(sandbox.BlockedError.violations),
        )
    outcome.preview = ctx.preview_written and outcome.ok
    outcome.peak_rss_mb = peak_rss_mb()
    return outcome


def peak_rss_mb() -> float:
    """This process's peak resident memory and its converters', in MiB.

    ``getrusage(RUSAGE_SELF)`` would include the parent's memory at fork time (Linux carries
    it over ``exec``); ``VmHWM`` belongs to this program's own address space.
    """
    import resource

    own = 0.0
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(max(own, children), 1)


def main(argv: list[str]) -> int:
    job = cast("Job", json.loads(argv[1]))
    faulthandler.enable()
    cpu = math.ceil(job["timeout"]) + 1
    sandbox.apply_limits(memory_mb=job["memory_mb"], cpu_seconds=cpu)
    programs: Iterable[str] = [job["soffice"]] if job["soffice"] else []
    if job["confine"]:
        programs = [*programs, "unshare"]
    sandbox.install_guard(programs)
    outcome = run(job)
    write_result(Path(job["out"]), outcome)
    return 0


def write_result(out: Path, outcome: Outcome) -> None:
    """Write ``result.json`` atomically (the parent reads it only once this returns)."""
    try:
        data = json.dumps(asdict(outcome), ensure_ascii=False)
    except MemoryError:
        data = json.dumps(asdict(Outcome(ok=False, reason="memory", detail="MemoryError")))
    temporary = out / (RESULT + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(data)
    temporary.replace(out / RESULT)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
