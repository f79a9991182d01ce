"""Extraction benchmark: time per format, in-process and in the sandboxed worker, and PDF
text extraction against poppler's ``pdftotext``.

Generates samples of realistic size with Spanish text (a 60-page PDF, a 40-slide PPTX, a
30-page DOCX, a 30-page ODT, a 40-slide ODP, spreadsheets of 6,000 rows, CSV, TXT and
Markdown files, 12-megapixel PNG and JPEG photos; with LibreOffice, also the same DOCX and
PPTX saved as DOC and PPT, and the DOCX printed to PDF as a second, real-world PDF). Each
is extracted ``--repeats`` times (median reported):

- in-process: the worker's extractor called directly (parsing only);
- sandboxed: :func:`minka.files.extraction.extract` (a new Python process, limits,
  network guard, JSON result), with LibreOffice off so both do the same work;
- PDF text only, pypdfium2 in-process against ``pdftotext -enc UTF-8 FILE -``, as a ratio.

With LibreOffice installed it also times the conversions it adds (DOC and PPT to text, and
previews of PPTX and DOCX). Then prints the machine::

    MINKA_TESTING=1 .venv/bin/python bench/extract.py [--repeats 5] [--no-libreoffice]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from minka.files.extraction import Extraction
    from minka.files.extraction.readers.base import Text
    from minka.files.extraction.worker import Job

WORDS = """
red dorsal nacional fibra óptica selva internet acceso conectividad banda ancha telefonía
móvil política políticas públicas gobierno digital brecha comunidad comunidades rurales
organización sociedad civil ciberseguridad privacidad datos personales protección derechos
información transparencia participación ciudadana educación escuela universidad investigación
tecnología innovación infraestructura despliegue antena espectro radioeléctrico regulación
ministerio transportes comunicaciones municipalidad región provincia distrito amazonía andes
población indígena pueblos originarios quechua aimara lengua cultura mujeres jóvenes niñas
salud telemedicina agricultura comercio electrónico servicio plataforma gobernanza foro
reunión acta acuerdo compromiso propuesta documento informe presentación encuesta resultados
""".split()  # noqa: SIM905 -- a word list reads better as prose.


def sentences(rng: random.Random, count: int) -> list[str]:
    """``count`` Spanish-looking sentences of 8 to 16 words."""
    return [
        " ".join(rng.choices(WORDS, k=rng.randint(8, 16))).capitalize() + "." for _ in range(count)
    ]


def make_samples(folder: Path, soffice: str | None) -> list[tuple[str, str, Path]]:
    """Write the samples; return (label, file type, path) for each."""
    import docx
    import openpyxl
    import pptx
    from odf import draw, style, table, text
    from odf.opendocument import (
        OpenDocumentPresentation,
        OpenDocumentSpreadsheet,
        OpenDocumentText,
    )
    from PIL import Image
    from pptx.util import Inches, Pt

    from minka.files.tests.samples import PHRASE, pdf_bytes

    rng = random.Random(2026)  # noqa: S311 -- reproducible samples, not a secret.
    made: list[tuple[str, str, Path]] = []

    # PDF: 60 A4 pages of 45 lines each.
    pages = [[PHRASE, *(s[:90] for s in sentences(rng, 44))] for _ in range(60)]
    path = folder / "informe-60p.pdf"
    path.write_bytes(pdf_bytes(pages))
    made.append(("PDF, 60 pages", "pdf", path))

    # DOCX: 30 pages (about 450 words each), headings and a table every 5 pages.
    document = docx.Document()
    for page in range(30):
        document.add_heading(f"{page + 1}. {PHRASE}", level=2)
        for _ in range(6):
            document.add_paragraph(" ".join(sentences(rng, 5)))
        if page % 5 == 0:
            grid = document.add_table(rows=6, cols=4)
            for row in grid.rows:
                for cell in row.cells:
                    cell.text = rng.choice(WORDS)
    path = folder / "acta-30p.docx"
    document.save(str(path))
    made.append(("DOCX, 30 pages", "docx", path))

    # PPTX: 40 slides with a title, six bullets and notes.
    presentation = pptx.Presentation()
    for number in range(40):
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = f"{PHRASE} ({number + 1})"
        body = slide.placeholders[1].text_frame
        body.text = sentences(rng, 1)[0]
        for line in sentences(rng, 5):
            paragraph = body.add_paragraph()
            paragraph.text = line
            paragraph.font.size = Pt(16)
        slide.notes_slide.notes_text_frame.text = " ".join(sentences(rng, 3))
        if number % 8 == 0:
            shape = slide.shapes.add_table(3, 3, Inches(1), Inches(5), Inches(8), Inches(1))
            for cell in shape.table.iter_cells():
                cell.text = rng.choice(WORDS)
    path = folder / "presentacion-40.pptx"
    presentation.save(str(path))
    made.append(("PPTX, 40 slides", "pptx", path))

    # XLSX and ODS: 3 sheets of 2,000 rows x 6 columns.
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name in ("Proyectos", "Presupuesto", "Indicadores"):
        sheet = workbook.create_sheet(name)
        for _ in range(2_000):
            sheet.append([rng.choice(WORDS), rng.choice(WORDS), rng.randint(1, 10**6)] * 2)
    path = folder / "datos-6000.xlsx"
    workbook.save(path)
    made.append(("XLSX, 3 x 2,000 rows", "xlsx", path))

    spreadsheet = OpenDocumentSpreadsheet()
    for name in ("Proyectos", "Presupuesto", "Indicadores"):
        sheet = table.Table(name=name)
        for _ in range(2_000):
            row = table.TableRow()
            for value in [rng.choice(WORDS), rng.choice(WORDS), str(rng.randint(1, 10**6))] * 2:
                cell = table.TableCell(valuetype="string")
                cell.addElement(text.P(text=value))
                row.addElement(cell)
            sheet.addElement(row)
        spreadsheet.spreadsheet.addElement(sheet)
    path = folder / "datos-6000.ods"
    spreadsheet.save(str(path))
    made.append(("ODS, 3 x 2,000 rows", "ods", path))

    # ODT: 30 pages; ODP: 40 slides.
    odt = OpenDocumentText()
    for page in range(30):
        odt.text.addElement(text.H(outlinelevel=2, text=f"{page + 1}. {PHRASE}"))
        for _ in range(6):
            odt.text.addElement(text.P(text=" ".join(sentences(rng, 5))))
    path = folder / "informe-30p.odt"
    odt.save(str(path))
    made.append(("ODT, 30 pages", "odt", path))

    odp = OpenDocumentPresentation()
    layout = style.PageLayout(name="Layout")
    layout.addElement(style.PageLayoutProperties(pagewidth="28cm", pageheight="21cm"))
    odp.automaticstyles.addElement(layout)
    master = style.MasterPage(name="Default", pagelayoutname=layout)
    odp.masterstyles.addElement(master)
    for number in range(40):
        page = draw.Page(masterpagename=master, name=f"slide{number}")
        frame = draw.Frame(width="24cm", height="16cm", x="2cm", y="2cm")
        box = draw.TextBox()
        box.addElement(text.P(text=f"{PHRASE} ({number + 1})"))
        for line in sentences(rng, 6):
            box.addElement(text.P(text=line))
        frame.addElement(box)
        page.addElement(frame)
        odp.presentation.addElement(page)
    path = folder / "diapositivas-40.odp"
    odp.save(str(path))
    made.append(("ODP, 40 slides", "odp", path))

    # Text formats.
    path = folder / "tabla-10000.csv"
    path.write_text(
        "\n".join(",".join(rng.choices(WORDS, k=6)) for _ in range(10_000)), encoding="utf-8"
    )
    made.append(("CSV, 10,000 rows", "csv", path))
    path = folder / "notas-500k.txt"
    path.write_text("\n".join(sentences(rng, 5_000)), encoding="utf-8")
    made.append(("TXT, ~500 KB", "txt", path))
    path = folder / "leeme.md"
    path.write_text(
        "\n\n".join(f"## {s}\n\n{' '.join(sentences(rng, 8))}" for s in sentences(rng, 200)),
        encoding="utf-8",
    )
    made.append(("MD, 200 sections", "md", path))

    # Photos: 4000 x 3000 with some texture.
    image = Image.effect_noise((4000, 3000), 40).convert("RGB")
    path = folder / "foto-12mp.png"
    image.save(path, format="PNG")
    made.append(("PNG, 12 MP", "png", path))
    path = folder / "foto-12mp.jpg"
    image.save(path, format="JPEG", quality=85)
    made.append(("JPEG, 12 MP", "jpeg", path))

    if soffice:
        for source, target in (("acta-30p.docx", "doc"), ("presentacion-40.pptx", "ppt")):
            converted = convert(soffice, folder / source, target, folder)
            made.append((f"{target.upper()} (LibreOffice)", target, converted))
        made.insert(
            1,
            (
                "PDF, 30 pages (LibreOffice)",
                "pdf",
                convert(soffice, folder / "acta-30p.docx", "pdf", folder),
            ),
        )
    return made


def convert(soffice: str, source: Path, target: str, folder: Path) -> Path:
    out = folder / f"converted-{target}"
    subprocess.run(  # noqa: S603 -- a fixed program and arguments.
        [
            soffice,
            "--headless",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    return out / f"{source.stem}.{target}"


def median_ms(action: Callable[[], object], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def in_process(path: Path, file_type: str, folder: Path) -> Callable[[], object]:
    """The worker's extractor for ``path``, called in this process (no sandbox)."""
    from minka.files.extraction import worker

    def run() -> object:
        out = Path(tempfile.mkdtemp(dir=folder))
        job: Job = {
            "input": str(path),
            "type": file_type,
            "out": str(out),
            "memory_mb": 0,
            "timeout": 600.0,
            "deadline": time.monotonic() + 600,
            "soffice": None,
            "confine": False,
            "hide": [],
            "probe": "",
            "previews": True,
        }
        outcome = worker.run(job)
        shutil.rmtree(out)
        if not outcome.ok:
            raise RuntimeError(f"{path.name}: {outcome.reason} {outcome.detail}")
        return outcome

    return run


def pdf_text_only(path: Path, folder: Path) -> Callable[[], Text]:
    from minka.files.extraction.readers import base, pdf

    def run() -> Text:
        job: Job = {
            "input": str(path),
            "type": "pdf",
            "out": str(folder),
            "memory_mb": 0,
            "timeout": 600.0,
            "deadline": time.monotonic() + 600,
            "soffice": None,
            "confine": False,
            "hide": [],
            "probe": "",
            "previews": True,
        }
        text = base.Text()
        pdf.read_pdf(path, base.Context(job), text, preview=False)
        return text

    return run


def machine(soffice: str | None) -> list[str]:
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}"
        for name in ("pypdfium2", "python-pptx", "python-docx", "odfpy", "openpyxl", "pillow")
    )
    poppler = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext") or "pdftotext", "-v"],
        capture_output=True,
        text=True,
        check=False,
    ).stderr.splitlines()
    office = "off"
    if soffice:
        office = subprocess.run(  # noqa: S603
            [soffice, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    return [
        f"machine       {model}, {os.cpu_count()} CPUs, {platform.platform()}",
        f"python        {platform.python_version()}; {versions}",
        f"converters    {poppler[0] if poppler else 'no pdftotext'}; {office or 'LibreOffice'}",
    ]


def run(repeats: int, use_libreoffice: bool) -> None:
    from django.test import override_settings

    from minka.files.extraction import confinement_available, extract, find_libreoffice

    soffice = find_libreoffice("") if use_libreoffice else None
    pdftotext = shutil.which("pdftotext")
    with tempfile.TemporaryDirectory(prefix="minka-bench-extract-") as tmp:
        folder = Path(tmp)
        samples = make_samples(folder, soffice)
        print(
            f"{'sample':30} {'size':>9} {'in-process':>11} {'sandboxed':>10} {'ratio':>6}"
            f" {'pages':>6} {'chars':>9} {'peak':>7}"
        )
        last: Extraction | None = None
        with override_settings(LIBREOFFICE="off"):
            for label, file_type, path in samples:
                if file_type in ("doc", "ppt"):
                    continue
                inside = median_ms(in_process(path, file_type, folder), repeats)

                def sandboxed(path: Path = path, file_type: str = file_type) -> object:
                    nonlocal last
                    last = extract(path, file_type)
                    if not last.ok:
                        raise RuntimeError(f"{path.name}: {last.reason} {last.detail}")
                    return last

                outside = median_ms(sandboxed, repeats)
                assert last is not None
                print(
                    f"{label:30} {path.stat().st_size / 1024:>7,.0f}KB {inside:>9,.0f}ms"
                    f" {outside:>8,.0f}ms {outside / inside:>5.1f}x {last.page_count or '-':>6}"
                    f" {sum(map(len, last.pages)):>9,} {last.peak_rss_mb:>5.0f}MB"
                )

        print(f"\nPDF text, pypdfium2 in-process vs `pdftotext` (median of {repeats}):")
        for label, file_type, path in samples:
            if file_type != "pdf" or not pdftotext:
                continue
            command = [pdftotext, "-enc", "UTF-8", str(path), "-"]

            def poppler_text(command: list[str] = command) -> str:
                done = subprocess.run(command, capture_output=True, check=True)  # noqa: S603
                return done.stdout.decode()

            pdfium = median_ms(pdf_text_only(path, folder), repeats)
            poppler = median_ms(poppler_text, repeats)
            chars = sum(map(len, pdf_text_only(path, folder)().pages))
            poppler_chars = len(poppler_text())
            print(
                f"  {label:30} pypdfium2 {pdfium:>6,.0f} ms ({chars:,} chars), pdftotext "
                f"{poppler:>6,.0f} ms ({poppler_chars:,} chars): ratio {pdfium / poppler:.2f}"
            )

        if soffice:
            confined = "confined" if confinement_available() else "not confined"
            print(f"\nLibreOffice ({confined}), sandboxed extract() with conversion:")
            with override_settings(LIBREOFFICE=soffice):
                for label, file_type, path in samples:
                    if file_type not in ("doc", "ppt", "docx", "pptx"):
                        continue
                    result = extract(path, file_type)
                    timings = [result.seconds]
                    timings += [extract(path, file_type).seconds for _ in range(repeats - 1)]
                    print(
                        f"  {label:30} {statistics.median(timings) * 1000:>7,.0f} ms"
                        f"  ok={result.ok} pages={result.page_count}"
                        f" preview={'yes' if result.preview else 'no'}"
                        f" peak {result.peak_rss_mb:.0f} MB"
                    )
    print()
    for line in machine(soffice):
        print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("MINKA_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
    import django

    django.setup()
    run(args.repeats, not args.no_libreoffice)
    return 0


if __name__ == "__main__":
    sys.exit(main())
