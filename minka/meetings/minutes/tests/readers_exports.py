"""Reading the minutes exports back in tests: the text of a PDF (by PDFium) and of a DOCX
(paragraphs and page headers)."""

from __future__ import annotations

import io

import docx
import pypdfium2


def pdf_text(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    return [page.get_textpage().get_text_range() for page in document]


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for section in document.sections:
        lines += [p.text for p in section.header.paragraphs]
    return "\n".join(lines)
