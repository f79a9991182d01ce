"""The commitments as CSV and XLSX (what the dashboard lists, as the viewer may see it).

A cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, a tab or a
carriage return first) gets a leading quote, in both formats: openpyxl, like a spreadsheet,
would otherwise store such a string as a formula.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.core.urls_util import absolute_url
from minka.core.visibility import can_see
from minka.directory.exports import csv_cell

if TYPE_CHECKING:
    from collections.abc import Iterable

    from minka.agreements.models import Commitment
    from minka.core.types import Actor

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _header() -> list[str]:
    return [
        _("Commitment"),
        _("Status"),
        _("Progress (%)"),
        _("Due date"),
        _("Overdue"),
        _("Responsible"),
        _("Topics"),
        _("Meeting"),
        _("Address"),
    ]


def rows(commitments: Iterable[Commitment], user: Actor) -> list[list[str]]:
    """One row per commitment (owners and topics prefetched by the selector, as ``user``
    may see them; the meeting named only when ``user`` may see it)."""
    table = []
    for commitment in commitments:
        meeting = commitment.meeting
        shown = meeting is not None and can_see(user, meeting.visibility)
        owners = [o.acronym or o.name for o in commitment.responsible_organizations.all()]
        owners += [p.full_name for p in commitment.responsible_people.all()]
        table.append(
            [
                commitment.title,
                str(commitment.get_status_display()),
                str(commitment.progress),
                commitment.due_date.isoformat() if commitment.due_date else "",
                _("yes") if commitment.is_overdue else _("no"),
                "; ".join(owners) or commitment.responsible_text,
                "; ".join(t.name for t in commitment.topics.all()),
                meeting.title if meeting is not None and shown else "",
                absolute_url(commitment.get_absolute_url()),
            ]
        )
    return table


def to_csv(table: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_header())
    for row in table:
        writer.writerow([csv_cell(value) for value in row])
    # A BOM, so that a spreadsheet reads the accents as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Commitments")[:31])
    sheet.append(_header())
    for row in table:
        sheet.append([csv_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def response(commitments: Iterable[Commitment], fmt: str, user: Actor) -> HttpResponse:
    table = rows(commitments, user)
    content = to_csv(table) if fmt == "csv" else to_xlsx(table)
    stamp = timezone.localdate().isoformat()
    result = HttpResponse(content, content_type=FORMATS[fmt])
    result["Content-Disposition"] = f'attachment; filename="compromisos-{stamp}.{fmt}"'
    return result
