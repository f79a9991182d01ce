"""View: the attendance sheet, one form for everybody (coordinators).

The invitees and the convening organizations' people are ticked in one list (those already
present come ticked); walk-ins are typed in blank rows, "one more row" re-displays the form
with what was typed and a blank row (no JavaScript needed). One submit records everybody
through :func:`minka.meetings.services.attendance.attendance_record_many`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minka.core.decorators import permission_required
from minka.meetings import permissions
from minka.meetings.attendance_sheet import sheet_rows, written_attendees
from minka.meetings.forms_attendance_sheet import AttendanceSheetForm, walk_in_formset, walk_ins
from minka.meetings.services import attendance as attendance_services
from minka.meetings.views.attendance import _managed

if TYPE_CHECKING:
    from uuid import UUID

    from django.http import HttpResponse

    from minka.core.http import AuthenticatedHttpRequest
    from minka.meetings.attendance_sheet import SheetRow
    from minka.meetings.models import Meeting

MORE = "more"  # the name of the "one more row" button


def _page(
    request: AuthenticatedHttpRequest,
    meeting: Meeting,
    form: AttendanceSheetForm,
    walk_ins: Any,
    status: int = 200,
) -> HttpResponse:
    context = {
        "meeting": meeting,
        "form": form,
        "walk_ins": walk_ins,
        "entries": form.entries(),
        "present_count": sum(1 for row in form.rows if row.present),
        "written": written_attendees(meeting),
    }
    return render(request, "meetings/attendance_form.html", context, status=status)


def _unsent(request: AuthenticatedHttpRequest, rows: list[SheetRow]) -> AttendanceSheetForm:
    """The sheet as recorded (GET), or as ticked before "one more row" (nothing saved)."""
    if request.method == "POST":
        return AttendanceSheetForm(
            rows=rows, initial={"attended": request.POST.getlist("attended")}
        )
    return AttendanceSheetForm(
        rows=rows, initial={"attended": [r.person_id for r in rows if r.present]}
    )


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_meetings)
def meeting_attendance(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The attendance sheet: GET shows it, POST records it (or adds a blank row)."""
    meeting = _managed(request, public_id)
    rows = sheet_rows(meeting)
    if request.method == "GET" or MORE in request.POST:
        sent = request.POST if request.method == "POST" else None
        return _page(request, meeting, _unsent(request, rows), walk_in_formset(sent, more=True))
    form = AttendanceSheetForm(request.POST, rows=rows)
    formset = walk_in_formset(request.POST)
    if form.is_valid() and (typed := walk_ins(formset)) is not None:
        try:
            change = attendance_services.attendance_record_many(
                actor=request.user,
                meeting=meeting,
                present=form.cleaned_data["attended"],
                listed=form.cleaned_data["listed"],
                walk_ins=typed,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("Attendance saved: %(added)d added, %(removed)d removed.")
                % {"added": change.added, "removed": change.removed},
            )
            return redirect("meetings:meeting-attendance", public_id=meeting.public_id)
    return _page(request, meeting, form, formset, status=400)
