from django.urls import path

from minka.core import views

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("privacidad/", views.privacy, name="privacy"),
    path("accesibilidad/", views.accessibility, name="accessibility"),
    path("auditoria/", views.audit_list, name="audit-list"),
]
