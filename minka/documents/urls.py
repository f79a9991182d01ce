"""The repository's routes (``/repositorio/``)."""

from __future__ import annotations

from django.urls import path

from minka.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("subir/", views.upload, name="upload"),
    path("<uuid:public_id>/", views.document_detail, name="document-detail"),
    path("<uuid:public_id>/editar/", views.document_edit, name="document-edit"),
    path("<uuid:public_id>/eliminar/", views.document_delete, name="document-delete"),
    path("<uuid:public_id>/nueva-version/", views.version_add, name="version-add"),
    path(
        "<uuid:public_id>/versiones/<int:number>/descargar/",
        views.version_download,
        name="version-download",
    ),
    path(
        "<uuid:public_id>/versiones/<int:number>/vista-previa.png",
        views.version_preview,
        name="version-preview",
    ),
    path(
        "<uuid:public_id>/versiones/<int:number>/reintentar/",
        views.version_retry,
        name="version-retry",
    ),
]
