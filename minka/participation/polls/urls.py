"""The polls area's URLs, under ``/participa/fechas/``, in the ``participation`` namespace
(no app_name here)."""

from __future__ import annotations

from django.urls import path

from minka.participation.polls import views

urlpatterns = [
    path("", views.datepoll_list, name="datepoll-list"),
    path("nueva/", views.datepoll_create, name="datepoll-create"),
    path("<uuid:public_id>/", views.datepoll_detail, name="datepoll-detail"),
    path("<uuid:public_id>/responder/", views.datepoll_answer, name="datepoll-answer"),
    path("<uuid:public_id>/elegir/", views.datepoll_choose, name="datepoll-choose"),
    path("<uuid:public_id>/cancelar/", views.datepoll_cancel, name="datepoll-cancel"),
]
