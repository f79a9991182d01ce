"""Sample files of every accepted format, valid and hostile, built at test time.

Each builder writes into a folder and returns the path. Texts carry :data:`PHRASE` (accents
included) so that tests can check extraction end to end. Hand-made formats (PDF, raw ZIP,
PNG chunks) are written byte by byte; office formats use the libraries the worker reads
them with. The legacy DOC and PPT samples in ``files/`` were produced by LibreOffice 7.4
from :func:`docx` and :func:`pptx` (see :func:`make_legacy_fixtures`) and are stored
gzipped (LibreOffice pads a PPT to 600 KB with empty sectors).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

PHRASE = "Red Dorsal Nacional de Fibra Óptica en la selva"
SECOND = "Conectividad rural y acceso a internet en la Amazonía peruana"
FILES = Path(__file__).resolve().parent / "files"


# --- PDF ------------------------------------------------------------------------------

_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def page_content(lines: Sequence[str]) -> bytes:
    """A content stream that writes ``lines`` in Helvetica, one under the other."""
    parts = [b"BT /F1 14 Tf 72 760 Td 18 TL"]
    for line in lines:
        parts.append(_pdf_string(line) + b" Tj T*")
    parts.append(b"ET")
    return b"\n".join(parts)


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def pdf_bytes(
    pages: Sequence[Sequence[str]],
    *,
    shared_pages: int = 0,
    password: str | None = None,
    extra: Sequence[bytes] = (),
    page_resources: bytes = b"",
    draw: bytes = b"",
    media_box: bytes = b"0 0 595 842",
) -> bytes:
    """A valid PDF with one page per item of ``pages`` (lines of text in Helvetica with
    WinAnsiEncoding, so Spanish accents survive).

    ``shared_pages`` adds that many more pages drawing the first page's content stream (a
    5,000-page PDF in a few hundred KB). ``password`` encrypts it with the standard
    security handler (RC4, 40 bits: old, but every reader must refuse to open it without
    the password). ``extra`` are more object bodies, numbered after the others;
    ``page_resources`` is added to every page's resource dictionary and ``draw`` to every
    content stream.
    """
    objects: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    font = 3
    objects[font] = (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    number = 4
    kids: list[int] = []
    contents: list[int] = []
    for lines in pages:
        streams[number] = page_content(lines) + draw
        contents.append(number)
        number += 1
    for body in extra:
        objects[number] = body
        number += 1
    page_numbers = [*contents, *([contents[0]] * shared_pages)]
    for content in page_numbers:
        objects[number] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> %s >> >>" % (media_box, content, page_resources)
        )
        kids.append(number)
        number += 1
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    file_id = hashlib.md5(b"minka-sample").digest()  # noqa: S324 -- the PDF format's own use.
    encrypt = b""
    key = b""
    if password is not None:
        padded = (password.encode("latin-1") + _PAD)[:32]
        owner_key = hashlib.md5((b"owner" + _PAD)[:32]).digest()[:5]  # noqa: S324
        owner = _rc4(owner_key, padded)
        permissions = -44
        key = hashlib.md5(  # noqa: S324
            padded + owner + struct.pack("<i", permissions) + file_id
        ).digest()[:5]
        user = _rc4(key, _PAD)
        objects[number] = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (
            owner.hex().encode(),
            user.hex().encode(),
            permissions,
        )
        encrypt = b" /Encrypt %d 0 R" % number
        number += 1
    for stream_number, data in streams.items():
        if key:
            object_key = hashlib.md5(  # noqa: S324
                key + stream_number.to_bytes(3, "little") + b"\x00\x00"
            ).digest()[:10]
            data = _rc4(object_key, data)
        objects[stream_number] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for object_number in sorted(objects):
        offsets[object_number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (object_number, objects[object_number]))
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for object_number in range(1, size):
        if object_number in offsets:
            out.write(b"%010d 00000 n \n" % offsets[object_number])
        else:
            out.write(b"0000000000 65535 f \n")
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>]%s >>\nstartxref\n%d\n%%%%EOF\n"
        % (size, file_id.hex().encode(), file_id.hex().encode(), encrypt, xref)
    )
    return out.getvalue()


def pdf(folder: Path, name: str = "informe.pdf", pages: int = 3) -> Path:
    """A PDF of ``pages`` pages; the first carries :data:`PHRASE`."""
    texts = [[PHRASE, SECOND]] + [[f"Página {n}: {SECOND}"] for n in range(2, pages + 1)]
    return _write(folder / name, pdf_bytes(texts))


def pdf_encrypted(folder: Path) -> Path:
    return _write(folder / "cifrado.pdf", pdf_bytes([[PHRASE]], password="secreto"))


def pdf_many_pages(folder: Path, pages: int = 5_000) -> Path:
    return _write(folder / "largo.pdf", pdf_bytes([[PHRASE]], shared_pages=pages - 1))


def pdf_recursive(folder: Path) -> Path:
    """A PDF whose page draws a form that draws itself, with a 100,000-deep nested array
    and a 10,000-long chain of references to resolve."""
    depth = 100_000
    chain = 10_000
    base = 4 + 1  # first extra object number (one content stream before it)
    extra = [
        # base: the self-drawing form.
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] "
        b"/Resources << /XObject << /X1 %d 0 R >> >> /Length 6 >>\nstream\n/X1 Do\nendstream"
        % base,
        # base + 1: the deep array.
        b"[" * depth + b"]" * depth,
    ]
    first = base + 2
    for index in range(chain):
        extra.append(b"<< /Next %d 0 R >>" % (first + index + 1))
    extra.append(b"<< /Deep %d 0 R >>" % (base + 1))
    resources = b"/XObject << /X1 %d 0 R >> /Properties << /P0 %d 0 R >>" % (base, first)
    data = pdf_bytes([[PHRASE]], extra=extra, page_resources=resources, draw=b"\n/X1 Do")
    return _write(folder / "recursivo.pdf", data)


def pdf_broken_xref(folder: Path) -> Path:
    """A PDF whose cross-reference table and ``startxref`` point to the wrong places."""
    data = pdf_bytes([[PHRASE]])
    start = data.rindex(b"xref\n0 ")
    table_end = data.index(b"trailer", start)
    broken = data[start:table_end].replace(b"00000 n", b"00000 f").replace(b"0000000", b"0000123")
    data = data[:start] + broken + data[table_end:]
    data = data.replace(b"startxref\n", b"startxref\n9", 1)
    return _write(folder / "xref.pdf", data)


# --- ZIP-based formats ----------------------------------------------------------------


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
    import openpyxl  # type: ignore[import-untyped]

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
    from odf import table, text  # type: ignore[import-untyped]
    from odf.opendocument import OpenDocumentText  # type: ignore[import-untyped]

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


def _rewrite_entry(path: Path, name: str, change: Callable[[bytes], bytes]) -> None:
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            target.writestr(info, change(data) if info.filename == name else data)


def raw_zip(
    entries: Sequence[tuple[str, bytes]],
    *,
    overlapping: int = 0,
    kernel: int = 10 * 1024 * 1024,
    padding: int = 0,
    padding_prefix: str = "word/media/empty",
) -> bytes:
    """A ZIP written byte by byte: ``entries`` deflated, then ``overlapping`` entries that
    all point to one deflated block of ``kernel`` zero bytes (a non-recursive zip bomb:
    honest sizes, tiny file), then ``padding`` empty stored entries. Uses ZIP64 end
    records when there are more than 65,535 entries, as ``zipfile`` does."""
    out = io.BytesIO()
    central: list[bytes] = []

    def local(name: str, data: bytes, packed: bytes, method: int, crc: int) -> int:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<4s5H3L2H",
                b"PK\x03\x04",
                20,
                0x800,
                method,
                0,
                0x21,
                crc,
                len(packed),
                len(data),
                len(encoded),
                0,
            )
            + encoded
            + packed
        )
        return offset

    def directory(name: str, size: int, packed: int, method: int, crc: int, offset: int) -> None:
        encoded = name.encode()
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0x800,
                method,
                0,
                0x21,
                crc,
                packed,
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )

    def deflate(data: bytes) -> bytes:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        return compressor.compress(data) + compressor.flush()

    for name, data in entries:
        packed = deflate(data)
        crc = zlib.crc32(data)
        directory(name, len(data), len(packed), 8, crc, local(name, data, packed, 8, crc))
    if overlapping:
        zeros = bytes(kernel)
        packed = deflate(zeros)
        crc = zlib.crc32(zeros)
        offset = local("word/media/bomb0.bin", b"", packed, 8, crc)
        for index in range(overlapping):
            directory(f"word/media/bomb{index}.bin", kernel, len(packed), 8, crc, offset)
    for index in range(padding):
        name = f"{padding_prefix}{index}.xml"
        directory(name, 0, 0, 0, 0, local(name, b"", b"", 0, 0))
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    count = len(central)
    if count > 0xFFFF:
        zip64_at = out.tell()
        out.write(
            struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, start)
        )
        out.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, zip64_at, 1))
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, size, start, 0))
    else:
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))
    return out.getvalue()


_CONTENT_TYPES = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def ooxml_skeleton(kind: str, main: bytes | None = None) -> list[tuple[str, bytes]]:
    """The three parts an OOXML package needs, with ``main`` as its main part."""
    part, content_type = _CONTENT_TYPES[kind]
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/><Override PartName="/{part}" '
        f'ContentType="{content_type}"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'officeDocument" Target="{part}"/></Relationships>'
    )
    body = (
        main
        or (
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body><w:p><w:r>'
            f"<w:t>{PHRASE}</w:t></w:r></w:p></w:body></w:document>"
        ).encode()
    )
    return [("[Content_Types].xml", types.encode()), ("_rels/.rels", rels.encode()), (part, body)]


def zip_bomb(folder: Path, kind: str = "docx", *, copies: int = 500) -> Path:
    """A small DOCX or PPTX (about 45 KB) whose entries expand to ``copies`` × 10 MiB
    (5 GiB by default), all sharing one compressed block."""
    data = raw_zip(ooxml_skeleton(kind), overlapping=copies)
    return _write(folder / f"bomba.{kind}", data)


def many_entries(folder: Path, kind: str = "pptx", *, count: int = 100_000) -> Path:
    """A DOCX or PPTX with ``count`` extra (empty) entries."""
    data = raw_zip(ooxml_skeleton(kind), padding=count, padding_prefix="ppt/media/empty")
    return _write(folder / f"entradas.{kind}", data)


def billion_laughs_xml(root: str) -> bytes:
    entities = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        previous = f"&lol{level - 1 if level > 1 else ''};"
        entities.append(f'<!ENTITY lol{level} "{previous * 10}">')
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE {root} [{"".join(entities)}]>\n'
    ).encode()


def billion_laughs(folder: Path, kind: str = "docx") -> Path:
    """A DOCX, PPTX or ODT whose main XML part defines nested entities (10^9 "lol")."""
    if kind == "odt":
        source = odt(folder, "base.odt")
        prolog = billion_laughs_xml("office:document-content")

        def change(data: bytes) -> bytes:
            body = data.split(b"?>", 1)[1]
            return prolog + body.replace(
                b"</office:text>", b"<text:p>&lol9;</text:p></office:text>"
            )

        _rewrite_entry(source, "content.xml", change)
        return source.rename(folder / "risas.odt")
    prolog = billion_laughs_xml("w:document")
    main = (
        prolog
        + (
            f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
            "</w:body></w:document>"
        ).encode()
    )
    return _write(folder / f"risas.{kind}", raw_zip(ooxml_skeleton(kind, main)))


# --- Text and images ------------------------------------------------------------------


def text(folder: Path, name: str = "notas.txt", *, encoding: str = "utf-8") -> Path:
    body = f"{PHRASE}\n{SECOND}\nAcción, participación, niñas y niños.\n"
    if name.endswith(".csv"):
        body = f'titulo,region\n"{PHRASE}",Loreto\n"{SECOND}",Ucayali\n'
    elif name.endswith(".md"):
        body = f"# {PHRASE}\n\n- {SECOND}\n- *Acción* y **participación**\n"
    return _write(folder / name, body.encode(encoding))


def png(folder: Path, name: str = "foto.png", size: tuple[int, int] = (1600, 900)) -> Path:
    from PIL import Image

    image = Image.new("RGB", size)
    image.paste((20, 120, 60), (0, 0, size[0] // 2, size[1]))
    path = folder / name
    image.save(path, format="PNG")
    return path


def jpeg(folder: Path, name: str = "foto.jpg", size: tuple[int, int] = (1200, 1600)) -> Path:
    from PIL import Image

    image = Image.new("RGB", size, (200, 80, 40))
    path = folder / name
    image.save(path, format="JPEG", quality=80)
    return path


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">L", len(data)) + kind + data + struct.pack(">L", zlib.crc32(kind + data))


def png_chunks(width: int, height: int, chunks: Sequence[tuple[bytes, bytes]] = ()) -> bytes:
    """A PNG of ``width`` × ``height`` grey pixels declared in its header; the image data
    holds the first rows only (enough to open, not to decode everything)."""
    header = struct.pack(">2L5B", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes(width) for _ in range(min(height, 4)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + b"".join(_chunk(kind, data) for kind, data in chunks)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def png_bomb(folder: Path, name: str = "bomba.png") -> Path:
    """A 60 KB-ish PNG declaring 50,000 × 50,000 pixels (2.5 gigapixels, 2.5 GB decoded)."""
    return _write(folder / name, png_chunks(50_000, 50_000))


def png_polyglot(folder: Path, name: str = "poliglota.png") -> Path:
    """A valid PNG (Pillow verifies it) that a browser sniffing HTML would run: the markup
    sits in a text chunk."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 0, 0)).save(buffer, format="PNG")
    data = buffer.getvalue()
    html = b"Comment\x00<html><script>alert(document.domain)</script></html>"
    iend = data.rindex(b"IEND") - 4
    return _write(folder / name, data[:iend] + _chunk(b"tEXt", html) + data[iend:])


def html(folder: Path, name: str = "pagina.pdf") -> Path:
    return _write(
        folder / name, b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    )


def ole_header(stream: str) -> bytes:
    """The first sector of a legacy OLE file naming ``stream`` in its directory (enough for
    detection; not a readable document)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512 - 8)
    entry = stream.encode("utf-16-le").ljust(64, b"\x00") + bytes(64)
    return header + entry.ljust(512, b"\x00")


# --- Legacy Office --------------------------------------------------------------------


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


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
