"""Views: the meetings list, a meeting's page, scheduling and editing meetings, the agenda,
and "Programar la próxima reunión".

A meeting the viewer may not see answers 404 (its existence stays hidden); actions are for
coordinators (visitors are sent to sign in, other roles get 403). Writes go through
:mod:`minka.meetings.services.meetings`; refused input shows the form again (or a page
with the message) with status 400, and nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from minka.core.decorators import permission_required
from minka.core.inputs import typed_input
from minka.core.uploads import oversize_files
from minka.documents.views import upload_refused
from minka.meetings import hooks, permissions, selectors
from minka.meetings.forms import (
    AgendaItemForm,
    AgendaLinkForm,
    AgendaUploadForm,
    DocumentSearchForm,
    MeetingFilterForm,
    MeetingForm,
    NextMeetingForm,
)
from minka.meetings.minutes.views import minutes_panel
from minka.meetings.models import AgendaItem
from minka.meetings.services import meetings as services
from minka.meetings.views.attendance import rsvp_panel

if TYPE_CHECKING:
    from uuid import UUID

    from django.forms import Form
    from django.http import HttpResponse

    from minka.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
    from minka.meetings.models import Meeting

GET_POST = ["GET", "POST"]


def _form_page(request: HtmxHttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A form page: 200 when shown, 400 when a POST comes back with its errors."""
    return render(request, template, context, status=400 if request.method == "POST" else 200)


def _refused(request: HtmxHttpRequest, meeting: Meeting, error: ValidationError) -> HttpResponse:
    """An action the meeting's state does not allow: say why, with status 400."""
    context = {"meeting": meeting, "errors": error.messages}
    return render(request, "meetings/meeting_refused.html", context, status=400)


def _bind(request: HtmxHttpRequest, form_class: type[Form], **kwargs: Any) -> Any:
    data = request.POST if request.method == "POST" else None
    return form_class(data, **kwargs)


def _report(form: Form, error: ValidationError) -> None:
    form.add_error(None, ValidationError(error.messages))


# --- Reading --------------------------------------------------------------------------


@require_GET
def meeting_list(request: HtmxHttpRequest) -> HttpResponse:
    """Upcoming and past meetings the viewer may see, filtered by series and year."""
    user = request.user
    form = MeetingFilterForm(
        request.GET,
        series=selectors.series_visible_to(user),
        years=selectors.meeting_years(user),
    )
    upcoming, past = selectors.meeting_list(user=user, filters=form.filters())
    page = Paginator(past, settings.REPOSITORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "upcoming": list(upcoming[:50]), "page": page}
    htmx = request.htmx
    fragment = bool(htmx) and not htmx.history_restore_request and not htmx.boosted
    template = "meeting_list_results" if fragment else "meeting_list"
    name = f"meetings/partials/{template}.html" if fragment else f"meetings/{template}.html"
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def meeting_detail(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = selectors.meeting_detail_get(user=request.user, public_id=public_id)
    user = request.user
    context: dict[str, Any] = {
        **rsvp_panel(request, meeting),
        **minutes_panel(request, meeting),
        "meeting": meeting,
        # Ignored type error: set by the selector's Prefetch(to_attr=...).
        "agenda": meeting.agenda,  # type: ignore[attr-defined]
        "organizations": list(meeting.organizations.all()),
        # Ignored type error: set by the selector's Prefetch(to_attr=...).
        "following": next(iter(meeting.visible_following), None),  # type: ignore[attr-defined]
        "can_view_online_link": permissions.can_view_online_link(user, meeting),
        "can_manage": permissions.can_manage_meetings(user),
        "can_schedule_next": _schedulable(meeting),
        # What other apps show under the "follow-up of agreements" item (agreements: the
        # pending commitments, live), only when the agenda has one.
        "follow_up_sections": hooks.follow_up_sections(user, meeting)
        # Ignored type error: set by the selector's Prefetch(to_attr=...).
        if any(item.kind == AgendaItem.Kind.FOLLOW_UP for item in meeting.agenda)  # type: ignore[attr-defined]
        else [],
    }
    return render(request, "meetings/meeting_detail.html", context)


def _schedulable(meeting: Meeting) -> bool:
    try:
        services.check_schedulable_next(meeting)
    except ValidationError:
        return False
    return True


# --- Meetings -------------------------------------------------------------------------


@require_http_methods(GET_POST)
@permission_required(permissions.can_manage_meetings)
def meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = _bind(request, MeetingForm)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, data=form.data_for_service())
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, _("The meeting was scheduled."))
            return redirect(meeting)
    return _form_page(request, "meetings/meeting_form.html", {"form": form})


@require_http_methods(GET_POST)
@permission_required(permissions.can_manage_meetings)
def meeting_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, public_id=public_id)
    if meeting.is_cancelled:
        return _refused(
            request, meeting, ValidationError(_("A cancelled meeting cannot be edited."))
        )
    form = _bind(request, MeetingForm, initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                actor=request.user, meeting=meeting, data=form.data_for_service()
            )
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, _("The meeting was updated."))
            return redirect(meeting)
    return _form_page(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


@require_http_methods(GET_POST)
@permission_required(permissions.can_manage_meetings)
def meeting_cancel(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A confirmation page, then the cancellation (invitees are told)."""
    meeting = selectors.meeting_get(user=request.user, public_id=public_id)
    if request.method == "POST":
        try:
            services.meeting_cancel(actor=request.user, meeting=meeting)
        except ValidationError as error:
            return _refused(request, meeting, error)
        messages.success(request, _("The meeting was cancelled; invitees are being told."))
        return redirect(meeting)
    return render(request, "meetings/meeting_cancel.html", {"meeting": meeting})


@require_POST
@permission_required(permissions.can_manage_meetings)
def meeting_held(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, public_id=public_id)
    try:
        services.meeting_mark_held(actor=request.user, meeting=meeting)
    except ValidationError as error:
        return _refused(request, meeting, error)
    messages.success(request, _("The meeting is marked as held."))
    return redirect(meeting)


@require_http_methods(GET_POST)
@permission_required(permissions.can_manage_meetings)
def meeting_next(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """ "Programar la próxima reunión": a form with the suggested date, then the meeting."""
    meeting = selectors.meeting_get(user=request.user, public_id=public_id)
    following = meeting.following.order_by("starts_at").first()
    if following is not None:
        messages.info(request, _("The next meeting has already been scheduled."))
        return redirect(following)
    try:
        services.check_schedulable_next(meeting)
    except ValidationError as error:
        return _refused(request, meeting, error)
    start = services.next_meeting_start(meeting)
    end = start + (meeting.ends_at - meeting.starts_at)
    form = _bind(request, NextMeetingForm, initial=NextMeetingForm.when_initial(start, end))
    if request.method == "POST" and form.is_valid():
        try:
            following = services.meeting_schedule_next(
                actor=request.user, meeting=meeting, **_when(form)
            )
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, _("The next meeting was scheduled."))
            return redirect(following)
    return _form_page(request, "meetings/meeting_next.html", {"form": form, "meeting": meeting})


def _when(form: Form) -> dict[str, Any]:
    return {"starts_at": form.cleaned_data["starts_at"], "ends_at": form.cleaned_data["ends_at"]}


# --- Agenda ---------------------------------------------------------------------------


def _item(request: AuthenticatedHttpRequest, public_id: UUID, item_id: int) -> AgendaItem:
    return selectors.agenda_item_get(user=request.user, public_id=public_id, item_id=item_id)


def _agenda_url(meeting: Meeting) -> str:
    return f"{meeting.get_absolute_url()}#agenda"


@require_http_methods(GET_POST)
@permission_required(permissions.can_manage_meetings)
def agenda_item_create(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, public_id=public_id)
    form = _bind(request, AgendaItemForm, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_create(
                actor=request.user,
                meeting=meeting,
                data=typed_input(services.AgendaItemData, form.cleaned_data),
            )
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, _("The item was added to the agenda."))
            return redirect(_agenda_url(meeting))
    context = {"form": form, "meeting": meeting}
    return _form_page(request, "meetings/agenda_item_form.html", context)


@require_http_methods(GET_POST)
@permission_required(permissions.can_manage_meetings)
def agenda_item_edit(
    request: AuthenticatedHttpRequest, public_id: UUID, item_id: int
) -> HttpResponse:
    item = _item(request, public_id, item_id)
    initial = {name: getattr(item, name) for name in services.AGENDA_FIELDS}
    form = _bind(request, AgendaItemForm, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(
                actor=request.user,
                item=item,
                data=typed_input(services.AgendaItemData, form.cleaned_data),
            )
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, _("The agenda item was updated."))
            return redirect(_agenda_url(item.meeting))
    context = {"form": form, "meeting": item.meeting, "item": item}
    return _form_page(request, "meetings/agenda_item_form.html", context)


@require_http_methods(GET_POST)
@permission_required(permissions.can_manage_meetings)
def agenda_item_delete(
    request: AuthenticatedHttpRequest, public_id: UUID, item_id: int
) -> HttpResponse:
    item = _item(request, public_id, item_id)
    if request.method == "POST":
        try:
            services.agenda_item_delete(actor=request.user, item=item)
        except ValidationError as error:
            return _refused(request, item.meeting, error)
        messages.success(request, _("The item was removed from the agenda."))
        return redirect(_agenda_url(item.meeting))
    context = {"meeting": item.meeting, "item": item}
    return render(request, "meetings/agenda_item_delete.html", context)


@require_POST
@permission_required(permissions.can_manage_meetings)
def agenda_item_move(
    request: AuthenticatedHttpRequest, public_id: UUID, item_id: int
) -> HttpResponse:
    """Move an item one place up or down (``direction``)."""
    item = _item(request, public_id, item_id)
    try:
        services.agenda_item_move(
            actor=request.user, item=item, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        return _refused(request, item.meeting, error)
    return redirect(f"{item.meeting.get_absolute_url()}#agenda-item-{item.pk}")


@require_http_methods(GET_POST)
@permission_required(permissions.can_manage_meetings)
def agenda_item_upload(
    request: AuthenticatedHttpRequest, public_id: UUID, item_id: int
) -> HttpResponse:
    """Upload presentations for an item: they go into the repository, linked to it (each
    POST counts against the account's hourly upload limit, shared with the repository)."""
    item = _item(request, public_id, item_id)
    if request.method == "POST" and (refused := upload_refused(request)):
        return refused
    files = request.FILES if request.method == "POST" else None
    form = _bind(request, AgendaUploadForm, files=files, oversize=oversize_files(request))
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.agenda_item_upload(
                actor=request.user,
                item=item,
                files=form.checked,
                data=typed_input(services.AgendaUploadData, form.cleaned_data),
            )
        except ValidationError as error:
            _report(form, error)
        else:
            _upload_message(request, len(outcome.created) + len(outcome.duplicates))
            if request.htmx:  # the upload form posts through htmx, with a progress bar
                return HttpResponseClientRedirect(_agenda_url(item.meeting))
            return redirect(_agenda_url(item.meeting))
    context = {"form": form, "meeting": item.meeting, "item": item}
    return _form_page(request, "meetings/agenda_item_upload.html", context)


def _upload_message(request: AuthenticatedHttpRequest, count: int) -> None:
    text = ngettext(
        "%(count)d document was linked to the agenda item.",
        "%(count)d documents were linked to the agenda item.",
        count,
    )
    messages.success(request, text % {"count": count})


@require_http_methods(GET_POST)
@permission_required(permissions.can_manage_meetings)
def agenda_item_link(
    request: AuthenticatedHttpRequest, public_id: UUID, item_id: int
) -> HttpResponse:
    """Link documents already in the repository (ones the coordinator may see), ticked in a
    list that a search box (``?q=``) narrows."""
    item = _item(request, public_id, item_id)
    search = DocumentSearchForm(request.GET)
    form = _bind(request, AgendaLinkForm, user=request.user, item=item, query=search.query())
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_link_documents(
                actor=request.user, item=item, documents=form.cleaned_data["documents"]
            )
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, _("The documents were linked to the agenda item."))
            return redirect(_agenda_url(item.meeting))
    context = {"form": form, "search": search, "meeting": item.meeting, "item": item}
    return _form_page(request, "meetings/agenda_item_link.html", context)
