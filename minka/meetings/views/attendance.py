"""Views: invitations, RSVP (on the meeting page and by signed link), attendance, self
check-in with a code and its QR, and the attendees directory with its CSV export.

Invisible meetings answer 404 (``meeting_get``); coordinators' pages answer 403 to other
signed-in users. Writes go through :mod:`minka.meetings.services.invitations` and
:mod:`minka.meetings.services.attendance`; refused input re-displays the form with its
message and status 400, with nothing stored. GET never writes: the signed RSVP link shows
the answer buttons, and only a POST records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minka.core import ratelimit
from minka.core.decorators import permission_required
from minka.core.models import AuditEntry
from minka.core.permissions import is_signed_in
from minka.core.services import audit_record
from minka.core.storage import content_disposition
from minka.core.urls_util import absolute_url
from minka.meetings import permissions
from minka.meetings.attendees import attendee_list, attendees_csv
from minka.meetings.forms_attendance import (
    AttendanceForm,
    CheckinCodeForm,
    CheckinForm,
    InviteForm,
    RsvpForm,
    WalkInForm,
)
from minka.meetings.models import Invitee, Rsvp
from minka.meetings.qr import qr_drawing
from minka.meetings.selectors import meeting_get
from minka.meetings.services import attendance as attendance_services
from minka.meetings.services import invitations as services

if TYPE_CHECKING:
    from uuid import UUID

    from django.http import HttpRequest

    from minka.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
    from minka.core.types import Actor
    from minka.meetings.models import Meeting

CHECKIN_LIMIT = 10  # wrong or right, per person and 5 minutes: enough for typos, not guessing
EXPORT_LIMIT = 20  # CSV downloads per person and hour


def _bad(error: ValidationError) -> ValidationError:
    return ValidationError(error.messages)


# --- The meeting page's panels ----------------------------------------------------------


def rsvp_panel(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    """Context for ``meetings/partials/meeting_rsvp.html`` and
    ``meetings/partials/meeting_attendance.html`` on the meeting page.

    Queries: 1 for a visitor (attendance count), 2 for a signed-in user (plus their own
    invitation), 3 for members and up (plus the answer counts); never more.
    """
    user: Actor = request.user
    totals: dict[str, Count] = {"total": Count("pk")}
    invitee = None
    if user.is_authenticated:
        totals["mine"] = Count("pk", filter=Q(person__user=user))
        invitee = Invitee.objects.filter(meeting=meeting, person__user=user).first()
    attendance = meeting.attendances.aggregate(**totals)
    counts = None
    if permissions.can_view_attendees(user, meeting):
        counts = Invitee.objects.filter(meeting=meeting).aggregate(
            total=Count("pk"),
            **{answer: Count("pk", filter=Q(rsvp=answer)) for answer in Rsvp.values},
        )
    answerable = not meeting.is_over and not meeting.is_cancelled
    return {
        "rsvp_invitee": invitee,
        "rsvp_form": RsvpForm(initial={"answer": invitee.rsvp})
        if invitee is not None and answerable
        else None,
        "rsvp_counts": counts,
        "attendance_count": attendance["total"],
        "checked_in": bool(attendance.get("mine")),
        "can_view_attendees": counts is not None,
        "can_check_in": permissions.can_check_in(user, meeting),
        "can_manage_attendance": permissions.can_manage_meetings(user),
    }


def _panel(request: HtmxHttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    return {"meeting": meeting, "user": request.user, **rsvp_panel(request, meeting), **extra}


@require_POST
@permission_required(is_signed_in)
def meeting_rsvp(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The signed-in invitee answers from the meeting page (htmx swaps the panel)."""
    meeting = meeting_get(user=request.user, public_id=public_id)
    invitee = Invitee.objects.filter(meeting=meeting, person__user=request.user).first()
    if invitee is None:
        raise PermissionDenied
    form = RsvpForm(request.POST)
    if form.is_valid():
        try:
            services.rsvp_set(
                invitee=invitee, answer=form.cleaned_data["answer"], actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, _bad(error))
        else:
            if not request.htmx:
                messages.success(request, _("Your answer was recorded."))
                return redirect(meeting.get_absolute_url())
    status = 400 if form.errors else 200
    template = "meetings/partials/meeting_rsvp.html" if request.htmx else "meetings/rsvp_form.html"
    context = _panel(request, meeting, saved=not form.errors)
    if form.errors:
        context["rsvp_form"] = form
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def rsvp_link(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The signed link of an invitation email: answer without signing in (POST only)."""
    try:
        invitee = services.invitee_for_token(token)
    except services.RsvpLinkError as error:
        return render(
            request, "meetings/rsvp_gone.html", {"message": error.message}, status=error.status
        )
    preset = request.GET.get("respuesta", "")
    initial = {"answer": preset if preset in services.ANSWERS else invitee.rsvp}
    form = RsvpForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rsvp_set(
                invitee=invitee, answer=form.cleaned_data["answer"], actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, _bad(error))
        else:
            messages.success(request, _("Thank you: your answer was recorded."))
            return redirect(request.path)
    context = {"invitee": invitee, "meeting": invitee.meeting, "form": form}
    return render(request, "meetings/rsvp_link.html", context, status=400 if form.errors else 200)


# --- Invitations (coordinators) ---------------------------------------------------------


def _managed(request: AuthenticatedHttpRequest, public_id: UUID) -> Meeting:
    meeting = meeting_get(user=request.user, public_id=public_id)
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied
    return meeting


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_meetings)
def meeting_invitees(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Who was invited and what they answered; invite organizations and people."""
    meeting = _managed(request, public_id)
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.invitees_add(
                actor=request.user,
                meeting=meeting,
                organizations=form.cleaned_data["organizations"],
                people=form.cleaned_data["people"],
            )
        except ValidationError as error:
            form.add_error(None, _bad(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d person was invited.", "%(count)d people were invited.", len(created)
                )
                % {"count": len(created)},
            )
            return redirect("meetings:meeting-invitees", public_id=meeting.public_id)
    invitees = list(meeting.invitees.select_related("person", "organization"))
    counts = {answer: sum(1 for i in invitees if i.rsvp == answer) for answer in Rsvp.values}
    context = {"meeting": meeting, "form": form, "invitees": invitees, "counts": counts}
    return render(
        request, "meetings/invitee_list.html", context, status=400 if form.errors else 200
    )


def _invitee(request: AuthenticatedHttpRequest, public_id: UUID, invitee_id: int) -> Invitee:
    meeting = _managed(request, public_id)
    invitee = get_object_or_404(
        Invitee.objects.select_related("person"), pk=invitee_id, meeting=meeting
    )
    invitee.meeting = meeting
    return invitee


@require_POST
@permission_required(permissions.can_manage_meetings)
def invitee_remove(
    request: AuthenticatedHttpRequest, public_id: UUID, invitee_id: int
) -> HttpResponse:
    invitee = _invitee(request, public_id, invitee_id)
    services.invitee_remove(actor=request.user, invitee=invitee)
    messages.success(
        request, _("%(name)s is no longer invited.") % {"name": invitee.person.full_name}
    )
    return redirect("meetings:meeting-invitees", public_id=public_id)


@require_POST
@permission_required(permissions.can_manage_meetings)
def invitee_resend(
    request: AuthenticatedHttpRequest, public_id: UUID, invitee_id: int
) -> HttpResponse:
    invitee = _invitee(request, public_id, invitee_id)
    try:
        services.invitee_resend(actor=request.user, invitee=invitee)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The invitation was sent again to %(name)s.") % {"name": invitee.person.full_name},
        )
    return redirect("meetings:meeting-invitees", public_id=public_id)


# --- Attendance (coordinators) ----------------------------------------------------------


def _attendance_page(
    request: AuthenticatedHttpRequest,
    meeting: Meeting,
    *,
    form: AttendanceForm | None = None,
    walk_in: WalkInForm | None = None,
    status: int = 200,
) -> HttpResponse:
    invitees = list(meeting.invitees.select_related("person", "organization"))
    attendances = list(meeting.attendances.select_related("person", "organization"))
    present = {a.person_id for a in attendances}
    invited = {i.person_id for i in invitees}
    if form is None:
        form = AttendanceForm(
            invitees=invitees, initial={"attended": [p for p in invited if p in present]}
        )
    context = {
        "meeting": meeting,
        "form": form,
        "walk_in": walk_in or WalkInForm(),
        "invitees": invitees,
        "others": [a for a in attendances if a.person_id not in invited],
        "attendance_count": len(attendances),
    }
    return render(request, "meetings/attendance_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_meetings)
def meeting_attendance(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The checklist of invitees: POST the checked set."""
    meeting = _managed(request, public_id)
    if request.method == "GET":
        return _attendance_page(request, meeting)
    invitees = list(meeting.invitees.select_related("person"))
    form = AttendanceForm(request.POST, invitees=invitees)
    if form.is_valid():
        try:
            change = attendance_services.attendance_record(
                actor=request.user, meeting=meeting, person_ids=set(form.cleaned_data["attended"])
            )
        except ValidationError as error:
            form.add_error(None, _bad(error))
        else:
            messages.success(
                request,
                _("Attendance saved: %(added)d added, %(removed)d removed.")
                % {"added": change.added, "removed": change.removed},
            )
            return redirect("meetings:meeting-attendance", public_id=meeting.public_id)
    return _attendance_page(request, meeting, form=form, status=400)


@require_POST
@permission_required(permissions.can_manage_meetings)
def attendance_walk_in(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Add someone who came without an invitation, with their consent to be listed."""
    meeting = _managed(request, public_id)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            attendance = attendance_services.attendance_add_walk_in(
                actor=request.user, meeting=meeting, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, _bad(error))
        else:
            messages.success(
                request,
                _("%(name)s was added to the attendance list.") % {"name": attendance.display_name},
            )
            return redirect("meetings:meeting-attendance", public_id=meeting.public_id)
    return _attendance_page(request, meeting, walk_in=form, status=400)


# --- Self check-in ----------------------------------------------------------------------


def _checkin_url(meeting: Meeting) -> str:
    path_ = reverse("meetings:meeting-checkin", kwargs={"public_id": meeting.public_id})
    return absolute_url(f"{path_}?codigo={meeting.checkin_code}")


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_meetings)
def checkin_code(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The code to show in the room, big, with its QR code; open or close check-in."""
    meeting = _managed(request, public_id)
    if request.method == "POST":
        form = CheckinCodeForm(request.POST)
        if not form.is_valid():
            return HttpResponse(_("Choose to open or close check-in."), status=400)
        try:
            if form.cleaned_data["action"] == "open":
                attendance_services.checkin_open(actor=request.user, meeting=meeting)
            else:
                attendance_services.checkin_close(actor=request.user, meeting=meeting)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("meetings:checkin-code", public_id=meeting.public_id)
    context: dict[str, Any] = {"meeting": meeting}
    if meeting.checkin_code:
        context["checkin_url"] = _checkin_url(meeting)
        context["qr"] = qr_drawing(context["checkin_url"])
    return render(request, "meetings/checkin_code.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(is_signed_in)
def meeting_checkin(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Attendees check themselves in with the code shown in the room (or its QR code)."""
    meeting = meeting_get(user=request.user, public_id=public_id)
    is_open = permissions.can_check_in(request.user, meeting)
    form = CheckinForm(
        request.POST if request.method == "POST" else None,
        initial={"code": request.GET.get("codigo", "")[:20]},
    )
    if request.method == "POST":
        retry_after = ratelimit.hit(
            "checkin", ratelimit.client_key(request), limit=CHECKIN_LIMIT, window=300
        )
        if retry_after:
            return ratelimit.too_many_requests(request, retry_after)
        if not is_open:
            form.add_error(None, _("Check-in for this meeting is closed."))
        elif form.is_valid():
            try:
                attendance_services.checkin_submit(
                    user=request.user, meeting=meeting, code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                form.add_error("code", _bad(error))
            else:
                messages.success(request, _("You are checked in. Welcome!"))
                return redirect(meeting.get_absolute_url())
    context = {"meeting": meeting, "form": form, "is_open": is_open}
    return render(
        request, "meetings/checkin_form.html", context, status=400 if form.errors else 200
    )


# --- The attendees directory (members) --------------------------------------------------


def _attendees_meeting(request: AuthenticatedHttpRequest, public_id: UUID) -> Meeting:
    meeting = meeting_get(user=request.user, public_id=public_id)
    if not permissions.can_view_attendees(request.user, meeting):
        raise PermissionDenied
    return meeting


@require_GET
@permission_required(permissions.can_view_attendee_lists)
def meeting_attendees(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The "directorio de asistentes": each attendee with the fields they consented to."""
    meeting = _attendees_meeting(request, public_id)
    attendees = attendee_list(user=request.user, meeting=meeting)
    context = {
        "meeting": meeting,
        "attendees": attendees,
        "is_coordinator": permissions.is_coordinator(request.user),
    }
    return render(request, "meetings/attendance_list.html", context)


@require_GET
@permission_required(permissions.can_view_attendee_lists)
def meeting_attendees_csv(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The attendees directory as CSV (UTF-8 with BOM for Excel; formulas neutralized)."""
    meeting = _attendees_meeting(request, public_id)
    retry_after = ratelimit.hit(
        "attendees-csv", ratelimit.client_key(request), limit=EXPORT_LIMIT, window=3600
    )
    if retry_after:
        return ratelimit.too_many_requests(request, retry_after)
    attendees = attendee_list(user=request.user, meeting=meeting)
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.EXPORT,
        target=meeting,
        target_repr=f"attendees csv {meeting.public_id}",
    )
    response = HttpResponse(
        ("\ufeff" + attendees_csv(attendees)).encode(), content_type="text/csv; charset=utf-8"
    )
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    response["Content-Disposition"] = content_disposition(f"asistentes-{day}.csv", inline=False)
    response["Cache-Control"] = "private, no-store"
    return response
