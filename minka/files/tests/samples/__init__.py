"""Sample files of every accepted format, valid and hostile, built at test time.

Each builder writes into a folder and returns the path. Texts carry :data:`PHRASE` (accents
included) so that tests can check extraction end to end. Hand-made formats (PDF, raw ZIP,
PNG chunks) are written byte by byte; office formats use the libraries the worker reads
them with. The legacy DOC and PPT samples in ``files/`` were produced by LibreOffice 7.4
from :func:`docx` and :func:`pptx` (see :func:`make_legacy_fixtures`) and are stored
gzipped (LibreOffice pads a PPT to 600 KB with empty sectors).

One module per family of formats (``pdfs``, ``office``, ``archives`` for raw and hostile ZIP
packages, ``images``, ``texts``); this package re-exports every builder, so tests write
``samples.pdf(folder)``.
"""

from __future__ import annotations

from minka.files.tests.samples.archives import (
    _W,
    billion_laughs,
    billion_laughs_xml,
    many_entries,
    ooxml_skeleton,
    raw_zip,
    zip_bomb,
)
from minka.files.tests.samples.common import FILES, PHRASE, SECOND, _rewrite_entry
from minka.files.tests.samples.images import jpeg, png, png_bomb, png_chunks, png_polyglot
from minka.files.tests.samples.office import (
    docx,
    legacy,
    make_legacy_fixtures,
    odp,
    ods,
    odt,
    ole_header,
    pptx,
    xlsx,
)
from minka.files.tests.samples.pdfs import (
    page_content,
    pdf,
    pdf_broken_xref,
    pdf_bytes,
    pdf_encrypted,
    pdf_many_pages,
    pdf_recursive,
)
from minka.files.tests.samples.texts import html, text

__all__ = [
    "FILES",
    "PHRASE",
    "SECOND",
    "_W",
    "_rewrite_entry",
    "billion_laughs",
    "billion_laughs_xml",
    "docx",
    "html",
    "jpeg",
    "legacy",
    "make_legacy_fixtures",
    "many_entries",
    "odp",
    "ods",
    "odt",
    "ole_header",
    "ooxml_skeleton",
    "page_content",
    "pdf",
    "pdf_broken_xref",
    "pdf_bytes",
    "pdf_encrypted",
    "pdf_many_pages",
    "pdf_recursive",
    "png",
    "png_bomb",
    "png_chunks",
    "png_polyglot",
    "pptx",
    "raw_zip",
    "text",
    "xlsx",
    "zip_bomb",
]
