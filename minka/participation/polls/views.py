"""Views of date polls, under ``/participa/fechas/``.

A poll the viewer may not see answers 404. Answering is for signed-in users who may see the
poll (visitors are sent to sign in); creating, choosing a date and cancelling are for
coordinators (visitors are sent to sign in, other roles get 403). Refused input or an action
the poll's state does not allow comes back with its message and status 400; nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minka.core import markdown, ratelimit
from minka.core.decorators import permission_required
from minka.participation.polls import forms, permissions, selectors, services
from minka.participation.polls.models import DateOption

if TYPE_CHECKING:
    from uuid import UUID

    from django.http import HttpResponse

    from minka.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
    from minka.participation.polls.models import DatePoll

PAGE_SIZE = 25
# Answers per account: generous for someone changing their mind, a wall for a script.
ANSWER_RATE_LIMIT = 30
ANSWER_RATE_WINDOW = 600


@require_GET
def datepoll_list(request: HtmxHttpRequest) -> HttpResponse:
    """The polls the viewer may see, newest first."""
    polls = selectors.datepoll_list(user=request.user)
    page = Paginator(polls, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_manage": permissions.can_manage_polls(request.user)}
    return render(request, "participation/datepoll_list.html", context)


def _detail(
    request: HtmxHttpRequest,
    poll: DatePoll,
    *,
    answer_form: forms.AnswerForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    results = selectors.poll_results(poll, user=user)
    options = [result.option for result in results.options]
    may_answer = poll.is_open and permissions.can_answer_poll(user, poll)
    if answer_form is None and may_answer:
        initial = {f"o{pk}": value for pk, value in results.own.items()}
        answer_form = forms.AnswerForm(options=options, initial=initial)
    context: dict[str, Any] = {
        "poll": poll,
        "description": markdown.render(poll.description),
        "results": results,
        "answer_form": answer_form if may_answer else None,
        "answer_fields": _answer_fields(answer_form, results) if may_answer else [],
        "show_names": permissions.can_see_respondents(user),
        "show_link": permissions.can_view_online_link(user),
        "can_manage": permissions.can_manage_polls(user),
        "errors": errors or [],
        "organizations": list(poll.organizations.all()),
    }
    return render(request, "participation/datepoll_detail.html", context, status=status)


def _answer_fields(form: forms.AnswerForm | None, results: selectors.Results) -> list[Any]:
    if form is None:
        return []
    return [(result, form[f"o{result.option.pk}"]) for result in results.options]


@require_GET
def datepoll_detail(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """The poll: its dates, the results table with the best date, the answer form for
    those who may answer, and the coordinators' actions."""
    poll = selectors.datepoll_get(user=request.user, public_id=public_id)
    return _detail(request, poll)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_polls)
def datepoll_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.DatePollForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            poll = services.datepoll_create(actor=request.user, data=form.data_for_service())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The date poll is open; members are being told."))
            return redirect(poll)
    status = 400 if request.method == "POST" else 200
    return render(request, "participation/datepoll_form.html", {"form": form}, status=status)


@require_POST
def datepoll_answer(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """Record the viewer's answers (one per date); answering again changes them."""
    poll = selectors.datepoll_get(user=request.user, public_id=public_id)
    if not request.user.is_authenticated:
        return redirect_to_login(poll.get_absolute_url())
    if not permissions.can_answer_poll(request.user, poll):
        raise PermissionDenied
    refused = ratelimit.refuse_over_limit(
        request, "datepoll-answer", limit=ANSWER_RATE_LIMIT, window=ANSWER_RATE_WINDOW
    )
    if refused is not None:
        return refused
    options = list(poll.options.order_by("starts_at", "pk"))
    form = forms.AnswerForm(request.POST, options=options)
    if not form.is_valid():
        return _detail(request, poll, answer_form=form, status=400)
    try:
        services.answers_set(actor=request.user, poll=poll, answers=form.answers())
    except ValidationError as error:
        return _detail(request, poll, answer_form=form, errors=error.messages, status=400)
    messages.success(
        request, _("Your answers were saved. You can change them while the poll is open.")
    )
    return redirect(poll)


@require_POST
@permission_required(permissions.can_manage_polls)
def datepoll_choose(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Choose a date: the meeting is scheduled, with its invitations."""
    poll = selectors.datepoll_get(user=request.user, public_id=public_id)
    form = forms.ChooseForm(request.POST)
    option = None
    if form.is_valid():
        option = DateOption.objects.filter(poll=poll, pk=form.cleaned_data["option"]).first()
    if option is None:
        return _detail(request, poll, errors=[_("Choose one of this poll's dates.")], status=400)
    try:
        meeting = services.datepoll_choose(actor=request.user, poll=poll, option=option)
    except ValidationError as error:
        poll.refresh_from_db()
        return _detail(request, poll, errors=error.messages, status=400)
    messages.success(request, _("The date was chosen: the meeting is scheduled and invited."))
    return redirect(meeting)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_polls)
def datepoll_cancel(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A confirmation page, then the cancellation."""
    poll = selectors.datepoll_get(user=request.user, public_id=public_id)
    if request.method == "POST":
        try:
            services.datepoll_cancel(actor=request.user, poll=poll)
        except ValidationError as error:
            poll.refresh_from_db()
            return _detail(request, poll, errors=error.messages, status=400)
        messages.success(request, _("The date poll was cancelled."))
        return redirect(poll)
    return render(request, "participation/datepoll_cancel.html", {"poll": poll})
