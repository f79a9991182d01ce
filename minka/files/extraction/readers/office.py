"""Office Open XML: Word (DOCX) paragraphs and tables, PowerPoint (PPTX) text per slide
with tables, groups and notes, and Excel (XLSX) rows per sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.files.extraction.readers.archives import check_archive, xml_part
from minka.files.extraction.readers.base import MAX_CHARS, Text, list_item
from minka.files.extraction.readers.libreoffice import office_preview

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from pptx.shapes.base import BaseShape

    from minka.files.extraction.readers.base import Context, Outcome


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


def _docx_pages(path: Path) -> int | None:
    """The page count Word stored in ``docProps/app.xml`` (as of its last save), if any."""
    root = xml_part(path, "docProps/app.xml")
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
    import openpyxl

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
