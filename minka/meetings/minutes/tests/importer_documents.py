"""Minutes documents for the importer's tests: a text rendered as DOCX, ODT and PDF.

Each builder writes the lines of a text into a new file and returns its path: DOCX with
python-docx and ODT with odfpy (one paragraph per line, blank lines as empty paragraphs), PDF
with WeasyPrint (A4, one ``<p>`` per line, a real text layer, as many pages as the text
needs). The PDF uses a small font and narrow margins so that lines of ordinary minutes
(up to about 150 characters) do not wrap; longer lines wrap as in any PDF.
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
"""


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def docx_from_text(text: str, path: Path) -> Path:
    """Write ``text`` as a DOCX, one paragraph per line."""
    import docx

    document = docx.Document()
    for line in _lines(text):
        document.add_paragraph(line)
    document.save(str(path))
    return path


def odt_from_text(text: str, path: Path) -> Path:
    """Write ``text`` as an ODT, one paragraph per line (spaces and tabs kept)."""
    from odf import teletype
    from odf import text as odf_text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    for line in _lines(text):
        paragraph = odf_text.P()
        teletype.addTextToElement(paragraph, line)
        document.text.addElement(paragraph)
    document.save(str(path))
    return path


def pdf_from_text(
    text: str,
    path: Path,
    *,
    font_size: str = "8pt",
    margin: str = "12mm",
    hyphenate: bool = False,
) -> Path:
    """Write ``text`` as an A4 PDF with WeasyPrint, one paragraph per line.

    With ``hyphenate``, long words are broken at line ends as Spanish hyphenation allows.
    """
    body = "".join(f"<p>{html.escape(line)}</p>" for line in _lines(text))
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
