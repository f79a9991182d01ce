"""The directory pages people browse, and the members' exports.

Lists answer a htmx request with their results fragment only (the same markup the full
page includes), so filtering works with and without JavaScript.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from minka.core import ratelimit
from minka.core.decorators import permission_required
from minka.core.permissions import is_signed_in
from minka.directory import exports, permissions, selectors
from minka.directory.forms.public import (
    OrganizationFilterForm,
    PersonChoicesForm,
    PersonFilterForm,
)
from minka.directory.hooks import organization_sections

if TYPE_CHECKING:
    from uuid import UUID

    from django.db.models import QuerySet

    from minka.core.http import AuthenticatedHttpRequest, HtmxHttpRequest


def _page(request: HtmxHttpRequest, objects: QuerySet[Any]) -> Page[Any]:
    """One page of ``objects``: the size is fixed by settings, whatever the request asks."""
    return Paginator(objects, settings.DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))


def _render_list(
    request: HtmxHttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """The full page, or only its results fragment for a htmx request."""
    htmx = request.htmx
    fragment = bool(htmx) and not htmx.history_restore_request and not htmx.boosted
    response = render(request, partial if fragment else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def organization_list(request: HtmxHttpRequest) -> HttpResponse:
    """Member organizations, filtered by sector, region, topic and name."""
    form = OrganizationFilterForm(request.GET)
    page = _page(request, selectors.organization_list(filters=form.filters()))
    return _render_list(
        request,
        "directory/organization_list.html",
        "directory/partials/organization_results.html",
        {"form": form, "page": page},
    )


@require_GET
def organization_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """An organization, its focal points and the people the viewer may see; a body's
    mandate, functions and members; what other apps add (its commitments)."""
    organization = selectors.organization_get(user=request.user, slug=slug)
    rows = selectors.organization_people(request.user, organization)
    return render(
        request,
        "directory/organization_detail.html",
        {
            "organization": organization,
            "focal_points": [r for r in rows if r.affiliations[0].is_focal_point],
            "others": [r for r in rows if not r.affiliations[0].is_focal_point],
            "sections": organization_sections(request.user, organization),
            **selectors.organization_body(request.user, organization),
        },
    )


@require_GET
def person_list(request: HtmxHttpRequest) -> HttpResponse:
    """The people the viewer may see, filtered by organization and name."""
    form = PersonFilterForm(
        request.GET, organizations=selectors.organizations_visible_to(request.user)
    )
    page = _page(request, selectors.person_list_for(request.user, filters=form.filters()))
    rows = selectors.person_rows(request.user, page.object_list)
    return _render_list(
        request,
        "directory/person_list.html",
        "directory/partials/person_results.html",
        {"form": form, "page": page, "rows": rows},
    )


@require_GET
@permission_required(is_signed_in)
def person_choices(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The people search of a form's people picker (``picker.js``): up to 20 checkboxes of
    people the user may see whose name holds every word of ``q``; none below 2 letters."""
    form = PersonChoicesForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            "The search needs a field name (field) and an id prefix (id).",
            content_type="text/plain",
        )
    query = form.cleaned_data["q"]
    options = selectors.person_choices(request.user, query) if len(query) >= 2 else []
    return render(
        request,
        "components/picker_options.html",
        {
            "options": options,
            "name": form.cleaned_data["field"],
            "prefix": form.cleaned_data["id"],
        },
    )


@require_GET
def person_detail(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    """A person as the viewer may see them; anyone else answers 404."""
    person = selectors.person_get_for(request.user, public_id=public_id)
    row = selectors.person_rows(request.user, [person])[0]
    return render(request, "directory/person_detail.html", {"row": row})


def _attachment(content: str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content.encode(), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export_refused(request: AuthenticatedHttpRequest) -> HttpResponse | None:
    """Count one download of the whole directory (either format) against the account's
    ``DIRECTORY_EXPORT_RATE_LIMIT`` an hour; the 429 page past it, with nothing recorded."""
    return ratelimit.refuse_over_limit(
        request, "directory-export", limit=settings.DIRECTORY_EXPORT_RATE_LIMIT, window=3600
    )


@require_GET
@permission_required(permissions.can_export_directory)
def export_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The members' directory as CSV, with a BOM so that Excel reads it as UTF-8."""
    if refused := _export_refused(request):
        return refused
    rows = exports.export_rows(selectors.people_for_export())
    exports.export_record(actor=request.user, kind="csv")
    return _attachment(
        "\ufeff" + exports.people_csv(rows),
        content_type="text/csv",
        filename="directorio-personas.csv",
    )


@require_GET
@permission_required(permissions.can_export_directory)
def export_vcard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The members' directory as vCard 4.0 (one card per person)."""
    if refused := _export_refused(request):
        return refused
    rows = exports.export_rows(selectors.people_for_export())
    exports.export_record(actor=request.user, kind="vcard")
    return _attachment(
        exports.people_vcard(rows), content_type="text/vcard", filename="directorio-personas.vcf"
    )


def _image_response(
    request: HtmxHttpRequest, field_file: Any, *, filename: str, public: bool
) -> HttpResponseBase:
    """Serve a stored, re-encoded PNG (logos and photos are always re-encoded on upload).
    Only ``public`` images (logos) may be kept a few minutes in the browser's cache."""
    from minka.core.storage import file_response

    return file_response(
        request,
        field_file,
        filename=filename,
        content_type="image/png",
        inline=True,
        public=public,
    )


@require_GET
def organization_logo(request: HtmxHttpRequest, slug: str) -> HttpResponseBase:
    """An organization's logo, for whoever may see the organization."""
    organization = selectors.organization_get(user=request.user, slug=slug)
    return _image_response(
        request, organization.logo, filename=f"logo-{organization.slug}.png", public=True
    )


@require_GET
def person_photo(request: HtmxHttpRequest, public_id: UUID) -> HttpResponseBase:
    """A person's photo: only where they consented to show it (or to themselves and
    coordinators). Media files are never served by a public URL of their own."""
    from django.http import Http404

    from minka.directory.permissions import can_view_contact

    person = selectors.person_get_for(request.user, public_id=public_id)
    if not can_view_contact(request.user, person, "photo"):
        raise Http404
    return _image_response(request, person.photo, filename="foto.png", public=False)
