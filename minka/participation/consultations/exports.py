"""A consultation's comments as CSV, for coordinators.

Every cell goes through :func:`minka.directory.exports.csv_cell`: a cell that a spreadsheet
would run as a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return first) gets
a leading quote.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.directory.exports import csv_cell

if TYPE_CHECKING:
    from collections.abc import Iterable

    from minka.participation.consultations.models import Consultation, ConsultationComment


def header() -> list[str]:
    return [
        _("Date"),
        _("Section"),
        _("Author"),
        _("Comment"),
        _("Hidden"),
        _("Reason for hiding"),
    ]


def rows(comments: Iterable[ConsultationComment]) -> list[list[str]]:
    """One row per comment (author and section read with the comments)."""
    table = []
    for comment in comments:
        section = comment.section
        author = comment.author
        table.append(
            [
                timezone.localtime(comment.created_at).strftime("%Y-%m-%d %H:%M"),
                f"{section.number}. {section.title}" if section else _("The whole document"),
                author.get_full_name() if author is not None else "",
                comment.body,
                _("yes") if comment.is_hidden else _("no"),
                comment.hidden_reason,
            ]
        )
    return table


def to_csv(table: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header())
    for row in table:
        writer.writerow([csv_cell(value) for value in row])
    # A BOM, so that a spreadsheet reads the accents as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def response(consultation: Consultation, comments: Iterable[ConsultationComment]) -> HttpResponse:
    result = HttpResponse(to_csv(rows(comments)), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    name = f"consulta-{str(consultation.public_id)[:8]}-comentarios-{stamp}.csv"
    result["Content-Disposition"] = f'attachment; filename="{name}"'
    return result
