"""Views of the agreements app: the public dashboard, commitments and their history,
progress updates and their review, goals, the follow-up of a meeting, exports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minka.agreements import charts, exports, forms, permissions, selectors, services
from minka.agreements.models import Commitment, CommitmentUpdate, Goal, Status
from minka.core import ratelimit
from minka.core.decorators import permission_required
from minka.core.visibility import can_see
from minka.meetings import permissions as meeting_permissions
from minka.meetings import selectors as meeting_selectors

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from django.http import HttpResponse

    from minka.core.http import AuthenticatedHttpRequest, HtmxHttpRequest

PAGE_SIZE = 25


def _report(form: Any, error: ValidationError) -> None:
    form.add_error(None, error)


def _figures(user: Any, filters: dict[str, str]) -> dict[str, Any]:
    """The dashboard's figures and their charts (what the page caches)."""
    board = selectors.dashboard(user=user, filters=filters)
    status_labels = dict(Status.choices)
    return {
        "board": board,
        "status_rows": [(status_labels[s], n) for s, n in board.by_status.items()],
        "status_chart": charts.bar_chart(
            _("Commitments by status"),
            [(str(status_labels[s]), n) for s, n in board.by_status.items()],
        ),
        "topic_chart": charts.bar_chart(
            _("Open commitments by topic"), [(name, n) for _slug, name, n, _d in board.by_topic]
        ),
        "organization_chart": charts.bar_chart(
            _("Open commitments by responsible organization"),
            [(name, n) for _slug, name, n, _d, _l in board.by_organization],
        ),
        "timeline_chart": charts.bar_chart(
            _("Open commitments by month of their deadline"),
            [(month.strftime("%Y-%m"), n) for month, n in board.timeline],
        ),
        "goal_bars": [
            (progress, charts.progress_bar(progress.goal.title, progress.percent))
            for progress in board.goals
        ],
    }


@require_GET
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """``/acuerdos/``: totals by status, what is overdue and due soon, goal progress,
    breakdowns by topic and responsible organization, deadlines by month, and the list;
    filtered; each chart with its data table.

    Each part is rendered once per viewer level, filters (and page), day, language and
    state of the data (``selectors.figures_key``) and kept in the cache: what it shows is
    read (lazily) only when its cached fragment is missing."""
    user = request.user
    form = forms.FilterForm(request.GET, user=user)
    filters = form.filters()
    listed = selectors.commitment_list(user=user, filters=filters).only(*selectors.LIST_FIELDS)
    number = request.GET.get("page")
    context = {
        "form": form,
        "filters": filters,
        "query": request.GET.urlencode(),
        "figures_key": selectors.figures_key(user=user, filters=filters),
        # Read only when the cached fragment that shows them is missing.
        "lists": SimpleLazyObject(lambda: selectors.dashboard_lists(user=user, filters=filters)),
        "figures": SimpleLazyObject(lambda: _figures(user, filters)),
        "page": SimpleLazyObject(lambda: Paginator(listed, PAGE_SIZE).get_page(number)),
        "can_manage": permissions.can_manage_commitments(user),
    }
    return render(request, "agreements/dashboard.html", context)


@require_GET
def commitment_detail(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """A commitment: what, where it came from, owners, deadline, progress, its goals and the
    history of its updates, newest first; the update form for those who may post one."""
    commitment = selectors.commitment_get(user=request.user, public_id=public_id)
    return _detail(request, commitment)


def _detail(
    request: HtmxHttpRequest,
    commitment: Any,
    update_form: forms.UpdateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_post = permissions.can_post_update(request.user, commitment)
    if update_form is None and can_post:
        update_form = forms.UpdateForm(
            user=request.user,
            initial={"status": commitment.status, "progress": commitment.progress},
        )
    user = request.user
    meeting = commitment.meeting
    minutes = commitment.minutes
    context = {
        "commitment": commitment,
        # Where it came from, as far as the viewer may see it.
        "origin_meeting": meeting
        if meeting is not None and meeting_permissions.can_view_meeting(user, meeting)
        else None,
        "origin_minutes_url": (
            f"{minutes.get_absolute_url()}#acuerdo-{commitment.agreement_key}"
            if minutes is not None
            and meeting is not None
            and meeting_permissions.can_view_minutes(user, minutes)
            else ""
        ),
        # Authors' names are for the network's members (people decide on their public
        # listing in the directory; an account's name is not listed).
        "show_authors": permissions.can_see_authors(user),
        "updates": selectors.commitment_updates(commitment, request.user),
        "goals": commitment.goals.visible_to(request.user).order_by("title"),
        "update_form": update_form if can_post else None,
        "can_manage": permissions.can_manage_commitments(request.user),
        "can_review": permissions.can_manage_commitments(request.user),
        "review_form": forms.ReviewForm(),
        "progress_bar": charts.progress_bar(_("Progress"), commitment.progress),
    }
    return render(request, "agreements/commitment_detail.html", context, status=status)


@require_POST
def update_post(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    commitment = selectors.commitment_get(user=request.user, public_id=public_id)
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_post_update(user, commitment):
        raise PermissionDenied
    form = forms.UpdateForm(request.POST, user=user)
    if form.is_valid():
        try:
            services.update_post(actor=user, commitment=commitment, data=form.data_for_service())
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, _("Your update was posted."))
            return redirect(commitment.get_absolute_url())
    return _detail(request, commitment, update_form=form, status=400)


@require_POST
@permission_required(permissions.can_manage_commitments)
def update_review(request: AuthenticatedHttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    commitment = selectors.commitment_get(user=request.user, public_id=public_id)
    update = get_object_or_404(CommitmentUpdate, pk=pk, commitment=commitment)
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.update_review(
                actor=request.user,
                update=update,
                verdict=form.cleaned_data["verdict"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The review was recorded."))
            return redirect(commitment.get_absolute_url())
    else:
        messages.error(request, _("Validate the update or question it."))
    return _detail(request, commitment, status=400)


def _form_page(
    request: AuthenticatedHttpRequest,
    form: forms.CommitmentForm | forms.GoalForm,
    save: Callable[[Any], Commitment | Goal],
    done: str,
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A create or edit page: GET shows ``form``; a valid POST passes its data to ``save``
    (a service), says ``done`` and goes to the saved object's page; invalid input, or a
    service's refusal, shows the form again with its messages (400) and changes nothing."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.data_for_service())
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, done)
            return redirect(saved.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, **(context or {})}, status=status)


def _posted(request: AuthenticatedHttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_commitments)
def commitment_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _form_page(
        request,
        forms.CommitmentForm(_posted(request)),
        lambda data: services.commitment_create(actor=request.user, data=data),
        _("The commitment was created."),
        "agreements/commitment_form.html",
    )


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_commitments)
def commitment_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    commitment = selectors.commitment_get(user=request.user, public_id=public_id)
    return _form_page(
        request,
        forms.CommitmentForm(
            _posted(request), initial=forms.CommitmentForm.initial_for(commitment)
        ),
        lambda data: services.commitment_update(
            actor=request.user, commitment=commitment, data=data
        ),
        _("The commitment was updated."),
        "agreements/commitment_form.html",
        {"commitment": commitment},
    )


@require_GET
def export(request: HtmxHttpRequest, fmt: str) -> HttpResponse:
    """The commitments the viewer may see, filtered as the dashboard, as CSV or XLSX
    (a cell that a spreadsheet would run as a formula is quoted as text)."""
    if fmt not in exports.FORMATS:
        raise Http404
    refused = ratelimit.refuse_over_limit(
        request, "agreements-export", limit=settings.DIRECTORY_EXPORT_RATE_LIMIT, window=3600
    )
    if refused is not None:
        return refused
    filters = forms.FilterForm(request.GET, user=request.user).filters()
    rows = selectors.commitment_list(user=request.user, filters=filters).select_related("meeting")
    return exports.response(rows, fmt, request.user)


@require_GET
def goal_detail(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    goal = selectors.goal_get(user=request.user, public_id=public_id)
    family = [goal, *selectors.goals_visible_to(request.user).filter(parent=goal)]
    progress = selectors.goal_progress(family, request.user)[goal.pk]
    commitments = list(
        selectors.with_owners(
            selectors.commitments_visible_to(request.user)
            .filter(goals=goal)
            .order_by("due_date", "pk"),
            request.user,
        )
    )
    weights = dict(goal.goalcommitment_set.values_list("commitment_id", "weight"))
    parent = goal.parent if goal.parent and can_see(request.user, goal.parent.visibility) else None
    context = {
        "goal": goal,
        "parent": parent,
        "progress": progress,
        "progress_bar": charts.progress_bar(goal.title, progress.percent),
        "results": [
            (result, charts.progress_bar(result.goal.title, result.percent))
            for result in progress.results
        ],
        "commitments": [(c, weights.get(c.pk, 1)) for c in commitments],
        "can_manage": permissions.can_manage_goals(request.user),
    }
    return render(request, "agreements/goal_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_goals)
def goal_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _form_page(
        request,
        forms.GoalForm(_posted(request)),
        lambda data: services.goal_create(actor=request.user, data=data),
        _("The goal was created."),
        "agreements/goal_form.html",
    )


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_goals)
def goal_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    goal = selectors.goal_get(user=request.user, public_id=public_id)
    return _form_page(
        request,
        forms.GoalForm(_posted(request), initial=forms.GoalForm.initial_for(goal)),
        lambda data: services.goal_update(actor=request.user, goal=goal, data=data),
        _("The goal was updated."),
        "agreements/goal_form.html",
        {"goal": goal},
    )


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_goals)
def goal_commitments(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Which commitments count in a goal's progress, and with which weight."""
    goal = selectors.goal_get(user=request.user, public_id=public_id)
    candidates = list(
        selectors.commitments_visible_to(request.user).order_by("due_date", "pk")[:300]
    )
    weights = dict(goal.goalcommitment_set.values_list("commitment_id", "weight"))
    form = forms.GoalCommitmentsForm(
        request.POST if request.method == "POST" else None,
        commitments=candidates,
        weights=weights,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_commitments_set(actor=request.user, goal=goal, weights=form.weights())
        except ValidationError as error:
            _report(form, error)
        else:
            messages.success(request, _("The goal's commitments were saved."))
            return redirect(goal.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "goal": goal}
    return render(request, "agreements/goal_commitments.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_commitments)
def follow_up(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A meeting's follow-up in one form: each pending commitment's status, progress and a
    note; the changed ones get an update saying it was recorded at this meeting."""
    meeting = meeting_selectors.meeting_get(user=request.user, public_id=public_id)
    commitments = selectors.follow_up_commitments(request.user, meeting)
    rows = [
        (
            commitment,
            forms.FollowUpForm(
                request.POST if request.method == "POST" else None,
                prefix=f"c{commitment.pk}",
                initial={"status": commitment.status, "progress": commitment.progress},
            ),
        )
        for commitment in commitments
    ]
    if request.method == "POST" and all(form.is_valid() for _c, form in rows):
        changes = [
            services.FollowUpChange(
                commitment=commitment,
                status=form.cleaned_data["status"],
                progress=form.cleaned_data["progress"],
                note=form.cleaned_data["note"],
            )
            for commitment, form in rows
        ]
        try:
            updates = services.follow_up_record(
                actor=request.user, meeting=meeting, changes=changes
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The follow-up was recorded: %(count)d commitments changed.")
                % {"count": len(updates)},
            )
            return redirect(meeting.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"meeting": meeting, "rows": rows, "today": timezone.localdate()}
    return render(request, "agreements/follow_up.html", context, status=status)
