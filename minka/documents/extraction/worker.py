"""The extraction worker: ``python -m minka.documents.extraction.worker JOB``.

Started by :func:`minka.documents.extraction.extract` in a new session with a minimal
environment; ``JOB`` is a JSON object (input path, file type, output folder, limits, the
LibreOffice program and whether to confine it). The worker limits itself, installs the
network guard, and only then imports a parser and reads the file. It writes
``result.json`` (and ``preview.png``) in the output folder and exits 0; a crash, a signal
or a missing result is interpreted by the parent.

Django's settings are never loaded here: the worker must start fast and must not see the
application's configuration or secrets.

XML safety: python-docx and python-pptx parse with lxml and ``resolve_entities=False``;
odfpy parses with defusedxml's SAX parser; openpyxl uses defusedxml too (installed, and
``OPENPYXL_DEFUSEDXML=True`` in the worker's environment). Before any of them runs,
:func:`check_archive` checks the ZIP limits again and refuses a DTD in the first MiB of any
XML part; past that, entity expansion stays bounded by the parsers, the address-space
limit and the timeout.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, cast

from minka.documents.extraction import sandbox, sniff

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from pptx.shapes.base import BaseShape

MAX_PAGES = 2_000  # pages, slides or sheets whose text is kept
MAX_CHARS = 2_000_000  # characters of text kept in all
PREVIEW_SIZE = 800  # longest side of the preview, in pixels
XML_HEAD = 1024 * 1024  # bytes of each XML part checked for a DTD
CONVERTER_MIN_SECONDS = 3.0  # below this much time left, no LibreOffice preview is tried
RESULT = "result.json"
PREVIEW = "preview.png"

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# "<!DOCTYPE" or "<!ENTITY" in UTF-8 or UTF-16: markup only a DTD uses (as text, "<" is
# always escaped).
_DTD = re.compile(
    b"|".join(
        re.escape(word.encode(encoding))
        for word in ("<!DOCTYPE", "<!ENTITY")
        for encoding in ("utf-8", "utf-16-le", "utf-16-be")
    )
)


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


@dataclass
class Outcome:
    ok: bool
    pages: list[str] = field(default_factory=list)
    page_count: int | None = None
    reason: str = ""
    detail: str = ""
    preview: bool = False
    peak_rss_mb: float = 0.0


class Failure(Exception):  # noqa: N818 -- an outcome, not a programming error.
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class Text:
    """Collects page texts within :data:`MAX_PAGES` and :data:`MAX_CHARS`."""

    def __init__(self) -> None:
        self.pages: list[str] = []
        self.chars = 0
        self.capped = False

    @property
    def full(self) -> bool:
        return len(self.pages) >= MAX_PAGES or self.chars >= MAX_CHARS

    def add(self, text: str) -> None:
        if self.full:
            self.capped = True
            return
        text = clean(text)[: MAX_CHARS - self.chars]
        self.chars += len(text)
        self.pages.append(text)

    def outcome(self, page_count: int | None, detail: str = "") -> Outcome:
        notes = [detail] if detail else []
        if self.capped or self.full:
            notes.append(f"text kept: {len(self.pages)} pages, {self.chars} characters")
        has_text = any(page.strip() for page in self.pages)
        return Outcome(
            ok=True,
            pages=self.pages,
            page_count=page_count,
            reason="" if has_text else "no_text",
            detail="; ".join(notes),
        )


def clean(text: str) -> str:
    """Normalize line breaks and drop control characters (form feed separates pages)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n").replace("\f", "\n")
    return _CONTROL.sub("", text)


class Context:
    """What an extractor needs besides the file: output folder, converter, time left."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.out = Path(job["out"])
        # CLOCK_MONOTONIC is shared by every process on the machine.
        self.deadline = job["deadline"]
        self.preview_written = False
        self.note = ""  # why there is no preview, for the detail

    def seconds_left(self) -> float:
        return self.deadline - time.monotonic()

    def save_preview(self, image: Any) -> None:
        image.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        image.save(self.out / PREVIEW, format="PNG", optimize=True)
        self.preview_written = True


# --- PDF (also what LibreOffice produces) ---------------------------------------------


def read_pdf(path: Path, ctx: Context, text: Text | None, *, preview: bool = True) -> int:
    """Read a PDF's page count, page texts (into ``text``) and first-page preview."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]
    import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        if error.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise Failure("encrypted", "the PDF needs a password") from None
        raise Failure("corrupt", f"PDFium could not open it (error {error.err_code})") from None
    try:
        count = len(pdf)
        if text is not None:
            for index in range(count):
                if text.full:
                    text.capped = True
                    break
                page = pdf[index]
                try:
                    textpage = page.get_textpage()
                    text.add(textpage.get_text_range())
                    textpage.close()
                finally:
                    page.close()
        if preview and count:
            ctx.note = render_first_page(pdf, ctx)
    finally:
        pdf.close()
    return count


def render_first_page(pdf: Any, ctx: Context) -> str:
    """Save the first page as the preview; return a note instead of failing."""
    page = pdf[0]
    try:
        width, height = page.get_size()
        scale = PREVIEW_SIZE / max(width, height, 1.0)
        if min(width, height) * scale < 1:
            return "no preview: degenerate page size"
        ctx.save_preview(page.render(scale=scale, may_draw_forms=False).to_pil())
    except MemoryError:
        return "no preview: out of memory"
    except Exception as error:  # a preview is optional
        return f"no preview: {type(error).__name__}"
    finally:
        page.close()
    return ""


def extract_pdf(path: Path, ctx: Context) -> Outcome:
    text = Text()
    count = read_pdf(path, ctx, text, preview=ctx.job.get("previews", True))
    return text.outcome(count, ctx.note)


# --- LibreOffice ----------------------------------------------------------------------

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


# --- ZIP-based formats ----------------------------------------------------------------


def check_archive(path: Path) -> None:
    """Check the ZIP limits again (the parsers read the same central directory), and refuse
    XML parts that declare a DTD (neither OOXML nor ODF uses one; it is how entity
    expansion and external entities get in)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        try:
            sniff.inspect_zip(handle, size)
        except sniff.ArchiveError as error:
            raise Failure(
                "archive_limits" if error.code == "archive" else "corrupt", error.detail
            ) from None
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            if len(infos) > sniff.ZIP_MAX_ENTRIES or total > sniff.zip_allowance(size):
                raise Failure("archive_limits", "limits exceeded (zipfile's reading)")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with archive.open(info) as part:
                        if _DTD.search(part.read(XML_HEAD)):
                            raise Failure("corrupt", f"DTD in {info.filename[:80]}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
        raise Failure("corrupt", f"ZIP: {type(error).__name__}") from None


def extract_docx(path: Path, ctx: Context) -> Outcome:
    import docx
    from docx.table import Table

    check_archive(path)
    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_table_lines(block))
        else:
            lines.append(list_item(block.text) if _docx_in_list(block) else block.text)
    text = Text()
    text.add("\n".join(lines))
    page_count, note = office_preview(path, ctx)
    return text.outcome(page_count or _docx_pages(path), note)


# A list marker the writer typed: a bullet or dash, "1." / "1)" / "(1)", "a)", "iv.".
_LIST_MARKER = re.compile(
    r"\s*(?:[-\u2010-\u2015\u2022\u2023\u2043\u25aa-\u25cf\u25e6*+·]"
    r"|\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)])\s"
)


def list_item(text: str) -> str:
    """Show a list paragraph as one: automatic bullets and numbers are not part of its text
    (python-docx and odfpy do not render them), so "- " stands in for them."""
    return "- " + text if text.strip() and not _LIST_MARKER.match(text) else text


def _docx_in_list(paragraph: Paragraph) -> bool:
    """Whether Word numbers or bullets ``paragraph`` (directly or through its style)."""
    properties = paragraph._p.pPr
    numbering: Any = properties.numPr if properties is not None else None
    if numbering is not None:
        number = numbering.numId
        return number is None or number.val != 0  # numId 0 switches numbering off
    style = paragraph.style
    while style is not None:
        style_properties = style.element.pPr
        if style_properties is not None and style_properties.numPr is not None:
            return True
        style = style.base_style
    return False


def _table_lines(table: Table) -> Iterator[str]:
    from docx.table import Table

    for row in table.rows:
        seen: set[int] = set()
        cells: list[str] = []
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell repeats in every column it spans
                continue
            seen.add(id(cell._tc))
            parts: list[str] = []
            for block in cell.iter_inner_content():
                if isinstance(block, Table):
                    parts.extend(_table_lines(block))
                else:
                    parts.append(block.text)
            cells.append(" ".join(part for part in parts if part))
        yield "\t".join(cells)


def _xml_part(path: Path, name: str) -> Any:
    """Parse the XML part ``name`` of a ZIP package without DTDs or entities; None if absent."""
    from defusedxml import ElementTree  # type: ignore[import-untyped]

    with zipfile.ZipFile(path) as archive:
        try:
            data = archive.read(name)
        except KeyError:
            return None
    return ElementTree.fromstring(data)


def _docx_pages(path: Path) -> int | None:
    """The page count Word stored in ``docProps/app.xml`` (as of its last save), if any."""
    root = _xml_part(path, "docProps/app.xml")
    if root is None:
        return None
    node = root.find(
        "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Pages"
    )
    try:
        pages = int(node.text) if node is not None and node.text else 0
    except ValueError:
        return None
    return pages if pages > 0 else None


def extract_pptx(path: Path, ctx: Context) -> Outcome:
    import pptx

    check_archive(path)
    presentation = pptx.Presentation(str(path))
    text = Text()
    slides = list(presentation.slides)
    for slide in slides:
        if text.full:
            text.capped = True
            break
        lines = list(_shape_lines(slide.shapes))
        if slide.has_notes_slide and (notes := slide.notes_slide.notes_text_frame) is not None:
            lines.append(notes.text)
        text.add("\n".join(line for line in lines if line))
    _, note = office_preview(path, ctx)
    return text.outcome(len(slides), note)


def _shape_lines(shapes: Iterable[BaseShape]) -> Iterator[str]:
    from pptx.shapes.autoshape import Shape
    from pptx.shapes.graphfrm import GraphicFrame
    from pptx.shapes.group import GroupShape

    for shape in shapes:
        if isinstance(shape, GroupShape):
            yield from _shape_lines(shape.shapes)
        elif isinstance(shape, Shape) and shape.has_text_frame:
            yield shape.text_frame.text
        elif isinstance(shape, GraphicFrame) and shape.has_table:
            for row in shape.table.rows:
                yield "\t".join(cell.text for cell in row.cells)


def extract_xlsx(path: Path, ctx: Context) -> Outcome:
    import openpyxl  # type: ignore[import-untyped]

    check_archive(path)
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    text = Text()
    try:
        sheets = list(workbook.worksheets)
        for sheet in sheets:
            if text.full:
                text.capped = True
                break
            sheet.reset_dimensions()  # iterate the rows stored, not a declared range
            rows: list[str] = []
            size = 0
            for row in sheet.iter_rows(values_only=True):
                line = "\t".join(str(value) for value in row if value is not None)
                if line:
                    rows.append(line)
                    size += len(line) + 1
                    if text.chars + size >= MAX_CHARS:
                        text.capped = True
                        break
            text.add("\n".join(rows))
    finally:
        workbook.close()
    return text.outcome(len(sheets))


def _odf_text(element: Any) -> Iterator[str]:
    """Yield the text of each paragraph and heading under ``element``, in document order;
    the first paragraph of a list item as a list item (:func:`list_item`)."""
    from odf import teletype  # type: ignore[import-untyped]

    first_in_item = element.qname == _ODF_LIST_ITEM
    for child in element.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.qname in _ODF_PARAGRAPHS:
            line = teletype.extractText(child)
            yield list_item(line) if first_in_item else line
            first_in_item = False
        else:
            yield from _odf_text(child)
            first_in_item = first_in_item and child.qname != _ODF_LIST


_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_PARAGRAPHS = {(_TEXT_NS, "p"), (_TEXT_NS, "h")}
_ODF_LIST = (_TEXT_NS, "list")
_ODF_LIST_ITEM = (_TEXT_NS, "list-item")


def extract_odf(path: Path, ctx: Context) -> Outcome:
    from odf import draw, table
    from odf.opendocument import load  # type: ignore[import-untyped]

    check_archive(path)
    document = load(str(path))
    text = Text()
    kind = ctx.job["type"]
    if kind == "odt":
        text.add("\n".join(_odf_text(document.text)))
        page_count, note = office_preview(path, ctx)
        return text.outcome(page_count or _odt_pages(path), note)
    if kind == "odp":
        slides = document.presentation.getElementsByType(draw.Page)
        for slide in slides:
            if text.full:
                text.capped = True
                break
            text.add("\n".join(line for line in _odf_text(slide) if line))
        _, note = office_preview(path, ctx)
        return text.outcome(len(slides), note)
    sheets = document.spreadsheet.getElementsByType(table.Table)
    for sheet in sheets:
        if text.full:
            text.capped = True
            break
        rows = []
        for row in sheet.getElementsByType(table.TableRow):
            # Repeated rows and cells ("number-columns-repeated") are read once.
            cells = [" ".join(_odf_text(cell)) for cell in row.getElementsByType(table.TableCell)]
            if line := "\t".join(cell for cell in cells if cell):
                rows.append(line)
        text.add("\n".join(rows))
    return text.outcome(len(sheets))


def _odt_pages(path: Path) -> int | None:
    """The page count stored in ``meta.xml`` (as of the last save), if any."""
    root = _xml_part(path, "meta.xml")
    if root is None:
        return None
    meta = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
    node = root.find(f".//{{{meta}}}document-statistic")
    try:
        pages = int(node.get(f"{{{meta}}}page-count", "0")) if node is not None else 0
    except ValueError:
        return None
    return pages if pages > 0 else None


# --- Text and images ------------------------------------------------------------------


def extract_text(path: Path, ctx: Context) -> Outcome:
    with path.open("rb") as handle:
        try:
            sniff.text_encoding(handle)
        except ValueError as error:
            raise Failure("corrupt", f"not text: {error}") from None
        handle.seek(0)
        data = handle.read(MAX_CHARS * 4)
    text = Text()
    text.add(sniff.decode_text(data))
    return text.outcome(None)


def extract_image(path: Path, ctx: Context) -> Outcome:
    import warnings

    from PIL import Image

    Image.MAX_IMAGE_PIXELS = sniff.IMAGE_MAX_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=["PNG", "JPEG"]) as image:
                if image.format == "JPEG":
                    image.draft("RGB", (PREVIEW_SIZE * 2, PREVIEW_SIZE * 2))
                image.load()
                ctx.save_preview(image)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise Failure("memory", f"image too large: {error}"[:200]) from None
    return Outcome(ok=True, reason="no_text")


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
