from django.urls import path

from minka.directory import views_invitations as views

urlpatterns = [
    path("invitaciones/", views.invitation_list, name="invitation-list"),
    path(
        "invitaciones/<uuid:public_id>/retirar/", views.invitation_revoke, name="invitation-revoke"
    ),
    path("invitacion/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
