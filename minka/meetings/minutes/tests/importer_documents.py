"""Minutes documents for the importer's tests: a text rendered as DOCX, ODT and PDF.

Each builder writes the lines of a text into a new file and returns its path: DOCX with
python-docx and ODT with odfpy (one paragraph per line, blank lines as empty paragraphs), PDF
with WeasyPrint (A4, one ``<p>`` per line, a real text layer, as many pages as the text
needs). The PDF uses a small font and narrow margins so that lines of ordinary minutes
(up to about 150 characters) do not wrap; longer lines wrap as in any PDF.

With ``tables=True``, each run of table rows in the text (cells separated by tabs, or a
Markdown row ``| a | b |``; separator rows ``|---|`` dropped) becomes a real table of the
format instead of paragraphs, as minutes written in Word or LibreOffice have them.
"""

from __future__ import annotations

import base64
import html
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

PDF_STYLE = """
@page { size: A4; margin: %(margin)s; }
body { font-family: "DejaVu Sans", sans-serif; font-size: %(size)s; line-height: 1.3; }
p { margin: 0; white-space: pre-wrap; min-height: 1.3em; }
table { border-collapse: collapse; margin: .3em 0; }
td { border: 1px solid #000; padding: 1px 4px; vertical-align: top; }
"""


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


Block = str | list[list[str]]  # a line, or a table as rows of cells


def _cells(line: str) -> list[str] | None:
    """The cells of a table row, or None when ``line`` is not one."""
    stripped = line.strip()
    if "\t" in stripped:
        return [cell.strip() for cell in stripped.split("\t")]
    if len(stripped) > 1 and stripped.startswith("|") and stripped.endswith("|"):
        return [cell.strip() for cell in stripped[1:-1].split("|")]
    return None


def blocks(text: str, *, tables: bool) -> list[Block]:
    """The lines of ``text``; with ``tables``, each run of table rows as one table."""
    result: list[Block] = []
    for line in _lines(text):
        cells = _cells(line) if tables else None
        if cells is None:
            result.append(line)
        elif all(set(cell) <= set("-: ") for cell in cells):
            continue  # a Markdown separator row
        elif result and isinstance(result[-1], list):
            result[-1].append(cells)
        else:
            result.append([cells])
    return result


def docx_from_text(text: str, path: Path, *, tables: bool = False) -> Path:
    """Write ``text`` as a DOCX, one paragraph per line (and tables, see the module)."""
    import docx

    document = docx.Document()
    for block in blocks(text, tables=tables):
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block), cols=max(len(row) for row in block))
        for r, row in enumerate(block):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    document.save(str(path))
    return path


def odt_from_text(text: str, path: Path, *, tables: bool = False) -> Path:
    """Write ``text`` as an ODT, one paragraph per line (spaces and tabs kept; tables, see
    the module)."""
    from odf import table as odf_table
    from odf import teletype
    from odf import text as odf_text
    from odf.opendocument import OpenDocumentText

    def paragraph(line: str) -> odf_text.P:
        element = odf_text.P()
        teletype.addTextToElement(element, line)
        return element

    document = OpenDocumentText()
    for block in blocks(text, tables=tables):
        if isinstance(block, str):
            document.text.addElement(paragraph(block))
            continue
        table = odf_table.Table()
        table.addElement(odf_table.TableColumn(numbercolumnsrepeated=max(map(len, block))))
        for row in block:
            element = odf_table.TableRow()
            for value in row:
                cell = odf_table.TableCell()
                cell.addElement(paragraph(value))
                element.addElement(cell)
            table.addElement(element)
        document.text.addElement(table)
    document.save(str(path))
    return path


def pdf_from_text(
    text: str,
    path: Path,
    *,
    font_size: str = "8pt",
    margin: str = "12mm",
    hyphenate: bool = False,
    tables: bool = False,
) -> Path:
    """Write ``text`` as an A4 PDF with WeasyPrint, one paragraph per line (and tables, see
    the module).

    With ``hyphenate``, long words are broken at line ends as Spanish hyphenation allows.
    """
    parts = []
    for block in blocks(text, tables=tables):
        if isinstance(block, str):
            parts.append(f"<p>{html.escape(block)}</p>")
            continue
        rows = (
            "<tr>" + "".join(f"<td>{html.escape(value)}</td>" for value in row) + "</tr>"
            for row in block
        )
        parts.append(f"<table>{''.join(rows)}</table>")
    body = "".join(parts)
    style = PDF_STYLE % {"size": font_size, "margin": margin}
    if hyphenate:
        style += "p { hyphens: auto; }"
    return _write_pdf(
        f'<html lang="es"><head><style>{style}</style></head><body>{body}</body></html>', path
    )


def image_pdf(path: Path) -> Path:
    """Write a PDF whose only page is an image of text-like stripes (a "scan": no text
    layer)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    for top in range(60, 740, 30):
        draw.rectangle((50, top, 550, top + 10), fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    source = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return _write_pdf(
        f"<html><head><style>@page {{ size: A4; margin: 0 }}</style></head><body>"
        f'<img src="{source}" style="width: 100%"></body></html>',
        path,
    )


def _write_pdf(document: str, path: Path) -> Path:
    from weasyprint import HTML

    HTML(string=document).write_pdf(path)
    return path
