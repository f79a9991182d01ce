from django.urls import path

from minka.accounts import views

app_name = "accounts"
urlpatterns = [
    path("invitaciones/", views.invitation_list, name="invitation-list"),
    path(
        "invitaciones/<uuid:public_id>/retirar/", views.invitation_revoke, name="invitation-revoke"
    ),
    path("invitacion/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("cuenta/preferencias/", views.preferences, name="preferences"),
    path("auditoria/accesos/", views.access_review, name="access-review"),
    path("idioma/", views.set_language, name="set-language"),
]
