"""ZIP-based formats (OOXML and OpenDocument): the checks made before a parser opens the
package, and reading one of its XML parts safely.

XML safety: python-docx and python-pptx parse with lxml and ``resolve_entities=False``;
odfpy parses with defusedxml's SAX parser; openpyxl uses defusedxml too (installed, and
``OPENPYXL_DEFUSEDXML=True`` in the worker's environment). Before any of them runs,
:func:`check_archive` checks the ZIP limits again and refuses a DTD in the first MiB of any
XML part; past that, entity expansion stays bounded by the parsers, the address-space
limit and the timeout.
"""

from __future__ import annotations

import re
import zipfile
from typing import TYPE_CHECKING, Any

from minka.files.extraction import sniff
from minka.files.extraction.readers.base import Failure

if TYPE_CHECKING:
    from pathlib import Path


XML_HEAD = 1024 * 1024  # bytes of each XML part checked for a DTD

# "<!DOCTYPE" or "<!ENTITY" in UTF-8 or UTF-16: markup only a DTD uses (as text, "<" is
# always escaped).
_DTD = re.compile(
    b"|".join(
        re.escape(word.encode(encoding))
        for word in ("<!DOCTYPE", "<!ENTITY")
        for encoding in ("utf-8", "utf-16-le", "utf-16-be")
    )
)


def check_archive(path: Path) -> None:
    """Check the ZIP limits again (the parsers read the same central directory), and refuse
    XML parts that declare a DTD (neither OOXML nor ODF uses one; it is how entity
    expansion and external entities get in)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        try:
            sniff.inspect_zip(handle, size)
        except sniff.ArchiveError as error:
            raise Failure(
                "archive_limits" if error.code == "archive" else "corrupt", error.detail
            ) from None
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            if len(infos) > sniff.ZIP_MAX_ENTRIES or total > sniff.zip_allowance(size):
                raise Failure("archive_limits", "limits exceeded (zipfile's reading)")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with archive.open(info) as part:
                        if _DTD.search(part.read(XML_HEAD)):
                            raise Failure("corrupt", f"DTD in {info.filename[:80]}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
        raise Failure("corrupt", f"ZIP: {type(error).__name__}") from None


def xml_part(path: Path, name: str) -> Any:
    """Parse the XML part ``name`` of a ZIP package without DTDs or entities; None if absent."""
    from defusedxml import ElementTree

    with zipfile.ZipFile(path) as archive:
        try:
            data = archive.read(name)
        except KeyError:
            return None
    return ElementTree.fromstring(data)
