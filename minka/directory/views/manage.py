"""The coordinators' pages: create, edit and merge organizations; add and rectify people,
manage their affiliations, and record a signed paper consent form.

Every page is for coordinators and admins (visitors are sent to sign in, other roles get
403). Writes go through :mod:`minka.directory.services`; a refused input re-displays the
page with its message and status 400, with nothing changed.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minka.core.decorators import permission_required
from minka.core.inputs import typed_input
from minka.directory import permissions, services
from minka.directory.forms.manage import (
    AffiliationForm,
    OrganizationForm,
    OrganizationMergeForm,
    PaperConsentForm,
    PersonCreateForm,
    PersonEditForm,
)
from minka.directory.models import ConsentEvent, ConsentPurpose, Organization, Person
from minka.directory.permissions import people_visible_to

if TYPE_CHECKING:
    from django.forms import BaseForm, Form

    from minka.core.http import AuthenticatedHttpRequest


def _add_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's refusal at the top of the form."""
    form.add_error(None, ValidationError(error.messages))


def _posted(request: AuthenticatedHttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _person_get(request: AuthenticatedHttpRequest, public_id: Any) -> Person:
    """A person coordinators may manage: anyone but an anonymized record (404)."""
    person: Person = get_object_or_404(people_visible_to(request.user), public_id=public_id)
    return person


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_directory)
def organization_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganizationForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(
                actor=request.user, data=typed_input(services.OrganizationData, form.cleaned_data)
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The organization was added."))
            return redirect(organization.get_absolute_url())
    return render(
        request,
        "directory/manage_organization_form.html",
        {"form": form, "organization": None},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_directory)
def organization_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    # The form writes into its instance while validating: give it a copy, so that the
    # service compares against the stored values.
    form = OrganizationForm(
        _posted(request), request.FILES or None, instance=copy.copy(organization)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                actor=request.user,
                organization=organization,
                data=typed_input(services.OrganizationData, form.cleaned_data),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The organization's record was saved."))
            return redirect(organization.get_absolute_url())
    return render(
        request,
        "directory/manage_organization_form.html",
        {"form": form, "organization": organization},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_directory)
def organization_merge(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose the record to keep and its duplicate, confirm what moves, then merge."""
    if request.method == "GET":
        form = OrganizationMergeForm(initial={"keep": request.GET.get("keep", "")})
        return render(request, "directory/manage_organization_merge.html", {"form": form})
    form = OrganizationMergeForm(request.POST)
    if not form.is_valid():
        return render(
            request, "directory/manage_organization_merge.html", {"form": form}, status=400
        )
    keep, duplicate = form.cleaned_data["keep"], form.cleaned_data["duplicate"]
    if request.POST.get("confirm") != "yes":
        moves = {
            "affiliations": duplicate.affiliations.count(),
            "memberships": duplicate.user_memberships.count(),
            "invitations": duplicate.invitations.count(),
        }
        return render(
            request,
            "directory/manage_organization_merge_confirm.html",
            {"keep": keep, "duplicate": duplicate, "moves": moves},
        )
    try:
        services.organization_merge(actor=request.user, keep=keep, duplicate=duplicate)
    except ValidationError as error:
        _add_errors(form, error)
        return render(
            request, "directory/manage_organization_merge.html", {"form": form}, status=400
        )
    messages.success(
        request,
        _("%(duplicate)s was merged into %(keep)s.")
        % {"duplicate": duplicate.name, "keep": keep.name},
    )
    return redirect(keep.get_absolute_url())


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_directory)
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add someone on another's word (pending), optionally inviting them to claim it."""
    form = PersonCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = services.person_create(
                    actor=request.user,
                    data=typed_input(services.PersonData, data),
                    source=data["source"],
                    source_detail=data["source_detail"],
                    organization=data["organization"],
                    title=data["title"],
                )
                if data["send_invitation"]:
                    services.invitation_create(
                        actor=request.user,
                        email=data["email"],
                        organization=data["organization"],
                        title=data["title"],
                        person=person,
                    )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if data["send_invitation"]:
                messages.success(
                    request,
                    _("%(name)s was added, pending consent, and invited by email.")
                    % {"name": person.full_name},
                )
            else:
                messages.success(
                    request, _("%(name)s was added, pending consent.") % {"name": person.full_name}
                )
            return redirect("directory:person-edit", public_id=person.public_id)
    return render(
        request,
        "directory/manage_person_create.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _person_edit_page(
    request: AuthenticatedHttpRequest,
    person: Person,
    *,
    person_form: Form | None = None,
    affiliation_form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    if person_form is None:
        person_form = PersonEditForm(
            initial={f: getattr(person, f) for f in services.PERSON_FIELDS}, prefix="person"
        )
    affiliations = person.affiliations.select_related("organization").order_by(
        "end_date", "organization__name"
    )
    consents = [(purpose.label, person.has_consent(purpose)) for purpose in ConsentPurpose]
    return render(
        request,
        "directory/manage_person_edit.html",
        {
            "person": person,
            "person_form": person_form,
            "affiliation_form": affiliation_form or AffiliationForm(prefix="affiliation"),
            "affiliations": affiliations,
            "consents": consents,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_directory)
def person_edit(request: AuthenticatedHttpRequest, public_id: Any) -> HttpResponse:
    """Rectify a person's data and manage their affiliations (one action per POST)."""
    person = _person_get(request, public_id)
    if request.method == "GET":
        return _person_edit_page(request, person)
    action = request.POST.get("action", "")
    if action == "person":
        return _person_update(request, person)
    if action == "affiliation-add":
        return _affiliation_add(request, person)
    if action == "affiliation-end":
        return _affiliation_end(request, person)
    messages.error(request, _("Unknown action."))
    return _person_edit_page(request, person, status=400)


def _person_update(request: AuthenticatedHttpRequest, person: Person) -> HttpResponse:
    form = PersonEditForm(request.POST, prefix="person")
    if form.is_valid():
        try:
            services.person_update(
                actor=request.user,
                person=person,
                data=typed_input(services.PersonData, form.cleaned_data),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("directory:person-edit", public_id=person.public_id)
        person.refresh_from_db()
    return _person_edit_page(request, person, person_form=form, status=400)


def _affiliation_add(request: AuthenticatedHttpRequest, person: Person) -> HttpResponse:
    form = AffiliationForm(request.POST, prefix="affiliation")
    if form.is_valid():
        try:
            services.affiliation_create(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The role was added."))
            return redirect("directory:person-edit", public_id=person.public_id)
    return _person_edit_page(request, person, affiliation_form=form, status=400)


def _affiliation_end(request: AuthenticatedHttpRequest, person: Person) -> HttpResponse:
    raw = request.POST.get("affiliation", "")
    if not raw.isdigit():
        raise Http404
    affiliation = get_object_or_404(person.affiliations, pk=int(raw))
    try:
        services.affiliation_end(actor=request.user, affiliation=affiliation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _person_edit_page(request, person, status=400)
    messages.success(
        request,
        _("The role in %(organization)s was ended.")
        % {"organization": affiliation.organization.name},
    )
    return redirect("directory:person-edit", public_id=person.public_id)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_manage_directory)
def person_paper_consent(request: AuthenticatedHttpRequest, public_id: Any) -> HttpResponse:
    """Record the choices of a signed paper form, with its scan as evidence."""
    person = _person_get(request, public_id)
    form = PaperConsentForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            events = services.person_set_consents(
                actor=request.user,
                person=person,
                choices=form.choices(),
                channel=ConsentEvent.Channel.PAPER,
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if events:
                messages.success(request, _("The signed form was recorded."))
            else:
                messages.info(
                    request, _("Nothing changed: the form matches the consent already recorded.")
                )
            return redirect("directory:person-edit", public_id=person.public_id)
    consents = [(purpose.label, person.has_consent(purpose)) for purpose in ConsentPurpose]
    return render(
        request,
        "directory/manage_person_paper_consent.html",
        {"person": person, "form": form, "consents": consents},
        status=400 if request.method == "POST" else 200,
    )
