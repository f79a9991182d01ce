"""Office samples: DOCX, PPTX and XLSX, ODT, ODP and ODS written with the libraries the
worker reads them with, and the committed legacy DOC and PPT (with the OLE header that
detection looks at)."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

from minka.files.tests.samples.common import FILES, PHRASE, SECOND, _rewrite_entry, _write


def docx(folder: Path, name: str = "acta.docx", *, pages: int | None = 2) -> Path:
    """A DOCX with a heading (:data:`PHRASE`), paragraphs and a table with a merged cell.

    ``pages`` is written into ``docProps/app.xml``, as Word records it when saving.
    """
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading(PHRASE, level=1)
    document.add_paragraph(SECOND)
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "Región"
    table.cell(0, 1).text = "Kilómetros"
    table.cell(0, 2).text = "Nodos"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "Loreto y Ucayali"
    table.cell(1, 2).text = "12"
    document.add_page_break()  # type: ignore[no-untyped-call]
    document.add_paragraph("Segunda página del acta.")
    path = folder / name
    document.save(str(path))
    if pages is not None:
        _rewrite_entry(
            path,
            "docProps/app.xml",
            lambda data: data.replace(b"<Pages>1</Pages>", b"<Pages>%d</Pages>" % pages),
        )
    return path


def pptx(folder: Path, name: str = "presentacion.pptx", slides: int = 3) -> Path:
    """A PPTX: a title slide with :data:`PHRASE`, a slide with a table and notes, more
    slides with a grouped text box."""
    import pptx as python_pptx
    from pptx.util import Inches

    presentation = python_pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[0])
    slide.shapes.title.text = PHRASE
    slide.placeholders[1].text = "Reunión de la red, 2026"
    slide = presentation.slides.add_slide(presentation.slide_layouts[5])
    slide.shapes.title.text = "Avance por región"
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(2)).table
    table.cell(0, 0).text = "Región"
    table.cell(0, 1).text = "Nodos"
    table.cell(1, 0).text = "Madre de Dios"
    table.cell(1, 1).text = "7"
    slide.notes_slide.notes_text_frame.text = "Notas del orador: telemedicina"
    for number in range(3, slides + 1):
        slide = presentation.slides.add_slide(presentation.slide_layouts[6])
        group = slide.shapes.add_group_shape()
        box = group.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1))
        box.text_frame.text = f"Diapositiva {number}: {SECOND}"
    path = folder / name
    presentation.save(str(path))
    return path


def xlsx(folder: Path, name: str = "datos.xlsx") -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Proyectos"
    sheet.append(["Proyecto", "Región", "Kilómetros"])
    sheet.append([PHRASE, "Loreto", 1250.5])
    other = workbook.create_sheet("Presupuesto")
    other.append(["Año", "Monto"])
    other.append([2026, 300000])
    other["E20"] = "Óptica"
    path = folder / name
    workbook.save(path)
    return path


def odt(folder: Path, name: str = "informe.odt") -> Path:
    from odf import table, text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    document.text.addElement(text.H(outlinelevel=1, text=PHRASE))
    document.text.addElement(text.P(text=SECOND))
    grid = table.Table(name="Tabla1")
    grid.addElement(table.TableColumn(numbercolumnsrepeated=2))
    row = table.TableRow()
    for value in ("Región", "Cusco"):
        cell = table.TableCell()
        cell.addElement(text.P(text=value))
        row.addElement(cell)
    grid.addElement(row)
    document.text.addElement(grid)
    path = folder / name
    document.save(str(path))
    return path


def odp(folder: Path, name: str = "diapositivas.odp", slides: int = 2) -> Path:
    from odf import draw, style, text
    from odf.opendocument import OpenDocumentPresentation

    document = OpenDocumentPresentation()
    layout = style.PageLayout(name="Layout")
    layout.addElement(style.PageLayoutProperties(pagewidth="28cm", pageheight="21cm"))
    document.automaticstyles.addElement(layout)
    master = style.MasterPage(name="Default", pagelayoutname=layout)
    document.masterstyles.addElement(master)
    for number in range(1, slides + 1):
        page = draw.Page(masterpagename=master, name=f"slide{number}")
        frame = draw.Frame(width="20cm", height="3cm", x="2cm", y="2cm")
        box = draw.TextBox()
        box.addElement(text.P(text=PHRASE if number == 1 else f"Diapositiva {number}: {SECOND}"))
        frame.addElement(box)
        page.addElement(frame)
        document.presentation.addElement(page)
    path = folder / name
    document.save(str(path))
    return path


def ods(folder: Path, name: str = "hoja.ods") -> Path:
    from odf import table, text
    from odf.opendocument import OpenDocumentSpreadsheet

    document = OpenDocumentSpreadsheet()
    for sheet_name, rows in (
        ("Proyectos", [["Proyecto", "Región"], [PHRASE, "Loreto"]]),
        ("Notas", [["Óptica"]]),
    ):
        sheet = table.Table(name=sheet_name)
        for values in rows:
            row = table.TableRow()
            for value in values:
                cell = table.TableCell(valuetype="string")
                cell.addElement(text.P(text=value))
                row.addElement(cell)
            # A spreadsheet program pads rows with thousands of repeated empty cells.
            row.addElement(table.TableCell(numbercolumnsrepeated=16_000))
            sheet.addElement(row)
        sheet.addElement(table.TableRow(numberrowsrepeated=1_000_000))
        document.spreadsheet.addElement(sheet)
    path = folder / name
    document.save(str(path))
    return path


# --- Legacy Office --------------------------------------------------------------------


def ole_header(stream: str) -> bytes:
    """The first sector of a legacy OLE file naming ``stream`` in its directory (enough for
    detection; not a readable document)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512 - 8)
    entry = stream.encode("utf-16-le").ljust(64, b"\x00") + bytes(64)
    return header + entry.ljust(512, b"\x00")


def legacy(folder: Path, kind: str) -> Path:
    """The committed DOC or PPT sample (made by LibreOffice from :func:`docx`/:func:`pptx`)."""
    with gzip.open(FILES / f"muestra.{kind}.gz") as source:
        return _write(folder / f"muestra.{kind}", source.read())


def make_legacy_fixtures(soffice: str = "soffice") -> None:  # pragma: no cover
    """Regenerate ``files/muestra.doc`` and ``files/muestra.ppt`` with LibreOffice."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for source, kind in (
            (docx(work, "muestra.docx"), "doc"),
            (pptx(work, "muestra.pptx"), "ppt"),
        ):
            subprocess.run(  # noqa: S603
                [
                    soffice,
                    "--headless",
                    f"-env:UserInstallation={(work / 'profile').as_uri()}",
                    "--convert-to",
                    kind,
                    "--outdir",
                    str(work),
                    str(source),
                ],
                check=True,
                capture_output=True,
            )
            FILES.mkdir(exist_ok=True)
            with gzip.GzipFile(FILES / f"muestra.{kind}.gz", "wb", mtime=0) as target:
                target.write((work / f"muestra.{kind}").read_bytes())
