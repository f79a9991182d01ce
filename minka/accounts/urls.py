from django.urls import path

from minka.accounts import views

app_name = "accounts"
urlpatterns = [
    path("cuenta/preferencias/", views.preferences, name="preferences"),
    path("auditoria/accesos/", views.access_review, name="access-review"),
    path("idioma/", views.set_language, name="set-language"),
]
