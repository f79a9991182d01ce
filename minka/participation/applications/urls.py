"""The applications area's URLs under /unete/, in the ``participation`` namespace (no
app_name here)."""

from __future__ import annotations

from django.urls import path

from minka.participation.applications import views

urlpatterns = [
    path("", views.application_create, name="application-create"),
    path("enviada/", views.application_sent, name="application-sent"),
    path("reenviar/", views.application_resend, name="application-resend"),
    path("verificar/<str:token>/", views.application_verify, name="application-verify"),
    path("estado/<str:token>/", views.application_status, name="application-status"),
    path("solicitudes/", views.application_list, name="application-list"),
    path("solicitudes/<uuid:public_id>/", views.application_detail, name="application-detail"),
    path(
        "solicitudes/<uuid:public_id>/aprobar/",
        views.application_approve,
        name="application-approve",
    ),
    path(
        "solicitudes/<uuid:public_id>/rechazar/",
        views.application_reject,
        name="application-reject",
    ),
]
