"""The format layer of the minutes importer: ``read_minutes`` on every format, every
encoding, and hostile files (SECURITY.md 1.6), which must each fail alone with a clear
message within the sandbox's limits.

Office and PDF samples are rendered from text at test time (``importer_documents``); hostile
files come from the documents app's builders (``minka.files.tests.samples``). LibreOffice
is switched off: it would only add a preview the importer does not use (and seconds per file).
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path
from unittest import mock

import pypdfium2 as pdfium
import pytest
from django.test import override_settings

from minka.files.tests import samples
from minka.meetings.minutes.importers.errors import UnreadableMinutes
from minka.meetings.minutes.importers.formats import (
    FORMATS,
    MAX_BYTES,
    SUPPORTED_EXTENSIONS,
    format_for,
    read_minutes,
)
from minka.meetings.minutes.importers.formats.docx import DocxFormat
from minka.meetings.minutes.importers.formats.pdf import join_broken_words
from minka.meetings.minutes.tests import importer_documents

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "minutes"
YEAR = 2026
# Hostile files must fail well within the sandbox's limits (30 s, 1 GiB).
HOSTILE_SECONDS = 10.0

SAMPLE = """Acta de la reunión de la Red de Participación Digital
Fecha: 16 de marzo de 2026
Lugar: Oficina de la Sociedad Peruana, San Isidro

Asistentes:
- Alfredo Astudillo (Viceministerio TIC)
- María Ñahui Quispe (Asociación Civil “Niñez Conectada”)

Acuerdos
- Compartir las presentaciones en el repositorio – responsable: María Ñahui, 30 de marzo.
- ¿Próxima reunión? El 16 de abril a las 10:00 h."""

DAMAGED = "The file is damaged or could not be read."
NO_TEXT = "The file has no text to extract (for example, a scanned document or an image)."
TOO_LARGE_ARCHIVE = (
    "{} contains too many files, or expands to too much data, to be processed safely."
)
UNSUPPORTED = (
    "{} cannot be imported as minutes: only .txt, .md, .markdown, .pdf, .docx, .odt files "
    "are accepted. Save the minutes in one of these formats and try again."
)


@pytest.fixture(autouse=True)
def _english_without_libreoffice() -> object:
    with override_settings(LANGUAGE_CODE="en", LIBREOFFICE="off"):
        yield


def render(text: str, folder: Path, kind: str, name: str = "acta") -> Path:
    """``text`` written as a file of ``kind`` ("txt", "docx", "odt" or "pdf")."""
    path = folder / f"{name}.{kind}"
    if kind == "txt":
        path.write_text(text, encoding="utf-8")
        return path
    builders = {
        "docx": importer_documents.docx_from_text,
        "odt": importer_documents.odt_from_text,
        "pdf": importer_documents.pdf_from_text,
    }
    return builders[kind](text, path)


def words(text: str) -> list[str]:
    return text.split()


def assert_unreadable(path: Path, message: str, *, filename: str | None = None) -> float:
    """Assert that reading ``path`` raises UnreadableMinutes with ``message``; return the
    seconds it took."""
    started = time.monotonic()
    with pytest.raises(UnreadableMinutes) as caught:
        read_minutes(path, filename=filename)
    seconds = time.monotonic() - started
    assert str(caught.value) == message
    assert type(caught.value) is UnreadableMinutes
    return seconds


# --- Registry ---------------------------------------------------------------------------


def test_each_supported_extension_has_one_format_with_its_mime_types() -> None:
    """The registry lists text, Markdown, PDF, Word and OpenDocument, one per extension."""
    assert SUPPORTED_EXTENSIONS == (".txt", ".md", ".markdown", ".pdf", ".docx", ".odt")
    assert [minutes_format.name for minutes_format in FORMATS] == [
        "Text",
        "Markdown",
        "PDF",
        "Word",
        "OpenDocument",
    ]
    assert format_for("ACTA FINAL.PDF") is FORMATS[2]
    assert format_for("acta.docx") is FORMATS[3]
    assert format_for("acta.doc") is None
    assert format_for("acta") is None
    assert "application/pdf" in FORMATS[2].mime_types
    assert "application/vnd.oasis.opendocument.text" in FORMATS[4].mime_types


# --- Each format ------------------------------------------------------------------------


def test_plain_text_is_returned_line_for_line(tmp_path: Path) -> None:
    """A UTF-8 text file comes back unchanged (line endings normalized)."""
    path = tmp_path / "acta.txt"
    path.write_bytes(SAMPLE.replace("\n", "\r\n").encode() + b"\r\n\r\n")
    assert read_minutes(path) == SAMPLE


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_office_documents_give_one_line_per_paragraph(tmp_path: Path, kind: str) -> None:
    """DOCX and ODT paragraphs become lines, blank paragraphs blank lines, accents kept."""
    text = SAMPLE + "\n\tSangría con tabulador y  dos espacios"
    assert read_minutes(render(text, tmp_path, kind)) == text


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_office_tables_give_one_line_per_row(tmp_path: Path, kind: str) -> None:
    """A Word or OpenDocument table is read row by row, cells separated by tabs (an ODT
    table used to come out one cell per line)."""
    text = "ASISTENTES\n| INSTITUCIÓN | Nombre |\n|---|---|\n| Municipalidad | Ana Ríos |\nFin"
    builder = (
        importer_documents.docx_from_text if kind == "docx" else importer_documents.odt_from_text
    )
    path = builder(text, tmp_path / f"acta.{kind}", tables=True)
    assert read_minutes(path).split("\n") == [
        "ASISTENTES",
        "INSTITUCIÓN\tNombre",
        "Municipalidad\tAna Ríos",
        "Fin",
    ]


def test_pdf_gives_its_lines_without_the_blank_ones(tmp_path: Path) -> None:
    """A PDF's text layer keeps every line; blank lines leave no trace in a PDF."""
    lines = [line for line in SAMPLE.split("\n") if line]
    assert read_minutes(render(SAMPLE, tmp_path, "pdf")).split("\n") == lines


def test_a_long_pdf_is_read_page_after_page(tmp_path: Path) -> None:
    """Several A4 pages are joined in order, one line per line of the source."""
    lines = [f"- Intervención número {number}: participación ciudadana." for number in range(300)]
    path = render("\n".join(lines), tmp_path, "pdf")
    assert len(pdfium.PdfDocument(path)) >= 3
    assert read_minutes(path).split("\n") == lines


def test_words_hyphenated_at_the_end_of_a_pdf_line_are_joined(tmp_path: Path) -> None:
    """Hyphenation ("partici-" / "pación") does not leave half-words in the text."""
    text = " ".join(["La participación ciudadana extraordinariamente institucionalizada"] * 12)
    path = importer_documents.pdf_from_text(
        text, tmp_path / "columna.pdf", font_size="20pt", margin="20mm 80mm", hyphenate=True
    )
    raw = "\n".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(path))
    assert "\u2010\r\n" in raw  # the PDF really is hyphenated
    assert words(read_minutes(path)) == words(text)


def test_joining_broken_words_leaves_lists_names_and_numbers_alone() -> None:
    assert (
        join_broken_words("partici-\npación y ins\u2010\ntitución") == "participación y institución"
    )
    assert join_broken_words("Acuerdo de Lima-\nCallao") == "Acuerdo de Lima-\nCallao"
    assert join_broken_words("compromisos:\n- uno\n- dos") == "compromisos:\n- uno\n- dos"
    assert join_broken_words("páginas 10-\n12") == "páginas 10-\n12"


# --- Encodings and Markdown -------------------------------------------------------------

ACCENTED = "Participación de “todas” las organizaciones – ¿Quién asistió? Niñas y niños."


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        pytest.param(b"", "utf-8", id="utf-8"),
        pytest.param(b"\xef\xbb\xbf", "utf-8", id="utf-8-bom"),
        pytest.param(b"", "cp1252", id="windows-1252"),
    ],
)
def test_text_in_utf8_or_windows_1252_is_decoded(tmp_path: Path, bom: bytes, encoding: str) -> None:
    """UTF-8 with or without a BOM, and Windows-1252 ("ANSI"), curly quotes and dash included."""
    path = tmp_path / "acta.txt"
    path.write_bytes(bom + f"{ACCENTED}\r\nSegunda línea\r\n".encode(encoding))
    assert read_minutes(path) == f"{ACCENTED}\nSegunda línea"


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    """Latin-1 ("ISO-8859-1") text reads the same as in Windows-1252."""
    text = "Señor Muñoz: ¿acción o participación? «Sí», dijo el año pasado. ½ °C"
    path = tmp_path / "acta.txt"
    path.write_bytes(text.encode("latin-1"))
    assert read_minutes(path) == text


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_markdown_keeps_lines_and_lists_without_its_marks(tmp_path: Path, suffix: str) -> None:
    """Heading and emphasis marks, escapes and HTML tags go; list markers, rules (an
    underline makes a heading) and lines stay; a .txt written in Markdown reads the same."""
    path = tmp_path / f"acta{suffix}"
    path.write_text(
        "# Acta de la *reunión*\n\nFecha: **16 de marzo**\n\n## Acuerdos ##\n---\n"
        "- Compartir el __directorio__\n* Revisar el punto 3\\. del acta\n1. Otra vez\n"
        '<h3 align="center">Próxima reunión&nbsp;</h3>\n',
        encoding="utf-8",
    )
    assert read_minutes(path) == (
        "Acta de la reunión\n\nFecha: 16 de marzo\n\nAcuerdos\n---\n"
        "- Compartir el directorio\n* Revisar el punto 3. del acta\n1. Otra vez\n"
        "Próxima reunión"
    )


def test_the_filename_says_the_format_whatever_the_stored_name(tmp_path: Path) -> None:
    """An upload stored under a generated name is read by its original name's extension."""
    stored = render(SAMPLE, tmp_path, "docx").rename(tmp_path / "9f2c1a")
    assert read_minutes(stored, filename="Acta 16-03.DOCX") == SAMPLE


# --- Bad and hostile files --------------------------------------------------------------


def test_unsupported_types_are_refused_by_name(tmp_path: Path) -> None:
    for name in ("programa.exe", "pagina.html", "acta.doc", "acta"):
        path = tmp_path / name
        path.write_bytes(b"MZ\x90\x00")
        assert_unreadable(path, UNSUPPORTED.format(name))


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    for name in ("acta.txt", "acta.pdf", "acta.docx"):
        path = tmp_path / name
        path.write_bytes(b"")
        assert_unreadable(path, f"{name} is empty.")


def test_a_text_of_only_blank_lines_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "acta.txt"
    path.write_bytes(b"\r\n  \n\t\n")
    assert_unreadable(path, NO_TEXT)


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    for name in ("grande.txt", "grande.pdf"):
        path = tmp_path / name
        with path.open("wb") as handle:
            handle.truncate(MAX_BYTES + 1)
        seconds = assert_unreadable(path, f"{name} is larger than the limit of 10.0\xa0MB.")
        assert seconds < 1


def test_text_longer_than_the_extractor_keeps_is_refused(tmp_path: Path) -> None:
    """Minutes over two million characters would be cut short: they are refused instead."""
    path = tmp_path / "largo.txt"
    path.write_bytes(b"Participacion ciudadana.\n" * 90_000)
    assert_unreadable(
        path,
        "The minutes are too long to import: they have more than 2,000 pages or 2,000,000 "
        "characters.",
    )


def test_a_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    assert_unreadable(tmp_path / "borrado.txt", "borrado.txt could not be opened.")


def test_contents_that_do_not_match_the_extension_are_refused(tmp_path: Path) -> None:
    html = samples.html(tmp_path, "acta.pdf")
    assert_unreadable(
        html,
        "The contents of acta.pdf do not match its extension: it looks like a HTML file, "
        "not a PDF file.",
    )
    odt = render(SAMPLE, tmp_path, "odt").rename(tmp_path / "acta.docx")
    assert_unreadable(
        odt,
        "The contents of acta.docx do not match its extension: it looks like a ODT file, "
        "not a DOCX file.",
    )
    pdf = render(SAMPLE, tmp_path, "pdf").rename(tmp_path / "acta.txt")
    assert_unreadable(
        pdf,
        "The contents of acta.txt do not match its extension: it looks like a PDF file, "
        "not a TXT file.",
    )


def test_binary_data_named_txt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "acta.txt"
    path.write_bytes(SAMPLE.encode("utf-16"))
    assert_unreadable(
        path,
        "acta.txt is not plain text in UTF-8 or Windows encoding: save it as UTF-8 text and "
        "upload it again.",
    )


def test_a_docx_zip_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    """A 45 KB DOCX that expands to 5 GiB: refused from its central directory."""
    path = samples.zip_bomb(tmp_path, "docx")
    assert path.stat().st_size < 100_000
    seconds = assert_unreadable(path, TOO_LARGE_ARCHIVE.format("bomba.docx"))
    assert seconds < 1


def many_entries(folder: Path) -> Path:
    """A DOCX with 100,000 more (empty) entries, named short to stay under MAX_BYTES."""
    path = folder / "entradas.docx"
    path.write_bytes(
        samples.raw_zip(samples.ooxml_skeleton("docx"), padding=100_000, padding_prefix="e")
    )
    return path


def test_a_zip_of_100000_entries_named_docx_is_refused(tmp_path: Path) -> None:
    path = many_entries(tmp_path)
    assert path.stat().st_size < MAX_BYTES
    seconds = assert_unreadable(path, TOO_LARGE_ARCHIVE.format("entradas.docx"))
    assert seconds < 1


def test_the_sandbox_refuses_an_archive_bomb_even_if_called_directly(tmp_path: Path) -> None:
    """Defence in depth: a format's extract_text on a zip bomb fails in the worker too."""
    message = "The file contains too many parts, or expands to too much data, to be read safely."
    for path, minutes_format in (
        (samples.zip_bomb(tmp_path, "docx"), DocxFormat()),
        (many_entries(tmp_path), DocxFormat()),
    ):
        started = time.monotonic()
        with pytest.raises(UnreadableMinutes) as caught:
            minutes_format.extract_text(path)
        assert str(caught.value) == message
        assert time.monotonic() - started < HOSTILE_SECONDS


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_a_billion_laughs_document_is_refused(tmp_path: Path, kind: str) -> None:
    """An XML part with nested entities is refused by the worker before any parser runs."""
    path = samples.billion_laughs(tmp_path, kind)
    assert_unreadable(path, DAMAGED)


def test_an_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    assert_unreadable(samples.pdf_encrypted(tmp_path), "The file is protected with a password.")


def test_a_scanned_pdf_without_a_text_layer_is_refused(tmp_path: Path) -> None:
    path = importer_documents.image_pdf(tmp_path / "escaneado.pdf")
    assert len(pdfium.PdfDocument(path)) == 1
    assert_unreadable(path, NO_TEXT)


def test_damaged_files_are_refused(tmp_path: Path) -> None:
    """A PDF with a header and an end marker but nothing readable between them, a cut DOCX
    and an ODT whose content is not XML."""
    broken_pdf = tmp_path / "roto.pdf"
    broken_pdf.write_bytes(b"%PDF-1.7\n" + random.Random(0).randbytes(4000) + b"\n%%EOF\n")
    assert_unreadable(broken_pdf, DAMAGED)
    cut = render(SAMPLE, tmp_path, "docx", "cortado")
    cut.write_bytes(cut.read_bytes()[:-300])
    assert_unreadable(cut, "cortado.docx is damaged or incomplete and cannot be read.")
    odt = render(SAMPLE, tmp_path, "odt")
    samples._rewrite_entry(odt, "content.xml", lambda data: b"\x00\xff not XML " + data[:50])
    assert_unreadable(odt, DAMAGED)


def test_a_sandbox_that_runs_out_of_time_is_reported(tmp_path: Path) -> None:
    path = render(SAMPLE, tmp_path, "pdf")
    with (
        mock.patch.dict(os.environ, {"MINKA_EXTRACTION_PROBE": "sleep"}),
        override_settings(EXTRACTION_TIMEOUT=1),
    ):
        seconds = assert_unreadable(
            path, "Processing took longer than the time allowed and was stopped."
        )
    assert seconds < 5


def test_a_sandbox_that_runs_out_of_memory_is_reported(tmp_path: Path) -> None:
    path = render(SAMPLE, tmp_path, "docx")
    with (
        mock.patch.dict(os.environ, {"MINKA_EXTRACTION_PROBE": "allocate"}),
        override_settings(EXTRACTION_MEMORY_MB=256),
    ):
        seconds = assert_unreadable(
            path, "Processing needed more memory than allowed and was stopped."
        )
    assert seconds < HOSTILE_SECONDS


def test_hostile_files_fail_alone(tmp_path: Path) -> None:
    """After a run of hostile files, a good one of each format still reads."""
    for path in (
        samples.zip_bomb(tmp_path, "docx"),
        samples.billion_laughs(tmp_path, "docx"),
        samples.pdf_encrypted(tmp_path),
        importer_documents.image_pdf(tmp_path / "escaneado.pdf"),
    ):
        with pytest.raises(UnreadableMinutes):
            read_minutes(path)
    # A PDF drawing a form that draws itself, with a 100,000-deep array: its text is read.
    started = time.monotonic()
    assert read_minutes(samples.pdf_recursive(tmp_path)) == samples.PHRASE
    assert time.monotonic() - started < HOSTILE_SECONDS
    for kind in ("txt", "docx", "odt"):
        assert read_minutes(render(SAMPLE, tmp_path, kind)) == SAMPLE


# --- The same minutes in every format ---------------------------------------------------


def _fixture_params() -> list[object]:
    found = sorted(FIXTURES.glob("*.txt")) if FIXTURES.is_dir() else []
    params: list[object] = [pytest.param(None, id="own-sample")]
    params += [pytest.param(path, id=path.stem) for path in found]
    return params


def _source(tmp_path: Path, fixture: Path | None) -> Path:
    if fixture is None:
        return render(SAMPLE, tmp_path, "txt", "fuente")
    return fixture


@pytest.mark.parametrize("fixture", _fixture_params())
def test_every_format_gives_the_text_of_the_txt_version(
    tmp_path: Path, fixture: Path | None
) -> None:
    """DOCX and ODT give the very lines of the text; a PDF gives the same words in order
    (its lines may wrap and lose blank lines)."""
    source = _source(tmp_path, fixture)
    text = read_minutes(source)
    for kind in ("docx", "odt"):
        assert read_minutes(render(text, tmp_path, kind)) == text, kind
    assert words(read_minutes(render(text, tmp_path, "pdf"))) == words(text)


@pytest.mark.parametrize("fixture", _fixture_params())
def test_every_format_parses_to_the_same_minutes(tmp_path: Path, fixture: Path | None) -> None:
    """The structure parser finds the same minutes in the DOCX, ODT and PDF versions of a
    text as in the text itself."""
    from minka.meetings.minutes.importers.spanish import parse_minutes

    source = _source(tmp_path, fixture)
    text = read_minutes(source)
    expected = parse_minutes(text, year=YEAR).to_dict()
    for kind in ("docx", "odt", "pdf"):
        version = render(text, tmp_path, kind)
        assert parse_minutes(read_minutes(version), year=YEAR).to_dict() == expected, kind
