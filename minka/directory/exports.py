"""The members' exports of the directory: CSV (for spreadsheets) and vCard 4.0 (for phones).

An export holds, for each person listed to members, the name, current organizations and
titles, and only the contact fields that person allowed members to see. The same rule holds
for coordinators: what they see in the administration is not what they share.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.utils.translation import gettext as _

from minka.core.models import AuditEntry
from minka.core.services import audit_record

if TYPE_CHECKING:
    from collections.abc import Iterable

    from minka.core.types import Actor
    from minka.directory.models import Person

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
VCARD_LINE_OCTETS = 75


@dataclass(frozen=True)
class ExportRow:
    name: str
    uid: str
    organizations: list[str]
    titles: list[str]
    email: str
    phone: str
    telegram: str


def export_rows(people: Iterable[Person]) -> list[ExportRow]:
    """What members may see of ``people``: each contact field only with its consent.

    ``people`` come from :func:`minka.directory.selectors.people_for_export`, with
    ``current_affiliations`` prefetched.
    """
    rows = []
    for person in people:
        affiliations = list(getattr(person, "current_affiliations", []))
        rows.append(
            ExportRow(
                name=person.full_name,
                uid=str(person.public_id),
                organizations=[a.organization.name for a in affiliations],
                titles=[a.title for a in affiliations],
                email=person.email if person.email_members else "",
                phone=person.phone if person.phone_members else "",
                telegram=person.telegram.lstrip("@") if person.telegram_members else "",
            )
        )
    return rows


def csv_cell(value: str) -> str:
    """Neutralise a cell a spreadsheet would read as a formula, by prefixing a quote."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def people_csv(rows: Iterable[ExportRow]) -> str:
    """A CSV text with a Spanish (translated) header; the caller adds the BOM and encodes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            _("Name"),
            _("Organizations"),
            _("Roles"),
            _("Email"),
            _("Phone"),
            _("Telegram"),
        ]
    )
    for row in rows:
        cells = [
            row.name,
            "; ".join(row.organizations),
            "; ".join(title for title in row.titles if title),
            row.email,
            row.phone,
            row.telegram,
        ]
        writer.writerow([csv_cell(cell) for cell in cells])
    return buffer.getvalue()


def vcard_escape(value: str) -> str:
    """Escape a text value (RFC 6350 §3.4): backslash, comma, semicolon and newlines."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def vcard_fold(line: str) -> str:
    """Fold ``line`` into lines of at most 75 octets (RFC 6350 §3.2), never inside a
    UTF-8 character; continuation lines start with a space, which counts in their 75."""
    parts: list[str] = []
    current, size, limit = "", 0, VCARD_LINE_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            parts.append(current)
            current, size, limit = "", 0, VCARD_LINE_OCTETS - 1
        current += char
        size += octets
    parts.append(current)
    return "\r\n ".join(parts)


def people_vcard(rows: Iterable[ExportRow]) -> str:
    """One vCard 4.0 per person, CRLF line endings, long lines folded."""
    lines: list[str] = []
    for row in rows:
        lines += ["BEGIN:VCARD", "VERSION:4.0", f"UID:urn:uuid:{row.uid}"]
        lines.append(f"FN:{vcard_escape(row.name)}")
        lines += [f"ORG:{vcard_escape(name)}" for name in row.organizations]
        lines += [f"TITLE:{vcard_escape(title)}" for title in row.titles if title]
        if row.email:
            lines.append(f"EMAIL:{vcard_escape(row.email)}")
        if row.phone:
            lines.append(f"TEL:{vcard_escape(row.phone)}")
        if row.telegram:
            lines.append(f"URL:https://t.me/{vcard_escape(quote(row.telegram, safe=''))}")
        lines.append("END:VCARD")
    return "".join(f"{vcard_fold(line)}\r\n" for line in lines)


def export_record(*, actor: Actor, kind: str) -> AuditEntry:
    """Write the export to the audit log (personal-data exports are audited)."""
    return audit_record(
        actor=actor, action=AuditEntry.Action.EXPORT, target_repr=f"directory export {kind}"
    )
