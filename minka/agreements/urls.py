"""Routes of the agreements app, under ``/acuerdos/`` (namespace ``agreements``)."""

from django.urls import path

from minka.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("nuevo/", views.commitment_create, name="commitment-create"),
    path("exportar.<str:fmt>", views.export, name="export"),
    path("metas/nueva/", views.goal_create, name="goal-create"),
    path("metas/<uuid:public_id>/", views.goal_detail, name="goal-detail"),
    path("metas/<uuid:public_id>/editar/", views.goal_edit, name="goal-edit"),
    path("metas/<uuid:public_id>/compromisos/", views.goal_commitments, name="goal-commitments"),
    path("seguimiento/<uuid:public_id>/", views.follow_up, name="follow-up"),
    path("<uuid:public_id>/", views.commitment_detail, name="commitment-detail"),
    path("<uuid:public_id>/editar/", views.commitment_edit, name="commitment-edit"),
    path("<uuid:public_id>/avances/", views.update_post, name="update-post"),
    path("<uuid:public_id>/avances/<int:pk>/revisar/", views.update_review, name="update-review"),
]
