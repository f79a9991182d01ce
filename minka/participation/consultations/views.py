"""Views of the consultations: the list, a consultation's page with its comments and the
comment form, reports, and the coordinators' pages (create, edit, moderation, response,
CSV export)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minka.core import ratelimit
from minka.core.decorators import permission_required
from minka.core.visibility import can_see
from minka.participation.consultations import exports, forms, permissions, selectors, services
from minka.participation.consultations.models import CommentReport, Phase

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from django.http import HttpResponse

    from minka.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
    from minka.participation.consultations.models import Consultation, ConsultationComment

# Per account and hour: comments and reports a person may send (N+1 answers 429).
COMMENT_RATE_LIMIT = 20
REPORT_RATE_LIMIT = 10
RATE_WINDOW = 3600


def _posted(request: HtmxHttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_GET
def consultation_list(request: HtmxHttpRequest) -> HttpResponse:
    """``/participa/consultas/``: open, upcoming and closed consultations the viewer may see."""
    lists = selectors.consultation_list(user=request.user)
    for consultation in lists.open + lists.upcoming + lists.closed:
        # A document made narrower after the consultation opened is not named.
        consultation.document_shown = can_see(request.user, consultation.document.visibility)  # type: ignore[attr-defined]
    context = {"lists": lists, "can_manage": permissions.can_manage_consultations(request.user)}
    return render(request, "participation/consultation_list.html", context)


def _detail(
    request: HtmxHttpRequest,
    consultation: Consultation,
    comment_form: forms.CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    sections = selectors.consultation_sections(consultation)
    groups = selectors.consultation_comments(consultation, sections)
    can_manage = permissions.can_manage_consultations(user)
    report_counts = selectors.report_counts(consultation) if can_manage else {}
    for group in groups:
        for comment in group.comments:
            comment.readable = permissions.can_read_comment(user, comment)  # type: ignore[attr-defined]
            comment.reportable = permissions.can_report_comment(user, comment)  # type: ignore[attr-defined]
            comment.own = permissions.is_author(user, comment)  # type: ignore[attr-defined]
            comment.report_count = report_counts.get(comment.pk, 0)  # type: ignore[attr-defined]
    phase = consultation.phase()
    can_comment = permissions.can_comment(user, consultation)
    if comment_form is None and can_comment and phase == Phase.OPEN:
        comment_form = forms.CommentForm(sections=sections)
    context = {
        "consultation": consultation,
        "phase": phase,
        "document_shown": can_see(user, consultation.document.visibility),
        "sections": sections,
        "groups": groups,
        "comment_count": sum(1 for g in groups for c in g.comments if not c.is_hidden),
        "comment_form": comment_form if can_comment and phase == Phase.OPEN else None,
        "can_comment": can_comment,
        "can_manage": can_manage,
        "show_authors": permissions.can_see_authors(user),
        "report_counts": report_counts,
    }
    return render(request, "participation/consultation_detail.html", context, status=status)


@require_GET
def consultation_detail(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """A consultation: its document, period, sections, the comments grouped by section
    (hidden ones folded), the response once published, and the comment form."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    return _detail(request, consultation)


@require_POST
def comment_create(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(consultation.get_absolute_url())
    if not permissions.can_comment(user, consultation):
        raise PermissionDenied
    refused = ratelimit.refuse_over_limit(
        request, "consultation-comment", limit=COMMENT_RATE_LIMIT, window=RATE_WINDOW
    )
    if refused is not None:
        return refused
    sections = selectors.consultation_sections(consultation)
    form = forms.CommentForm(request.POST, sections=sections)
    if form.is_valid():
        try:
            comment = services.comment_create(
                actor=user,
                consultation=consultation,
                section=form.chosen_section(),
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your comment was published. Thank you."))
            return redirect(comment.get_absolute_url())
    return _detail(request, consultation, comment_form=form, status=400)


def _form_page(
    request: AuthenticatedHttpRequest,
    form: forms.ConsultationForm,
    template_context: dict[str, Any],
    save: Any,
    done: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.data_for_service())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(saved.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "participation/consultation_form.html",
        {"form": form, **template_context},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_consultations)
def consultation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _form_page(
        request,
        forms.ConsultationForm(_posted(request)),
        {},
        lambda data: services.consultation_create(actor=request.user, data=data),
        _("The consultation was created."),
    )


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_consultations)
def consultation_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    return _form_page(
        request,
        forms.ConsultationForm(
            _posted(request), initial=forms.ConsultationForm.initial_for(consultation)
        ),
        {"consultation": consultation},
        lambda data: services.consultation_update(
            actor=request.user, consultation=consultation, data=data
        ),
        _("The consultation was updated."),
    )


@require_http_methods(["GET", "POST"])
def comment_report(request: HtmxHttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    """Report a comment for abuse (a short reason; once per person and comment)."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    comment = selectors.comment_get(consultation=consultation, pk=pk)
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_report_comment(user, comment):
        raise PermissionDenied
    if request.method == "POST":
        refused = ratelimit.refuse_over_limit(
            request, "consultation-report", limit=REPORT_RATE_LIMIT, window=RATE_WINDOW
        )
        if refused is not None:
            return refused
    return _reason_page(
        request,
        comment,
        lambda reason: services.report_create(actor=user, comment=comment, reason=reason),
        forms.ReportForm(_posted(request)),
        _("Thank you: the coordinators will review it."),
        "participation/consultation_report.html",
    )


def _reason_page(
    request: HtmxHttpRequest,
    comment: ConsultationComment,
    act: Callable[[str], object],
    form: forms.ReportForm | forms.HideForm,
    done: str,
    template: str,
) -> HttpResponse:
    """A page about one comment with a reason to give (report, hide): a valid POST calls
    ``act`` (a service) with the reason and goes back to the comment; invalid input, or the
    service's refusal, shows the form again with its messages (400) and changes nothing."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(comment.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"consultation": comment.consultation, "comment": comment, "form": form}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_consultations)
def comment_hide(request: AuthenticatedHttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    """Hide a comment with a reason its author will read."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    comment = selectors.comment_get(consultation=consultation, pk=pk)
    return _reason_page(
        request,
        comment,
        lambda reason: services.comment_hide(actor=request.user, comment=comment, reason=reason),
        forms.HideForm(_posted(request)),
        _("The comment was hidden."),
        "participation/consultation_hide.html",
    )


@require_POST
@permission_required(permissions.can_manage_consultations)
def comment_unhide(request: AuthenticatedHttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    comment = selectors.comment_get(consultation=consultation, pk=pk)
    try:
        services.comment_unhide(actor=request.user, comment=comment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, consultation, status=400)
    messages.success(request, _("The comment is shown again."))
    return redirect(comment.get_absolute_url())


@require_GET
@permission_required(permissions.can_manage_consultations)
def consultation_moderation(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The open reports on a consultation's comments, and its hidden comments."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    context = {
        "consultation": consultation,
        "reports": selectors.open_reports(consultation),
        "hidden": selectors.hidden_comments(consultation),
    }
    return render(request, "participation/consultation_moderation.html", context)


@require_POST
@permission_required(permissions.can_manage_consultations)
def report_resolve(request: AuthenticatedHttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    report = CommentReport.objects.filter(pk=pk, comment__consultation=consultation).first()
    moderation = redirect("participation:consultation-moderation", public_id=public_id)
    if report is None:
        raise Http404
    try:
        services.report_resolve(actor=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report was resolved."))
    return moderation


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_consultations)
def consultation_response(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Publish (or correct) the response summary, once the consultation has closed."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    initial = {"response": consultation.response}
    form = forms.ResponseForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_publish(
                actor=request.user,
                consultation=consultation,
                response=form.cleaned_data["response"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The response was published."))
            return redirect(consultation.get_absolute_url() + "#respuesta")
    status = 400 if request.method == "POST" else 200
    context = {"consultation": consultation, "form": form, "phase": consultation.phase()}
    return render(request, "participation/consultation_response.html", context, status=status)


@require_GET
@permission_required(permissions.can_manage_consultations)
def consultation_export(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Every comment (hidden ones marked) as CSV, cells neutralised against formulas."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    refused = ratelimit.refuse_over_limit(
        request,
        "consultation-export",
        limit=settings.DIRECTORY_EXPORT_RATE_LIMIT,
        window=RATE_WINDOW,
    )
    if refused is not None:
        return refused
    return exports.response(consultation, selectors.export_comments(consultation))
