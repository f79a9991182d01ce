"""Views of agenda proposals, under ``/participa/propuestas/``: the list, a proposal with its
thread, proposing and editing, withdrawing, supporting, commenting, moderating and deciding.

A proposal the viewer may not see answers 404 before anything else; a visitor is then sent
to sign in; a signed-in user who may not do the action gets 403. A service's refusal shows
the page again with its message (400) and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minka.core import markdown, ratelimit
from minka.core.decorators import permission_required
from minka.meetings import permissions as meeting_permissions
from minka.participation.proposals import forms, permissions, selectors, services
from minka.participation.proposals.models import Proposal, ProposalComment

if TYPE_CHECKING:
    from uuid import UUID

    from django.http import HttpResponse

    from minka.core.http import AuthenticatedHttpRequest, HtmxHttpRequest

PAGE_SIZE = 25
# Per account: (requests, seconds). Refused requests answer 429 and save nothing.
PROPOSAL_RATE = (5, 3600)
SUPPORT_RATE = (30, 600)
COMMENT_RATE = (10, 600)


def _refused(request: HtmxHttpRequest, scope: str, rate: tuple[int, int]) -> HttpResponse | None:
    limit, window = rate
    return ratelimit.refuse_over_limit(request, f"proposals-{scope}", limit=limit, window=window)


@require_GET
def proposal_list(request: HtmxHttpRequest) -> HttpResponse:
    """The proposals the viewer may see: open (or accepted, declined, all), most supported
    or newest first, with their supports and comments counted."""
    form = forms.FilterForm(request.GET)
    filters = form.filters()
    proposals = selectors.proposal_list(user=request.user, filters=filters)
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "can_create": permissions.can_create_proposal(request.user),
    }
    return render(request, "participation/proposal_list.html", context)


def _readable(user: Any, comment: ProposalComment) -> ProposalComment:
    comment.readable = not comment.is_hidden or permissions.can_read_hidden_comment(  # type: ignore[attr-defined]
        user, comment
    )
    comment.body_html = markdown.render(comment.body) if comment.readable else ""  # type: ignore[attr-defined]
    return comment


def _detail(
    request: HtmxHttpRequest,
    proposal: Proposal,
    *,
    comment_form: forms.CommentForm | None = None,
    error: ValidationError | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    thread = selectors.proposal_thread(proposal)
    for comment in thread.comments:
        _readable(user, comment)
        for reply in comment.thread_replies:  # type: ignore[attr-defined]
            _readable(user, reply)
    meeting = proposal.meeting
    can_take_part = permissions.can_take_part(user, proposal) and proposal.is_open
    context = {
        "proposal": proposal,
        "description_html": markdown.render(proposal.description),
        "meeting": meeting
        if meeting is not None and meeting_permissions.can_view_meeting(user, meeting)
        else None,
        "thread": thread,
        "show_names": permissions.can_see_names(user),
        "is_proposer": permissions.is_proposer(user, proposal),
        "has_supported": selectors.has_supported(user, proposal),
        "can_take_part": can_take_part,
        "can_edit": permissions.can_edit_proposal(user, proposal),
        "can_withdraw": permissions.can_withdraw_proposal(user, proposal),
        "can_decide": permissions.can_decide_proposals(user) and proposal.is_open,
        "can_moderate": permissions.can_moderate_comments(user),
        "comment_form": comment_form or (forms.CommentForm() if can_take_part else None),
        "errors": error.messages if error is not None else [],
    }
    return render(request, "participation/proposal_detail.html", context, status=status)


@require_GET
def proposal_detail(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    proposal = selectors.proposal_get(user=request.user, public_id=public_id)
    return _detail(request, proposal)


def _form_page(
    request: AuthenticatedHttpRequest, form: forms.ProposalForm, proposal: Proposal | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            if proposal is None:
                saved = services.proposal_create(actor=request.user, data=form.data_for_service())
            else:
                saved = services.proposal_update(
                    actor=request.user, proposal=proposal, data=form.data_for_service()
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done = _("Your proposal was published.") if proposal is None else _("Saved.")
            messages.success(request, done)
            return redirect(saved.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "proposal": proposal}
    return render(request, "participation/proposal_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_create_proposal)
def proposal_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        refused = _refused(request, "create", PROPOSAL_RATE)
        if refused is not None:
            return refused
    posted = request.POST if request.method == "POST" else None
    return _form_page(request, forms.ProposalForm(posted, user=request.user), None)


def _signed_in_or_login(request: HtmxHttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


@require_http_methods(["GET", "POST"])
def proposal_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The proposer changes their open proposal while nobody supports it."""
    proposal = selectors.proposal_get(user=request.user, public_id=public_id)
    login = _signed_in_or_login(request)
    if login is not None:
        return login
    if not permissions.can_edit_proposal(request.user, proposal):
        raise PermissionDenied
    posted = request.POST if request.method == "POST" else None
    form = forms.ProposalForm(
        posted, user=request.user, initial=forms.ProposalForm.initial_for(proposal)
    )
    return _form_page(request, form, proposal)


@require_POST
def proposal_withdraw(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    proposal = selectors.proposal_get(user=request.user, public_id=public_id)
    login = _signed_in_or_login(request)
    if login is not None:
        return login
    if not permissions.can_withdraw_proposal(request.user, proposal):
        raise PermissionDenied
    try:
        services.proposal_withdraw(actor=request.user, proposal=proposal)
    except ValidationError as error:  # decided in the meantime
        return _detail(request, proposal, error=error, status=400)
    messages.success(request, _("Your proposal was withdrawn."))
    return redirect(proposal.get_absolute_url())


def _support_change(
    request: AuthenticatedHttpRequest, public_id: UUID, *, add: bool
) -> HttpResponse:
    proposal = selectors.proposal_get(user=request.user, public_id=public_id)
    login = _signed_in_or_login(request)
    if login is not None:
        return login
    if not permissions.can_take_part(request.user, proposal):
        raise PermissionDenied
    refused = _refused(request, "support", SUPPORT_RATE)
    if refused is not None:
        return refused
    change = services.support_add if add else services.support_remove
    try:
        change(actor=request.user, proposal=proposal)
    except ValidationError as error:
        return _detail(request, proposal, error=error, status=400)
    done = _("Thank you for your support.") if add else _("Your support was withdrawn.")
    messages.success(request, done)
    return redirect(proposal.get_absolute_url())


@require_POST
def proposal_support(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    return _support_change(request, public_id, add=True)


@require_POST
def proposal_unsupport(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    return _support_change(request, public_id, add=False)


@require_POST
def comment_create(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A comment, or a reply (``parent``) to a comment of the same proposal."""
    proposal = selectors.proposal_get(user=request.user, public_id=public_id)
    login = _signed_in_or_login(request)
    if login is not None:
        return login
    if not permissions.can_take_part(request.user, proposal):
        raise PermissionDenied
    refused = _refused(request, "comment", COMMENT_RATE)
    if refused is not None:
        return refused
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        parent_id = form.cleaned_data["parent"]
        parent = proposal.comments.filter(pk=parent_id).first() if parent_id else None
        try:
            if parent_id and parent is None:
                raise ValidationError(_("Reply to a comment of this proposal."))
            comment = services.comment_create(
                actor=request.user, proposal=proposal, body=form.cleaned_data["body"], parent=parent
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your comment was published."))
            return redirect(comment.get_absolute_url())
    return _detail(request, proposal, comment_form=form, status=400)


def _comment(
    request: AuthenticatedHttpRequest, public_id: UUID, pk: int
) -> tuple[Proposal, ProposalComment]:
    proposal = selectors.proposal_get(user=request.user, public_id=public_id)
    return proposal, get_object_or_404(ProposalComment, pk=pk, proposal=proposal)


@require_POST
@permission_required(permissions.can_moderate_comments)
def comment_hide(request: AuthenticatedHttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    proposal, comment = _comment(request, public_id, pk)
    form = forms.HideForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the comment is hidden."))
        services.comment_hide(
            actor=request.user, comment=comment, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        return _detail(request, proposal, error=error, status=400)
    messages.success(request, _("The comment was hidden."))
    return redirect(comment.get_absolute_url())


@require_POST
@permission_required(permissions.can_moderate_comments)
def comment_unhide(request: AuthenticatedHttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    proposal, comment = _comment(request, public_id, pk)
    try:
        services.comment_unhide(actor=request.user, comment=comment)
    except ValidationError as error:
        return _detail(request, proposal, error=error, status=400)
    messages.success(request, _("The comment is shown again."))
    return redirect(comment.get_absolute_url())


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_decide_proposals)
def proposal_decide(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Accept a proposal into a planned meeting's agenda, or decline it with a reason."""
    proposal = selectors.proposal_get(user=request.user, public_id=public_id)
    posted = request.POST if request.method == "POST" else None
    initial = {"meeting": proposal.meeting} if proposal.meeting else None
    form = forms.DecisionForm(posted, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                services.proposal_accept(
                    actor=request.user,
                    proposal=proposal,
                    meeting=data["meeting"],
                    reason=data["reason"],
                )
            else:
                services.proposal_decline(
                    actor=request.user, proposal=proposal, reason=data["reason"]
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The decision was recorded and the proposer told."))
            return redirect(proposal.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "proposal": proposal}
    return render(request, "participation/proposal_decide.html", context, status=status)
