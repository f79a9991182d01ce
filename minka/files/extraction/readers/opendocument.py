"""OpenDocument (ODT, ODP, ODS): text in document order, one page per slide or sheet, read
with odfpy; page counts from the stored statistics or LibreOffice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.files.extraction.readers.archives import check_archive, xml_part
from minka.files.extraction.readers.base import Text, list_item
from minka.files.extraction.readers.libreoffice import office_preview

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from minka.files.extraction.readers.base import Context, Outcome


def _odf_text(element: Any) -> Iterator[str]:
    """Yield the text of each paragraph and heading under ``element``, in document order;
    the first paragraph of a list item as a list item (:func:`list_item`); a table row of a
    text document as one line, its cells separated by tabs (as Word tables are read)."""
    from odf import teletype

    first_in_item = element.qname == _ODF_LIST_ITEM
    for child in element.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.qname == _ODF_TABLE_ROW:
            cells = (c for c in child.childNodes if c.nodeType == c.ELEMENT_NODE)
            yield "\t".join(" ".join(line for line in _odf_text(cell) if line) for cell in cells)
        elif child.qname in _ODF_PARAGRAPHS:
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
_ODF_TABLE_ROW = ("urn:oasis:names:tc:opendocument:xmlns:table:1.0", "table-row")


def extract_odf(path: Path, ctx: Context) -> Outcome:
    from odf import draw, table
    from odf.opendocument import load

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
    root = xml_part(path, "meta.xml")
    if root is None:
        return None
    meta = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
    node = root.find(f".//{{{meta}}}document-statistic")
    try:
        pages = int(node.get(f"{{{meta}}}page-count", "0")) if node is not None else 0
    except ValueError:
        return None
    return pages if pages > 0 else None
