"""/participa/ (proposals, consultations, date polls) and /unete/ (membership applications)."""

from django.urls import include, path

from minka.participation import views

app_name = "participation"
urlpatterns = [
    path("participa/", views.index, name="index"),
    path("participa/propuestas/", include("minka.participation.proposals.urls")),
    path("participa/consultas/", include("minka.participation.consultations.urls")),
    path("participa/fechas/", include("minka.participation.polls.urls")),
    path("unete/", include("minka.participation.applications.urls")),
]
