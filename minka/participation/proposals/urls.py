"""The proposals area's URLs, in the ``participation`` namespace (no app_name here)."""

from __future__ import annotations

from django.urls import path

from minka.participation.proposals import views

urlpatterns = [
    path("", views.proposal_list, name="proposal-list"),
    path("nueva/", views.proposal_create, name="proposal-create"),
    path("<uuid:public_id>/", views.proposal_detail, name="proposal-detail"),
    path("<uuid:public_id>/editar/", views.proposal_edit, name="proposal-edit"),
    path("<uuid:public_id>/retirar/", views.proposal_withdraw, name="proposal-withdraw"),
    path("<uuid:public_id>/apoyar/", views.proposal_support, name="proposal-support"),
    path("<uuid:public_id>/quitar-apoyo/", views.proposal_unsupport, name="proposal-unsupport"),
    path("<uuid:public_id>/decidir/", views.proposal_decide, name="proposal-decide"),
    path("<uuid:public_id>/comentar/", views.comment_create, name="proposal-comment-create"),
    path(
        "<uuid:public_id>/comentarios/<int:pk>/ocultar/",
        views.comment_hide,
        name="proposal-comment-hide",
    ),
    path(
        "<uuid:public_id>/comentarios/<int:pk>/mostrar/",
        views.comment_unhide,
        name="proposal-comment-unhide",
    ),
]
