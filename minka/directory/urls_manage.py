"""Routes of the coordinators' management pages; collected by ``minka/directory/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from minka.directory import views_manage

urlpatterns: list[URLPattern] = [
    path(
        "directorio/organizaciones/nueva/",
        views_manage.organization_create,
        name="organization-create",
    ),
    path(
        "directorio/organizaciones/fusionar/",
        views_manage.organization_merge,
        name="organization-merge",
    ),
    path(
        "directorio/organizaciones/<slug:slug>/editar/",
        views_manage.organization_edit,
        name="organization-edit",
    ),
    path("directorio/personas/nueva/", views_manage.person_create, name="person-create"),
    path(
        "directorio/personas/<uuid:public_id>/editar/",
        views_manage.person_edit,
        name="person-edit",
    ),
    path(
        "directorio/personas/<uuid:public_id>/consentimiento-papel/",
        views_manage.person_paper_consent,
        name="person-paper-consent",
    ),
]
