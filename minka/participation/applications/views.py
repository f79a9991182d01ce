"""Views of membership applications: the public form and the applicant's pages (reached by
a link's token), and the coordinators' queue, page and decisions."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minka.core import ratelimit
from minka.core.decorators import permission_required
from minka.core.privacy import NOTICE_VERSION
from minka.participation.applications import forms, permissions, selectors, services

if TYPE_CHECKING:
    from uuid import UUID

    from django.http import HttpResponse

    from minka.core.http import AuthenticatedHttpRequest, HtmxHttpRequest

PAGE_SIZE = 25
HOUR = 3600
DAY = 24 * HOUR
# Per client (account or address) and per email address given.
SUBMIT_LIMIT = 5  # an hour
RESEND_LIMIT = 5  # an hour
EMAIL_LIMIT = 3  # a day, submissions and resends together
FORM = "participation/membershipapplication_form.html"


def _email_key(email: str) -> str:
    return "email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def _refuse_over_limits(
    request: HtmxHttpRequest, form: forms.ApplicationForm | forms.ResendForm, scope: str, limit: int
) -> HttpResponse | None:
    """On a POST, count one request of the client in ``scope`` (``limit`` an hour) and, when
    the form is valid, one of its email address (``EMAIL_LIMIT`` a day): the 429 page to
    answer with when either is over, else ``None``."""
    if request.method != "POST":
        return None
    refused = ratelimit.refuse_over_limit(request, scope, limit=limit, window=HOUR)
    if refused is not None or not form.is_valid():
        return refused
    key = _email_key(form.cleaned_data["email"])
    retry = ratelimit.hit("application-email", key, limit=EMAIL_LIMIT, window=DAY)
    return ratelimit.too_many_requests(request, retry) if retry else None


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_apply)
def application_create(request: HtmxHttpRequest) -> HttpResponse:
    """/unete/: the public form. Nothing is stored when the form, the honeypot or a rate
    limit refuses it."""
    form = forms.ApplicationForm(request.POST if request.method == "POST" else None)
    if limited := _refuse_over_limits(request, form, "application-submit", SUBMIT_LIMIT):
        return limited
    if request.method == "POST" and form.is_valid():
        services.application_submit(data=form.data_for_service(), language=get_language() or "")
        return redirect("participation:application-sent")
    context = {"form": form, "notice_version": NOTICE_VERSION}
    return render(request, FORM, context, status=400 if request.method == "POST" else 200)


@require_GET
def application_sent(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "participation/membershipapplication_sent.html")


@require_http_methods(["GET", "POST"])
def application_resend(request: HtmxHttpRequest) -> HttpResponse:
    """A new verification link, to an address that has an unverified application; the
    answer is the same whether it has one or not."""
    form = forms.ResendForm(request.POST if request.method == "POST" else None)
    if limited := _refuse_over_limits(request, form, "application-resend", RESEND_LIMIT):
        return limited
    if request.method == "POST" and form.is_valid():
        services.application_resend(email=form.cleaned_data["email"])
        messages.success(
            request,
            _(
                "If that address has an application waiting for confirmation, a new link "
                "is on its way."
            ),
        )
        return redirect("participation:application-sent")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "participation/membershipapplication_resend.html", {"form": form}, status=status
    )


@never_cache
@require_http_methods(["GET", "POST"])
def application_verify(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The link of the verification email: GET asks to confirm (a mail scanner following
    the link changes nothing), POST confirms and goes to the status page."""
    application = selectors.application_by_verification_token(token)
    expired = services.verification_expired(application)
    error = ""
    if request.method == "POST":
        try:
            services.application_verify(application=application)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            return redirect(application.status_url())
    context = {"application": application, "expired": expired, "error": error}
    status = 400 if request.method == "POST" else 200
    return render(
        request, "participation/membershipapplication_verify.html", context, status=status
    )


@never_cache
@require_GET
def application_status(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The applicant's private status page (404 without the right token)."""
    application = selectors.application_by_status_token(token)
    return render(
        request, "participation/membershipapplication_status.html", {"application": application}
    )


@require_GET
@permission_required(permissions.can_review_applications)
def application_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """/unete/solicitudes/: the coordinators' queue, those awaiting review first."""
    filter_form = forms.ApplicationFilterForm(request.GET)
    applications = selectors.application_list(user=request.user, filters=filter_form.filters())
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filter_form": filter_form,
        "awaiting": selectors.applications_awaiting_count(user=request.user),
    }
    return render(request, "participation/membershipapplication_list.html", context)


def _detail(
    request: AuthenticatedHttpRequest,
    public_id: UUID,
    *,
    approve: forms.ApproveForm | None = None,
    reject: forms.RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    application = selectors.application_get(user=request.user, public_id=public_id)
    context: dict[str, Any] = {
        "application": application,
        "approve_form": approve or forms.ApproveForm(),
        "reject_form": reject or forms.RejectForm(),
    }
    return render(
        request, "participation/membershipapplication_detail.html", context, status=status
    )


@never_cache
@require_GET
@permission_required(permissions.can_review_applications)
def application_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    return _detail(request, public_id)


@require_POST
@permission_required(permissions.can_review_applications)
def application_approve(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    application = selectors.application_get(user=request.user, public_id=public_id)
    form = forms.ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.application_approve(
                actor=request.user,
                application=application,
                message=form.cleaned_data["message"],
                organization=form.cleaned_data["organization"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The application was approved and the representative invited.")
            )
            return redirect(application.get_absolute_url())
    return _detail(request, public_id, approve=form, status=400)


@require_POST
@permission_required(permissions.can_review_applications)
def application_reject(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    application = selectors.application_get(user=request.user, public_id=public_id)
    form = forms.RejectForm(request.POST)
    if form.is_valid():
        try:
            services.application_reject(
                actor=request.user, application=application, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The application was rejected and the applicant told."))
            return redirect(application.get_absolute_url())
    return _detail(request, public_id, reject=form, status=400)
