"""Routes of the directory (this module's part); collected by ``minka/directory/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from minka.directory import views_public

urlpatterns: list[URLPattern] = [
    path("directorio/", views_public.organization_list, name="organization-list"),
    path(
        "directorio/organizaciones/<slug:slug>/",
        views_public.organization_detail,
        name="organization-detail",
    ),
    path(
        "directorio/organizaciones/<slug:slug>/logo.png",
        views_public.organization_logo,
        name="organization-logo",
    ),
    path("directorio/personas/", views_public.person_list, name="person-list"),
    path(
        "directorio/personas/<uuid:public_id>/foto.png",
        views_public.person_photo,
        name="person-photo",
    ),
    path(
        "directorio/personas/<uuid:public_id>/",
        views_public.person_detail,
        name="person-detail",
    ),
    path("directorio/exportar/personas.csv", views_public.export_csv, name="export-csv"),
    path("directorio/exportar/personas.vcf", views_public.export_vcard, name="export-vcard"),
]
