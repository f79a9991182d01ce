"""The repository's pages: the list, upload, a document and its versions, downloads.

Invisible documents answer 404 to everyone who may not see them (their existence stays
hidden); visible documents answer 403 to an action the viewer may not take. Writes go
through :mod:`minka.documents.services`; a refused input re-displays the form with its
message and status 400, with nothing stored. Each upload (a POST to a form that takes
files, here or on an agenda item) counts against the account's ``UPLOAD_RATE_LIMIT`` an
hour, after the permission checks: past it, the 429 page, with nothing stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from minka.core import ratelimit
from minka.core.decorators import permission_required
from minka.core.pagination import IdsFirstPaginator
from minka.core.storage import file_response
from minka.core.uploads import oversize_files
from minka.directory.selectors import organizations_visible_to
from minka.documents import permissions, selectors, services
from minka.documents.forms import DocumentFilterForm, DocumentMetadataForm, UploadForm, VersionForm
from minka.documents.models import Document, License, Version

if TYPE_CHECKING:
    from uuid import UUID

    from minka.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
    from minka.core.types import Actor


def upload_refused(request: AuthenticatedHttpRequest) -> HttpResponse | None:
    """Count one upload against the account's ``UPLOAD_RATE_LIMIT`` an hour, shared by every
    upload form (the agenda item's too); the 429 page past it. The caller checks first that
    the request is a POST the user may send, so that a refused user does not use the count."""
    return ratelimit.refuse_over_limit(
        request, "upload", limit=settings.UPLOAD_RATE_LIMIT, window=3600
    )


def _redirect(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for a form sent by htmx (the upload with a progress bar)."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_GET
def document_list(request: HtmxHttpRequest) -> HttpResponse:
    """Documents the viewer may see, with filters and sorting."""
    form = DocumentFilterForm(
        request.GET,
        organizations=organizations_visible_to(request.user),
        years=selectors.document_years(request.user),
    )
    filters = form.filters()
    if request.GET.get("mine") and request.user.is_authenticated:
        filters["uploaded_by"] = request.user
    documents = selectors.document_list(
        user=request.user, filters=filters, ordering=form.ordering()
    )
    page = IdsFirstPaginator(documents, settings.REPOSITORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "can_upload": permissions.can_upload(request.user),
        "mine": "uploaded_by" in filters,
    }
    htmx = request.htmx
    fragment = bool(htmx) and not htmx.history_restore_request and not htmx.boosted
    response = render(
        request,
        "documents/partials/document_results.html" if fragment else "documents/document_list.html",
        context,
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _upload_messages(request: HtmxHttpRequest, outcome: services.UploadOutcome) -> None:
    if outcome.created:
        messages.success(
            request,
            ngettext(
                "%(count)d document was added. Its text is being extracted; it becomes "
                "searchable in a moment.",
                "%(count)d documents were added. Their text is being extracted; they become "
                "searchable in a moment.",
                len(outcome.created),
            )
            % {"count": len(outcome.created)},
        )
    for name, existing in outcome.duplicates:
        messages.info(
            request,
            format_html(
                _(
                    '{name} was already in the repository: <a href="{url}">{title}</a>. '
                    "It was not stored again."
                ),
                name=name,
                url=existing.get_absolute_url(),
                title=existing.title,
            ),
        )


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_upload)
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload one or several files; each becomes a document with the shared metadata."""
    if request.method == "POST" and (refused := upload_refused(request)):
        return refused
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
        oversize=oversize_files(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.document_upload(
                actor=request.user, files=form.checked, data=form.metadata()
            )
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            _upload_messages(request, outcome)
            documents = outcome.created or [document for _name, document in outcome.duplicates]
            if len(documents) == 1:
                return _redirect(request, documents[0].get_absolute_url())
            return _redirect(request, reverse("documents:document-list") + "?mine=1")
    return render(
        request,
        "documents/upload.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def document_detail(request: HtmxHttpRequest, public_id: UUID) -> HttpResponse:
    document = selectors.document_get(user=request.user, public_id=public_id)
    versions = selectors.document_versions(document)
    user = request.user
    status_versions = [v for v in versions if permissions.can_view_status(user, v)]
    context: dict[str, Any] = {
        "document": document,
        "versions": versions,
        "latest": document.latest_version,
        "people": _visible_people(user, document),
        "license_label": License(document.license).label if document.license else "",
        "can_edit": permissions.can_edit_document(user, document),
        "can_delete": permissions.can_delete_document(user, document),
        "status_ids": {v.pk for v in status_versions},
        "retry_ids": {v.pk for v in status_versions if permissions.can_retry(user, v)},
        "processing": any(
            v.status in {Version.Status.PENDING, Version.Status.PROCESSING} for v in status_versions
        ),
        "show_uploader": permissions.can_upload(user),
    }
    return render(request, "documents/document_detail.html", context)


def _visible_people(user: Actor, document: Document) -> list[Any]:
    from minka.directory.permissions import can_view_person

    return [person for person in document.people.all() if can_view_person(user, person)]


def _editable(request: AuthenticatedHttpRequest, public_id: UUID) -> Document:
    document = selectors.document_get(user=request.user, public_id=public_id)
    if not permissions.can_edit_document(request.user, document):
        raise PermissionDenied
    return document


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_upload)
def document_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    document = _editable(request, public_id)
    initial = {
        **{name: getattr(document, name) for name in services.DOCUMENT_FIELDS},
        "topics": list(document.topics.all()),
        "organizations": list(document.organizations.all()),
        "people": list(document.people.all()),
    }
    form = DocumentMetadataForm(
        request.POST if request.method == "POST" else None, initial=initial, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(actor=request.user, document=document, data=form.metadata())
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, _("The document was updated."))
            return redirect(document.get_absolute_url())
    return render(
        request,
        "documents/document_edit.html",
        {"form": form, "document": document},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_upload)
def version_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    document = _editable(request, public_id)
    if request.method == "POST" and (refused := upload_refused(request)):
        return refused
    form = VersionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        oversize=oversize_files(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_add(
                actor=request.user,
                document=document,
                checked=form.checked[0],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(
                request, _("Version %(number)s was added.") % {"number": version.number}
            )
            return _redirect(request, document.get_absolute_url())
    return render(
        request,
        "documents/version_add.html",
        {"form": form, "document": document},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_delete_documents)
def document_delete(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    document = selectors.document_get(user=request.user, public_id=public_id)
    if not permissions.can_delete_document(request.user, document):
        raise PermissionDenied
    if request.method == "POST":
        title = document.title
        services.document_delete(actor=request.user, document=document)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": title})
        return redirect("documents:document-list")
    return render(request, "documents/document_delete.html", {"document": document})


@require_GET
def version_download(request: HtmxHttpRequest, public_id: UUID, number: int) -> HttpResponseBase:
    """The file of one version, after a permission check on every request."""
    version = selectors.version_get(user=request.user, public_id=public_id, number=number)
    return file_response(
        request,
        version.file,
        filename=version.original_name,
        content_type=version.content_type,
        inline=version.inline,
    )


@require_GET
def version_preview(request: HtmxHttpRequest, public_id: UUID, number: int) -> HttpResponseBase:
    version = selectors.version_get(user=request.user, public_id=public_id, number=number)
    if not version.preview:
        raise Http404
    return file_response(
        request,
        version.preview,
        filename=f"vista-previa-v{version.number}.png",
        content_type="image/png",
        inline=True,
    )


@require_POST
@permission_required(permissions.can_upload)
def version_retry(request: AuthenticatedHttpRequest, public_id: UUID, number: int) -> HttpResponse:
    version = selectors.version_get(user=request.user, public_id=public_id, number=number)
    if not permissions.can_retry(request.user, version):
        raise PermissionDenied
    try:
        services.version_retry(actor=request.user, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The version was queued for processing again."))
    return redirect(version.document.get_absolute_url())
