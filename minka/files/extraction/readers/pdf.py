"""PDF: page texts, page count and a first-page preview, read with PDFium (also the reader
of what LibreOffice converts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.files.extraction.readers.base import PREVIEW_SIZE, Failure, Text

if TYPE_CHECKING:
    from pathlib import Path

    from minka.files.extraction.readers.base import Context, Outcome


def read_pdf(path: Path, ctx: Context, text: Text | None, *, preview: bool = True) -> int:
    """Read a PDF's page count, page texts (into ``text``) and first-page preview."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

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
