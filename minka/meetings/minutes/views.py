"""Views: the minutes page, editing, the review cycle, observations, revisions and errata.

Minutes the viewer may not read answer 404 (a draft does not exist for a member); actions
the viewer may not take answer 403. Refused input re-displays the page with its message
and status 400; a save over someone else's newer save answers 409 and keeps the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minka.core import ratelimit
from minka.core.decorators import permission_required
from minka.core.permissions import is_signed_in
from minka.meetings import hooks, permissions
from minka.meetings import selectors as meeting_selectors
from minka.meetings.attendees import attendee_list
from minka.meetings.minutes import diff, forms, selectors, services
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.forms_approval import ApproveForm
from minka.meetings.minutes.models import Minutes

if TYPE_CHECKING:
    from uuid import UUID

    from django.http import HttpRequest, HttpResponse

    from minka.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
    from minka.meetings.models import Meeting

EXPORT_FORMATS = ("pdf", "docx", "md", "json")


def _export_links(minutes: Minutes) -> list[tuple[str, str]]:
    """(format, url) for each export; none while the export routes do not exist."""
    try:
        return [
            (fmt, reverse("meetings:minutes-export", args=[minutes.meeting.public_id, fmt]))
            for fmt in EXPORT_FORMATS
        ]
    except NoReverseMatch:
        return []


def _cycle_error(minutes: Minutes, forms_: dict[str, Any]) -> str:
    """Errors of a cycle form the page does not show in this state (publishing a draft)."""
    shown = {"draft": "review_form", "approved": "publish_form"}.get(minutes.status)
    messages_ = [forms_.get("cycle_error", "")]
    for name in ("review_form", "publish_form"):
        form = forms_.get(name)
        if form is not None and form.errors and name != shown:
            messages_ += [str(e) for errors in form.errors.values() for e in errors]
    return " ".join(m for m in messages_ if m)


def _detail_context(request: HttpRequest, minutes: Minutes, **forms_: Any) -> dict[str, Any]:
    user = request.user
    return {
        "minutes": minutes,
        "meeting": minutes.meeting,
        "page": selectors.minutes_page(user=user, minutes=minutes),
        "can_edit": permissions.can_edit_minutes(user, minutes),
        "can_run_cycle": permissions.can_run_cycle(user, minutes),
        "can_observe": permissions.can_observe(user, minutes),
        "show_people": permissions.is_member(user),
        # Who attended, as the attendees directory shows them (names kept as written in
        # imported minutes included); members only.
        "attendees": attendee_list(user=user, meeting=minutes.meeting)
        if permissions.can_view_attendees(user, minutes.meeting)
        else None,
        "exports": _export_links(minutes),
        "review_form": forms_.get("review_form") or forms.ReviewForm(),
        "publish_form": forms_.get("publish_form") or forms.PublishForm(),
        "observation_form": forms_.get("observation_form") or forms.ObservationForm(),
        "cycle_error": _cycle_error(minutes, forms_),
        # What other apps add (agreements: the commitments born from these minutes).
        "minutes_sections": hooks.minutes_sections(user, minutes),
        "agreement_links": hooks.agreement_links(user, minutes),
    }


def _refused(request: HttpRequest, minutes: Minutes, **forms_: Any) -> HttpResponse:
    context = _detail_context(request, minutes, **forms_)
    return render(request, "meetings/minutes_detail.html", context, status=400)


def _coordinator_minutes(request: AuthenticatedHttpRequest, public_id: UUID) -> Minutes:
    minutes = meeting_selectors.minutes_get(user=request.user, public_id=public_id)
    if not permissions.can_run_cycle(request.user, minutes):
        raise PermissionDenied
    return minutes


@require_GET
def minutes_detail(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    minutes = meeting_selectors.minutes_get(user=request.user, public_id=public_id)
    return render(request, "meetings/minutes_detail.html", _detail_context(request, minutes))


@require_POST
@permission_required(permissions.can_manage_meetings)
def minutes_create(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = meeting_selectors.meeting_get(user=request.user, public_id=public_id)
    try:
        services.minutes_create(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("meetings:minutes-detail", public_id=meeting.public_id)
    messages.success(request, _("The minutes were started from the agenda."))
    return redirect("meetings:minutes-edit", public_id=meeting.public_id)


def _editor(
    request: AuthenticatedHttpRequest, minutes: Minutes, form_class: type[forms.MinutesForm]
) -> forms.MinutesEditor:
    return forms.MinutesEditor(
        request.POST if request.method == "POST" else None,
        content=selectors.content_of(minutes),
        base_revision=services.current_number(minutes),
        documents=selectors.agenda_documents(user=request.user, meeting=minutes.meeting),
        form_class=form_class,
    )


def _conflict_context(
    request: AuthenticatedHttpRequest, minutes: Minutes, editor: forms.MinutesEditor
) -> dict[str, Any]:
    """After a conflict: the differences between the saved minutes and the user's text, and
    a form whose base is now the saved revision (saving again is a deliberate choice)."""
    fresh = Minutes.objects.select_related("current_revision").get(pk=minutes.pk)
    theirs = editor.content()
    data = request.POST.copy()
    data["base_revision"] = str(services.current_number(fresh))
    rebound = forms.MinutesEditor(
        data,
        content=selectors.content_of(fresh),
        base_revision=services.current_number(fresh),
        documents=selectors.agenda_documents(user=request.user, meeting=minutes.meeting),
        form_class=type(editor.form),
    )
    rebound.is_valid()
    return {
        "editor": rebound,
        "conflict": diff.compare(selectors.content_of(fresh), theirs),
        "conflict_base": editor.base_revision,
        "conflict_current": services.current_number(fresh),
    }


def _edit_response(
    request: AuthenticatedHttpRequest, minutes: Minutes, editor: forms.MinutesEditor, save: Any
) -> HttpResponse:
    """Shared by the edit and erratum pages: validate, save, or show why not."""
    context: dict[str, Any] = {"minutes": minutes, "meeting": minutes.meeting, "editor": editor}
    status = 200
    if request.method == "POST" and forms.EDITOR_ACTION in request.POST:
        # "Add another …" or "Move up/down": the page again with what was typed, unsaved.
        context["editor"] = editor.rearranged(request.POST[forms.EDITOR_ACTION])
    elif request.method == "POST":
        status = 400
        if editor.is_valid():
            try:
                save(editor)
            except ValidationError as error:
                if error.code == services.CONFLICT:
                    context.update(_conflict_context(request, minutes, editor))
                    status = 409
                context["editor"].add_error(" ".join(error.messages))
            else:
                return redirect(minutes.get_absolute_url())
    context["errors"] = context["editor"].error_items()
    template = "erratum" if isinstance(editor.form, forms.ErratumForm) else "form"
    return render(request, f"meetings/minutes_{template}.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_meetings)
def minutes_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    minutes = _coordinator_minutes(request, public_id)
    if minutes.is_locked and (request.method == "GET" or forms.EDITOR_ACTION in request.POST):
        messages.info(request, _("Approved minutes are corrected with an erratum."))
        return redirect("meetings:minutes-erratum", public_id=public_id)

    def save(editor: forms.MinutesEditor) -> None:
        revision = services.minutes_save(
            actor=request.user,
            minutes=minutes,
            content=editor.content(),
            base_revision=editor.base_revision,
        )
        if revision is None:
            messages.info(request, _("Nothing changed: no new revision was saved."))
        else:
            messages.success(request, _("Saved as revision %d.") % revision.number)

    return _edit_response(request, minutes, _editor(request, minutes, forms.MinutesForm), save)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_meetings)
def minutes_erratum(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    minutes = _coordinator_minutes(request, public_id)
    if not minutes.is_locked:
        raise PermissionDenied  # before approval, the minutes are simply edited

    def save(editor: forms.MinutesEditor) -> None:
        revision = services.minutes_erratum(
            actor=request.user,
            minutes=minutes,
            content=editor.content(),
            reason=editor.form.cleaned_data["reason"],
            base_revision=editor.base_revision,
        )
        messages.success(request, _("The erratum was saved as revision %d.") % revision.number)

    return _edit_response(request, minutes, _editor(request, minutes, forms.ErratumForm), save)


@require_POST
@permission_required(permissions.can_manage_meetings)
def minutes_review(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    minutes = _coordinator_minutes(request, public_id)
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.minutes_open_review(
                actor=request.user, minutes=minutes, deadline=form.deadline_at()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The minutes are open for review."))
            return redirect(minutes.get_absolute_url())
    return _refused(request, minutes, review_form=form)


@require_POST
@permission_required(permissions.can_manage_meetings)
def minutes_publish(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    minutes = _coordinator_minutes(request, public_id)
    form = forms.PublishForm(request.POST)
    if form.is_valid():
        try:
            services.minutes_publish(
                actor=request.user, minutes=minutes, visibility=form.cleaned_data["visibility"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The minutes were published."))
            return redirect(minutes.get_absolute_url())
    return _refused(request, minutes, publish_form=form)


def _transition(request: AuthenticatedHttpRequest, public_id: UUID, name: str) -> HttpResponse:
    """A transition without input (withdraw): one button, one service."""
    minutes = _coordinator_minutes(request, public_id)
    service, done = {
        "withdraw": (services.minutes_withdraw, _("The minutes are back to draft.")),
    }[name]
    try:
        service(actor=request.user, minutes=minutes)
    except ValidationError as error:
        return _refused(request, minutes, cycle_error=" ".join(error.messages))
    messages.success(request, done)
    return redirect(minutes.get_absolute_url())


@require_POST
@permission_required(permissions.can_manage_meetings)
def minutes_withdraw(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    return _transition(request, public_id, "withdraw")


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_meetings)
def minutes_approve(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A confirmation page (the pending observations, whether observations are still
    accepted); the minutes are approved only by its POST with the box ticked. Minutes not
    in review, or a POST without the box, are refused (400) and nothing changes."""
    minutes = _coordinator_minutes(request, public_id)
    if minutes.status != Minutes.Status.REVIEW:
        error = _("Only minutes in review can be approved.")
        return _refused(request, minutes, cycle_error=error)
    form = ApproveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_approve(actor=request.user, minutes=minutes)
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, _("The minutes were approved."))
            return redirect(minutes.get_absolute_url())
    context = {"minutes": minutes, "meeting": minutes.meeting, "form": form}
    context["summary"] = selectors.approval_summary(minutes)
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/minutes_approve.html", context, status=status)


@require_POST
@permission_required(is_signed_in)
def observation_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    minutes = meeting_selectors.minutes_get(user=request.user, public_id=public_id)
    if not permissions.can_view_observations(request.user, minutes):
        raise PermissionDenied
    form = forms.ObservationForm(request.POST)
    if form.is_valid():
        try:
            services.observation_add(actor=request.user, minutes=minutes, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your observation was added."))
            return redirect(minutes.get_absolute_url() + "#observations")
    return _refused(request, minutes, observation_form=form)


@require_GET
def minutes_revisions(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    minutes = meeting_selectors.minutes_get(user=request.user, public_id=public_id)
    revisions = selectors.revisions_visible(user=request.user, minutes=minutes)
    pairs = list(zip(revisions, [*revisions[1:], None], strict=True))
    context = {
        "minutes": minutes,
        "meeting": minutes.meeting,
        "pairs": pairs,
        "show_people": permissions.is_member(request.user),
        "compare_form": forms.CompareForm(
            initial={"a": revisions[1].number, "b": revisions[0].number}
            if len(revisions) > 1
            else None
        ),
        "numbers": [r.number for r in revisions],
    }
    return render(request, "meetings/minutes_revisions.html", context)


@require_GET
def minutes_compare(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """Two revisions side by side. Anyone who may read both may ask, so each comparison
    counts against the client's ``COMPARE_RATE_LIMIT`` a minute (and the comparison itself
    is bounded, see :mod:`minka.meetings.minutes.diff`); refusals before it do not count."""
    minutes = meeting_selectors.minutes_get(user=request.user, public_id=public_id)
    form = forms.CompareForm(request.GET)
    context: dict[str, Any] = {"minutes": minutes, "meeting": minutes.meeting, "form": form}
    if not form.is_valid():
        return render(request, "meetings/minutes_compare.html", context, status=400)
    a, b = (
        selectors.revision_get(user=request.user, minutes=minutes, number=form.cleaned_data[k])
        for k in ("a", "b")
    )
    refused = ratelimit.refuse_over_limit(
        request, "minutes-compare", limit=settings.COMPARE_RATE_LIMIT, window=60
    )
    if refused is not None:
        return refused
    context.update(
        old=a,
        new=b,
        sections=diff.compare(
            MinutesContent.from_json(a.content), MinutesContent.from_json(b.content)
        ),
    )
    return render(request, "meetings/minutes_compare.html", context)


def minutes_panel(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    """Context for ``meetings/partials/meeting_minutes.html`` on the meeting page: merge it
    into the page's context (keys ``minutes``, ``minutes_visible``, ``can_create_minutes``).
    One query, two for a signed-in non-member (attendance check)."""
    minutes = selectors.minutes_of(meeting)
    if minutes is not None:
        minutes.meeting = meeting
    visible = minutes is not None and permissions.can_view_minutes(request.user, minutes)
    return {
        "minutes": minutes if visible else None,
        "minutes_visible": visible,
        "can_create_minutes": minutes is None and permissions.can_manage_meetings(request.user),
    }
