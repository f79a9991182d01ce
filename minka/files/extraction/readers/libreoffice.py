"""LibreOffice: DOC and PPT converted to PDF and read as one, and the preview and page count
of the other office formats, in a fresh profile with macros off and, where available, confined
(:func:`minka.files.extraction.sandbox.confined_command`)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from minka.files.extraction import sandbox
from minka.files.extraction.readers.base import Failure, Outcome, Text
from minka.files.extraction.readers.pdf import read_pdf

if TYPE_CHECKING:
    from minka.files.extraction.readers.base import Context


CONVERTER_MIN_SECONDS = 3.0  # below this much time left, no LibreOffice preview is tried

_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>1</value></prop></item>
</oor:items>
"""  # noqa: E501 -- LibreOffice's registry format, one setting per line.


def convert_to_pdf(path: Path, ctx: Context, *, seconds: float) -> Path:
    """Convert ``path`` with LibreOffice into a PDF in the output folder; return its path.

    A fresh profile per run (with macros off and links never updated), a private temporary
    folder, and, when available, the confinement of :func:`sandbox.confined_command`.
    Raises :class:`Failure` ("timeout" or "converter_failed").
    """
    soffice = ctx.job["soffice"]
    if not soffice:
        raise Failure("no_converter", "LibreOffice is not available")
    work = ctx.out / "convert"
    (work / "tmp").mkdir(parents=True)
    (work / "profile" / "user").mkdir(parents=True)
    (work / "profile" / "user" / "registrymodifications.xcu").write_text(_SETTINGS)
    source = work / f"document.{ctx.job['type']}"
    shutil.copyfile(path, source)
    command = [
        soffice,
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--nologo",
        "--nodefault",
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(work / "pdf"),
        str(source),
    ]
    if ctx.job["confine"]:
        command = sandbox.confined_command(command, hide=ctx.job["hide"])
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work),
        "TMPDIR": str(work / "tmp"),
        "LANG": "C.UTF-8",
    }
    with (work / "stderr.txt").open("wb") as errors:
        process = subprocess.Popen(  # noqa: S603 -- a fixed program and arguments.
            command,
            cwd=work,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=errors,
            stderr=errors,
        )
        try:
            code = process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            kill_tree(process.pid)
            process.wait()
            raise Failure("timeout", f"LibreOffice took more than {seconds:.0f} s") from None
    output = work / "pdf" / "document.pdf"
    if ctx.job["confine"] and code in sandbox.CONFINE_FAILED:
        raise Failure("converter_failed", f"confinement failed (exit {code})")
    if code != 0 or not output.is_file() or output.stat().st_size == 0:
        raise Failure("converter_failed", f"LibreOffice exit {code}, no PDF")
    return output


def kill_tree(pid: int) -> None:
    """Kill ``pid`` and its descendants (LibreOffice starts ``soffice.bin`` as a child)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    pending = [pid]
    while pending:
        current = pending.pop()
        pending.extend(children.get(current, []))
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(current, signal.SIGKILL)


def extract_legacy(path: Path, ctx: Context) -> Outcome:
    """DOC and PPT: LibreOffice converts them to PDF, read as any PDF."""
    if not ctx.job["soffice"]:
        return Outcome(ok=True, reason="no_converter", detail="LibreOffice is not available")
    pdf = convert_to_pdf(path, ctx, seconds=max(1.0, ctx.seconds_left() - 0.5))
    text = Text()
    try:
        count = read_pdf(pdf, ctx, text)
    except Failure as failure:
        detail = f"unreadable PDF from LibreOffice: {failure.detail}"
        raise Failure("converter_failed", detail) from None
    return text.outcome(count, "; ".join(filter(None, ["converted by LibreOffice", ctx.note])))


def office_preview(path: Path, ctx: Context) -> tuple[int | None, str]:
    """Preview and page count through LibreOffice, when it is there and time allows.

    Returns (page count or None, a note for the detail); never fails the extraction.
    """
    if not ctx.job["soffice"] or not ctx.job.get("previews", True):
        return None, ""
    seconds = ctx.seconds_left() - 2.0  # time to read the PDF and write the result
    if seconds < CONVERTER_MIN_SECONDS:
        return None, "no preview: not enough time left for LibreOffice"
    try:
        pdf = convert_to_pdf(path, ctx, seconds=seconds)
        return read_pdf(pdf, ctx, None), ctx.note
    except Failure as failure:
        return None, f"no preview: {failure.detail}"
