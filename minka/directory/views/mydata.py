"""Views of "Mis datos" (a person's own data rights) and the coordinators' ARCO register."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minka.core import ratelimit
from minka.core.decorators import permission_required
from minka.core.inputs import typed_input
from minka.core.models import AuditEntry
from minka.core.privacy import NOTICE_VERSION
from minka.core.services import audit_record
from minka.directory import permissions, portability, services
from minka.directory.forms.mydata import (
    ConsentForm,
    DataRequestCloseForm,
    DataRequestForm,
    RectificationForm,
)
from minka.directory.models import ConsentEvent, DataRequest, Person

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from minka.accounts.models import User
    from minka.core.http import AuthenticatedHttpRequest

OPEN = [DataRequest.Status.RECEIVED, DataRequest.Status.IN_PROGRESS]
ONLY_YOU = gettext_lazy("Only you and the coordination team")
MEMBERS = gettext_lazy("Members of the network, you and the coordination team")
PUBLIC = gettext_lazy("Anyone (the public directory)")


# --- "Mis datos" ------------------------------------------------------------------------


def _inventory(person: Person, user: User) -> list[dict[str, Any]]:
    """Each datum held, its value, why it is held and who sees it."""
    listed = person.status == Person.Status.ACTIVE and (
        person.members_listing or person.public_listing
    )
    name_to = PUBLIC if person.public_listing else MEMBERS if listed else ONLY_YOU

    def contact(allowed: bool) -> Any:
        return MEMBERS if allowed and listed else ONLY_YOU

    contact_purpose = _("So that members of the network can contact you, if you allow it.")
    return [
        {
            "label": _("Full name"),
            "value": person.full_name,
            "purpose": _("To identify you in the directory, meetings and minutes."),
            "to": name_to,
        },
        {"label": _("Contact email"), "value": person.email, "purpose": contact_purpose,
         "to": contact(person.email_members)},
        {"label": _("Phone"), "value": person.phone, "purpose": contact_purpose,
         "to": contact(person.phone_members)},
        {"label": _("Telegram username"), "value": person.telegram, "purpose": contact_purpose,
         "to": contact(person.telegram_members)},
        {"label": _("Short bio"), "value": person.bio,
         "purpose": _("To present you to the network."), "to": contact(True)},
        {"label": _("Photo"), "value": person.photo.name if person.photo else "",
         "purpose": _("To present you to the network."), "to": contact(person.photo_consent)},
        {"label": _("Account email (sign-in)"), "value": user.email,
         "purpose": _("To sign you in and to send you the messages you choose."), "to": ONLY_YOU},
        {"label": _("Account name"), "value": user.full_name,
         "purpose": _("To greet you and to sign what you write."), "to": ONLY_YOU},
        {"label": _("Role"), "value": user.get_role_display(),
         "purpose": _("To decide what you may see and do."), "to": ONLY_YOU},
        {"label": _("Language"), "value": user.get_language_display(),
         "purpose": _("To show pages and emails in your language."), "to": ONLY_YOU},
    ]  # fmt: skip


def _render_mydata(
    request: AuthenticatedHttpRequest, person: Person, status: int = 200, **forms: Any
) -> HttpResponse:
    person.refresh_from_db()
    context = {
        "person": person,
        "inventory": _inventory(person, request.user),
        "affiliations": person.affiliations.select_related("organization"),
        "memberships": request.user.memberships.select_related("organization"),
        "consent_events": ConsentEvent.objects.filter(person=person).order_by("-created_at", "-pk"),
        "data_requests": DataRequest.objects.filter(person=person).order_by("-received_at"),
        "notice_version": NOTICE_VERSION,
        "profile_form": forms.get("profile_form")
        or RectificationForm(initial=RectificationForm.initial_for(person)),
        "consent_form": forms.get("consent_form") or ConsentForm(person=person),
        "request_form": forms.get("request_form") or DataRequestForm(),
    }
    return render(request, "directory/mydata_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def mydata(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every datum held about the signed-in user, with rectification and consent forms."""
    person = services.person_for_user(user=request.user)
    if request.method == "GET":
        return _render_mydata(request, person)
    which = request.POST.get("form")
    if which == "profile":
        form: Any = RectificationForm(request.POST, request.FILES)
        if form.is_valid():
            data = typed_input(services.PersonData, form.cleaned_data)
            try:
                services.person_update(actor=request.user, person=person, data=data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your data were saved."))
                return redirect("directory:mydata")
        return _render_mydata(request, person, 400, profile_form=form)
    if which == "consent":
        form = ConsentForm(request.POST, person=person)
        if form.is_valid():
            events = services.person_set_consents(
                actor=request.user, person=person, choices=form.choices()
            )
            note = _("Your choices were saved.") if events else _("Nothing changed.")
            messages.success(request, note)
            return redirect("directory:mydata")
        return _render_mydata(request, person, 400, consent_form=form)
    messages.error(request, _("The form sent is unknown. Nothing was changed."))
    return _render_mydata(request, person, 400)


@require_POST
@login_required
def mydata_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person files a data-rights (ARCO) request."""
    person = services.person_for_user(user=request.user)
    form = DataRequestForm(request.POST)
    if form.is_valid():
        try:
            data_request = services.data_request_create(
                actor=request.user, person=person, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your request was received. We will answer by %(date)s.")
                % {"date": date_format(data_request.due_date, "SHORT_DATE_FORMAT")},
            )
            return redirect("directory:mydata")
    return _render_mydata(request, person, 400, request_form=form)


def _export(request: AuthenticatedHttpRequest, fmt: str, content_type: str) -> HttpResponse:
    """The download in ``fmt``; both formats count against the account's
    ``DATA_EXPORT_RATE_LIMIT`` an hour (the 429 page past it, with nothing created or logged)."""
    refused = ratelimit.refuse_over_limit(
        request, "data-export", limit=settings.DATA_EXPORT_RATE_LIMIT, window=3600
    )
    if refused is not None:
        return refused
    person = services.person_for_user(user=request.user)
    content = portability.person_export(actor=request.user, person=person, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    filename = f"minka-mis-datos-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


@require_GET
@login_required
def mydata_export_json(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything held about the signed-in user, as JSON (portability)."""
    return _export(request, "json", "application/json; charset=utf-8")


@require_GET
@login_required
def mydata_export_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything held about the signed-in user, as CSV rows (section, field, value)."""
    return _export(request, "csv", "text/csv; charset=utf-8")


# --- The coordinators' register of requests ----------------------------------------------


def _datarequest_queryset() -> QuerySet[DataRequest]:
    """Open requests first (soonest due first), then closed ones (latest closed first)."""
    return (
        DataRequest.objects.select_related("person")
        .annotate(
            closed=Case(
                When(status__in=OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("closed", "due_date", "-closed_at", "pk")
    )


def _datarequest_figures() -> dict[str, Any]:
    """Open and overdue counts, and the median days to answer closed requests."""
    today = timezone.localdate()
    counts = DataRequest.objects.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN)),
        overdue=Count("pk", filter=Q(status__in=OPEN, due_date__lt=today)),
    )
    closed = DataRequest.objects.filter(closed_at__isnull=False).values_list(
        "received_at", "closed_at"
    )
    days = [(end - start).total_seconds() / 86400 for start, end in closed if end is not None]
    counts["median_days"] = round(statistics.median(days), 1) if days else None
    return counts


@require_GET
@permission_required(permissions.can_handle_data_requests)
def datarequest_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The register of data-rights requests: open first, overdue marked, with figures."""
    page = Paginator(_datarequest_queryset(), settings.DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "figures": _datarequest_figures(), "today": timezone.localdate()}
    return render(request, "directory/datarequest_list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_handle_data_requests)
def datarequest_detail(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    """A request and the person's current data; POST closes it and emails the answer."""
    data_request = get_object_or_404(
        DataRequest.objects.select_related("person__user", "handled_by"), public_id=public_id
    )
    person = data_request.person
    form = DataRequestCloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.data_request_close(
                actor=request.user, request=data_request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The request was closed and the answer recorded."))
            return redirect("directory:datarequest-list")
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditEntry.Action.VIEW_PERSONAL, target=person)
    context = {
        "data_request": data_request,
        "person": person,
        "affiliations": person.affiliations.select_related("organization"),
        "form": form,
        "today": timezone.localdate(),
    }
    return render(
        request,
        "directory/datarequest_detail.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
