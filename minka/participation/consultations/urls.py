"""The consultations area's URLs, in the ``participation`` namespace (no app_name here),
under ``/participa/consultas/``."""

from __future__ import annotations

from django.urls import path

from minka.participation.consultations import views

urlpatterns = [
    path("", views.consultation_list, name="consultation-list"),
    path("nueva/", views.consultation_create, name="consultation-create"),
    path("<uuid:public_id>/", views.consultation_detail, name="consultation-detail"),
    path("<uuid:public_id>/editar/", views.consultation_edit, name="consultation-edit"),
    path("<uuid:public_id>/comentar/", views.comment_create, name="consultation-comment-create"),
    path(
        "<uuid:public_id>/comentarios/<int:pk>/reportar/",
        views.comment_report,
        name="consultation-comment-report",
    ),
    path(
        "<uuid:public_id>/comentarios/<int:pk>/ocultar/",
        views.comment_hide,
        name="consultation-comment-hide",
    ),
    path(
        "<uuid:public_id>/comentarios/<int:pk>/mostrar/",
        views.comment_unhide,
        name="consultation-comment-unhide",
    ),
    path(
        "<uuid:public_id>/moderacion/",
        views.consultation_moderation,
        name="consultation-moderation",
    ),
    path(
        "<uuid:public_id>/reportes/<int:pk>/resolver/",
        views.report_resolve,
        name="consultation-report-resolve",
    ),
    path("<uuid:public_id>/respuesta/", views.consultation_response, name="consultation-response"),
    path(
        "<uuid:public_id>/comentarios.csv",
        views.consultation_export,
        name="consultation-export",
    ),
]
